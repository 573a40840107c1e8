"""Vectors records per posting version (bot/core/posting_vectors.py): a viewer's roles are scored
from them, so neither adding a server's or a student's posting nor answering their questions ever
reads or writes vectors in Chroma's chunk collection (whose HNSW segment an embedded Chroma would
load whole: ~0.5 GB at 10,000 roles)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.core.answers import AnswerEngine
from bot.core.index import KnowledgeIndex
from bot.core.posting_vectors import pack, text_key, unpack
from bot.core.scopes import Scope, Viewer
from tests.conftest import SEED_POSTINGS
from tests.scope_postings import ZEPH, stored_vectors

GUILD, ALICE = 3001, 4001


@pytest.fixture
def index(tmp_path: Path, embeddings) -> KnowledgeIndex:
    made = KnowledgeIndex(tmp_path / "data", "", embeddings=embeddings)
    made.ingest([SEED_POSTINGS])
    return made


def _zeph(tmp_path: Path, text: str = ZEPH) -> Path:
    path = tmp_path / "zeph.md"
    path.write_text(text)
    return path


def test_a_record_round_trips_exactly() -> None:
    vectors = np.random.default_rng(3).standard_normal((3, 384)).astype(np.float32)
    rows = unpack(pack(["a", "b", "c"], vectors))
    assert list(rows) == [text_key("a"), text_key("b"), text_key("c")]
    assert np.array_equal(np.vstack(list(rows.values())), vectors)


def test_scoped_postings_never_touch_the_chunk_collections_vectors(index: KnowledgeIndex, tmp_path: Path,
                                                                   monkeypatch) -> None:
    """Adding a server's posting, answering in that server and removing the posting: no read of
    vectors from, and no write into, the chunk collection."""
    touched: list[str] = []
    collection = index.store.chunk_collection
    real_get, real_upsert = collection.get, collection.upsert

    def get(*args, **kwargs):
        if "embeddings" in (kwargs.get("include") or []):
            touched.append("read vectors")
        return real_get(*args, **kwargs)

    def upsert(*args, **kwargs):
        touched.append("write")
        return real_upsert(*args, **kwargs)

    monkeypatch.setattr(collection, "get", get)
    monkeypatch.setattr(collection, "upsert", upsert)
    report = index.ingest([_zeph(tmp_path)], scope=Scope.server(GUILD))
    assert report.count("added") == 1 and report.chunks_written > 0
    view = index.view(Viewer(ALICE, GUILD))
    answer = AnswerEngine(view).answer("what lidar models will I train at zephyrine?")
    assert any("lidar" in c.quote.lower() for c in answer.citations)
    assert "$51" in AnswerEngine(view).answer("what does the Zephyrine internship pay?").text
    index.remove(Scope.server(GUILD), Scope.server(GUILD).role_id("zephyrine-robotics-perception-research-intern"))
    assert touched == []


def test_a_version_record_is_shared_and_goes_with_its_last_role(index: KnowledgeIndex, tmp_path: Path) -> None:
    index.ingest([_zeph(tmp_path)], scope=Scope.server(GUILD))
    second = index.ingest([_zeph(tmp_path)], scope=Scope.user(ALICE))
    assert second.count("added") == 1 and second.chunks_written == 0  # the server's record is reused
    view = index.view(Viewer(ALICE, GUILD))
    base = "zephyrine-robotics-perception-research-intern"
    versions = {view.role(scope.role_id(base)).content_hash for scope in (Scope.server(GUILD), Scope.user(ALICE))}
    assert len(versions) == 1
    (version,) = versions
    assert index.forget(Scope.server(GUILD)) == 1 and version in index.store.posting_vectors.ids()
    assert index.forget(Scope.user(ALICE)) == 1 and version not in index.store.posting_vectors.ids()
    assert stored_vectors(index, f"user:{ALICE}") == []


def test_a_changed_posting_replaces_its_record(index: KnowledgeIndex, tmp_path: Path) -> None:
    scope = Scope.user(ALICE)
    index.ingest([_zeph(tmp_path)], scope=scope)
    (old,) = {p.content_hash for p in index.scope_roles(scope)}
    index.ingest([_zeph(tmp_path, ZEPH.replace("12 weeks", "10 weeks"))], scope=scope)
    (new,) = {p.content_hash for p in index.scope_roles(scope)}
    held = index.store.posting_vectors.ids()
    assert new != old and new in held and old not in held


def test_missing_records_are_embedded_in_memory_and_an_ingest_writes_them(index: KnowledgeIndex,
                                                                           tmp_path: Path) -> None:
    """A store written before version records (or a record lost to a race) still answers: the lines
    are embedded in memory, never written back by a read; the next ingest in that scope records them."""
    scope = Scope.user(ALICE)
    index.ingest([_zeph(tmp_path)], scope=scope)
    (version,) = {p.content_hash for p in index.scope_roles(scope)}
    index.store.posting_vectors.collection.delete(ids=[version])
    fresh = KnowledgeIndex(index.data_dir, "", embeddings=index.embeddings)
    view = fresh.view(Viewer(ALICE))
    assert "$51" in AnswerEngine(view).answer("what does the Zephyrine internship pay?").text
    hits = view.search("train lidar segmentation models", k=3)
    assert hits and "lidar" in hits[0].chunk.text.lower()
    assert version not in fresh.store.posting_vectors.ids()  # a read writes nothing
    other = tmp_path / "other.md"
    other.write_text(ZEPH.replace("Zephyrine", "Quillon").replace("Oslo", "Bergen"))
    fresh.ingest([other], scope=scope)
    assert version in fresh.store.posting_vectors.ids()
