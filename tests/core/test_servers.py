"""The index and answer suites again, against a real Chroma server (`chroma run`) instead of the
embedded store: the same test functions, with `seeded_index`, `fresh_index` and `answer_engine`
built on `KnowledgeIndex(..., chroma_url=...)`. (The state suite runs on PostgreSQL in
test_state.py itself.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from bot.config import PROJECT_ROOT
from bot.core.answers import AnswerEngine
from bot.core.embeddings import CachedEmbeddings
from bot.core.index import KnowledgeIndex
from bot.core.store import CHUNKS, ROLES
from tests.conftest import SEED_POSTINGS
from tests.core import test_answers, test_index

if TYPE_CHECKING:
    from tests.servers import ChromaServer

pytest_plugins = ["tests.servers"]

EMBEDDED_ONLY = {"test_index_survives_reopen"}  # reopens a folder; its server twin is below
for _module in (test_index, test_answers):
    globals().update(
        {name: test for name, test in vars(_module).items() if name.startswith("test_") and name not in EMBEDDED_ONLY}
    )


@pytest.fixture(scope="module")
def seeded_index(chroma_server: ChromaServer, tmp_path_factory, embeddings: CachedEmbeddings) -> KnowledgeIndex:
    """The seed postings ingested into the session's Chroma server."""
    index = KnowledgeIndex(tmp_path_factory.mktemp("seeded-server"), "", chroma_url=chroma_server.url,
                           embeddings=embeddings)
    index.ingest([SEED_POSTINGS])
    return index


@pytest.fixture(scope="module")
def answer_engine(seeded_index: KnowledgeIndex) -> AnswerEngine:
    return AnswerEngine(seeded_index)


@pytest.fixture(scope="module")
def empty_server(start_chroma) -> ChromaServer:
    """A second server whose collections each `fresh_index` test drops first."""
    return start_chroma()


@pytest.fixture
def fresh_index(empty_server: ChromaServer, tmp_path: Path, embeddings: CachedEmbeddings) -> KnowledgeIndex:
    """An empty index of its own on a Chroma server."""
    client = chromadb.HttpClient(host="127.0.0.1", port=empty_server.port,
                                 settings=ChromaSettings(anonymized_telemetry=False))
    for name in (CHUNKS, ROLES):
        if name in {c.name for c in client.list_collections()}:
            client.delete_collection(name)
    return KnowledgeIndex(tmp_path / "data", "", chroma_url=empty_server.url, embeddings=embeddings)


def test_index_is_on_the_server(seeded_index: KnowledgeIndex, chroma_server: ChromaServer) -> None:
    """With chroma_url the index talks HTTP to the server and writes nothing to the local data dir."""
    client = seeded_index.store.chunks._client
    assert type(client._server).__name__ == "FastAPI"
    assert {c.name for c in client.list_collections()} >= {CHUNKS, ROLES}
    assert (chroma_server.path / "chroma.sqlite3").is_file()


def test_server_index_survives_reopen(seeded_index: KnowledgeIndex, chroma_server: ChromaServer,
                                      tmp_path: Path) -> None:
    """Another process (a new KnowledgeIndex on the same server) sees the same roles and chunks."""
    reopened = KnowledgeIndex(tmp_path, "", chroma_url=chroma_server.url, embeddings=seeded_index.embeddings)
    assert [r.role_id for r in reopened.roles()] == [r.role_id for r in seeded_index.roles()]
    assert reopened.search("diffusion models for recommendation")[0].chunk.id == \
        seeded_index.search("diffusion models for recommendation")[0].chunk.id


def test_cli_uses_chroma_url(seeded_index: KnowledgeIndex, chroma_server: ChromaServer, tmp_path: Path) -> None:
    """`prepbot roles --json` with CHROMA_URL set lists the roles held by the server, from an empty data dir."""
    env = {**os.environ, "CHROMA_URL": chroma_server.url, "PREPBOT_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "bot", "roles", "--json"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert {r["id"] if "id" in r else r["role_id"] for r in json.loads(done.stdout)} == \
        {r.role_id for r in seeded_index.roles()}
    assert not (tmp_path / "data" / "chroma").exists()
