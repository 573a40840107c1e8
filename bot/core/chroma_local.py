"""Read prepbot's role records straight from the embedded Chroma's SQLite file, without chromadb.

`prepbot roles` only lists what is indexed, yet importing chromadb and opening its client cost
about 0.8 s of CPU, most of that command. The role records are small JSON documents that Chroma
keeps in its metadata segment, a plain SQLite table, so they can be read with the standard
library.

This reads Chroma's storage layout (chromadb is pinned to 1.5.x in pyproject.toml), so it is
careful to return None, and let the caller open Chroma as usual, whenever anything differs
from what it expects: no file, another schema, a locked database, or writes that Chroma has
logged but not yet applied to that segment (its `max_seq_id` is behind the embeddings queue).
The connection is read-only (`mode=ro`): it never writes, creates or migrates anything.
tests/core/test_chroma_local.py checks it against chromadb's own answer on a real store.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

DOCUMENT_KEY = "chroma:document"  # where Chroma's metadata segment keeps each record's document
Record = tuple[str, str, dict[str, object]]  # (id, document, metadata)


def _seq(value: object) -> int | None:
    """A sequence id as Chroma stores it (an integer; big-endian bytes in older layouts)."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return int.from_bytes(value, "big")
    return int(value)  # type: ignore[arg-type]


def read_records(chroma_dir: Path, collection: str) -> list[Record] | None:
    """Every record of `collection` in the store at `chroma_dir`, or None when it cannot be
    read safely this way (the caller then asks chromadb)."""
    database = Path(chroma_dir) / "chroma.sqlite3"
    if not database.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
    except sqlite3.Error:
        return None
    try:
        return _read(connection, collection)
    except (sqlite3.Error, ValueError, TypeError):
        return None  # a layout we do not know, a lock held too long, a damaged file: let chromadb say
    finally:
        connection.close()


def _read(connection: sqlite3.Connection, collection: str) -> list[Record] | None:
    found = connection.execute("SELECT id FROM collections WHERE name = ?", (collection,)).fetchone()
    if found is None:
        return None
    collection_id = found[0]
    segments = connection.execute(
        "SELECT id FROM segments WHERE collection = ? AND scope = 'METADATA'", (collection_id,)
    ).fetchall()
    if len(segments) != 1:
        return None
    segment = segments[0][0]
    applied = connection.execute("SELECT seq_id FROM max_seq_id WHERE segment_id = ?", (segment,)).fetchone()
    logged = connection.execute(
        "SELECT MAX(seq_id) FROM embeddings_queue WHERE topic LIKE ?", (f"%/{collection_id}",)
    ).fetchone()
    newest_logged = _seq(logged[0]) if logged else None
    if newest_logged is not None and (applied is None or (_seq(applied[0]) or 0) < newest_logged):
        return None  # Chroma has writes for this collection it has not applied to the segment yet
    rows = connection.execute(
        "SELECT e.embedding_id, m.key, m.string_value, m.int_value, m.float_value, m.bool_value "
        "FROM embeddings e JOIN embedding_metadata m ON m.id = e.id WHERE e.segment_id = ? ORDER BY e.id",
        (segment,),
    ).fetchall()
    documents: dict[str, str] = {}
    metadatas: dict[str, dict[str, object]] = {}
    for record_id, key, text, number, real, flag in rows:
        if key == DOCUMENT_KEY:
            documents[record_id] = text
            continue
        value = text if text is not None else number if number is not None else real if real is not None else flag
        metadatas.setdefault(record_id, {})[key] = bool(value) if flag is not None and text is None else value
    if set(metadatas) - set(documents):
        return None  # a record without its document: not the layout this reader knows
    return [(rid, documents[rid], metadatas.get(rid, {})) for rid in documents]
