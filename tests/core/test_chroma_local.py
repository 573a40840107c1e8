"""Reading role records from Chroma's file agrees with chromadb, and declines whenever unsure."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from bot.core import services as services_module
from bot.core import store
from bot.core.chroma_local import read_records
from bot.core.index import KnowledgeIndex
from bot.core.services import Services
from tests.discord.harness import make_settings


def copy_store(index: KnowledgeIndex, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(Path(index.store.where).parent, data)
    return data


def test_the_file_gives_what_chromadb_gives(seeded_index, tmp_path):
    data = copy_store(seeded_index, tmp_path)
    records = read_records(data / "chroma", services_module.ROLES_COLLECTION)
    via_chroma = seeded_index.store.roles.get(include=["documents", "metadatas"])
    assert records is not None and len(records) == len(via_chroma["ids"]) >= 4
    expected = dict(zip(via_chroma["ids"], zip(via_chroma["documents"], via_chroma["metadatas"], strict=True),
                        strict=True))
    assert {rid: (doc, meta) for rid, doc, meta in records} == expected


def test_services_list_the_same_roles_without_opening_the_index(seeded_index, tmp_path):
    data = copy_store(seeded_index, tmp_path)
    services = Services(make_settings(data))
    listed = services.listed_roles()
    assert listed is not None and "index" not in services.__dict__
    assert [(p.role_id, s) for p, s in listed] == [(p.role_id, seeded_index.sources(p.role_id))
                                                   for p in seeded_index.roles()]
    assert services_module.ROLES_COLLECTION == store.ROLES


def test_pending_writes_send_the_caller_to_chromadb(seeded_index, tmp_path):
    """A write Chroma has logged but not applied to the metadata segment: the file is not the truth yet."""
    data = copy_store(seeded_index, tmp_path)
    database = data / "chroma" / "chroma.sqlite3"
    with sqlite3.connect(database) as connection:
        collection_id = connection.execute("SELECT id FROM collections WHERE name = ?", (store.ROLES,)).fetchone()[0]
        newest = connection.execute("SELECT MAX(seq_id) FROM embeddings_queue").fetchone()[0]
        connection.execute("INSERT INTO embeddings_queue (seq_id, operation, topic, id) VALUES (?, 0, ?, 'new-role')",
                           (newest + 1, f"persistent://default/default/{collection_id}"))
    assert read_records(data / "chroma", store.ROLES) is None


def test_no_store_a_damaged_file_or_a_server_fall_back(tmp_path, seeded_index):
    assert read_records(tmp_path / "nothing", store.ROLES) is None
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "chroma.sqlite3").write_bytes(b"not a database" * 100)
    assert read_records(broken, store.ROLES) is None
    data = copy_store(seeded_index, tmp_path)
    assert Services(make_settings(data, CHROMA_URL="http://127.0.0.1:9")).listed_roles() is None
    assert Services(make_settings(tmp_path / "empty")).listed_roles() is None
