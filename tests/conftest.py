"""Shared fixtures: the real bundled model and a real Chroma on disk, built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.core.answers import AnswerEngine
from bot.core.embeddings import CachedEmbeddings, load_embeddings
from bot.core.index import KnowledgeIndex

SEED_POSTINGS = PROJECT_ROOT / "knowledge" / "postings"


@pytest.fixture(scope="session")
def embeddings() -> CachedEmbeddings:
    """The bundled all-MiniLM-L6-v2, loaded once for the whole test session."""
    return load_embeddings(Settings().model_path)


@pytest.fixture(scope="session")
def seeded_index(tmp_path_factory: pytest.TempPathFactory, embeddings: CachedEmbeddings) -> KnowledgeIndex:
    """An index of the seed postings; tests must not ingest into it (use `fresh_index`)."""
    index = KnowledgeIndex(tmp_path_factory.mktemp("seeded"), "", embeddings=embeddings)
    index.ingest([SEED_POSTINGS])
    return index


@pytest.fixture(scope="session")
def answer_engine(seeded_index: KnowledgeIndex) -> AnswerEngine:
    return AnswerEngine(seeded_index)


@pytest.fixture
def indexed_data_dir(tmp_path: Path, seeded_index: KnowledgeIndex) -> Path:
    """A data dir of its own with the seed postings already indexed (a copy of `seeded_index`'s), for
    subprocess tests whose subject is not the first-run indexing."""
    target = tmp_path / "data"
    shutil.copytree(Path(seeded_index.store.where).parent, target)
    return target


@pytest.fixture
def fresh_index(tmp_path: Path, embeddings: CachedEmbeddings) -> KnowledgeIndex:
    """An empty index of its own, for tests that ingest."""
    return KnowledgeIndex(tmp_path / "data", "", embeddings=embeddings)


@pytest.fixture
def postings_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed postings folder."""
    target = tmp_path / "postings"
    shutil.copytree(SEED_POSTINGS, target)
    return target
