"""Chroma, embedded on disk by default or a server when CHROMA_URL is set.

Two collections: `prepbot_chunks` (one vector per posting line, through LangChain's Chroma) and
`prepbot_roles` (one record per role holding the parsed posting as JSON). A role record is written
after its chunks, so it is the commit point of an ingest: chunks of an unrecorded version are
never searched and are swept on the next ingest of that role.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma

from bot.core.chunks import Chunk
from bot.core.embeddings import CachedEmbeddings
from bot.core.errors import KnowledgeBaseUnavailable
from bot.core.postings import Posting

log = logging.getLogger(__name__)
CHUNKS = "prepbot_chunks"
ROLES = "prepbot_roles"
COSINE = {"hnsw:space": "cosine"}
WRITE_BATCH = 1000
EMBED_BATCH = 2048  # big enough for sentence-transformers to sort by length and pad little


def open_client(data_dir: Path, chroma_url: str | None) -> chromadb.ClientAPI:
    settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if chroma_url:
            url = urlparse(chroma_url)
            return chromadb.HttpClient(
                host=url.hostname or "127.0.0.1", port=url.port or 8000, ssl=url.scheme == "https", settings=settings
            )
        path = data_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    except Exception as err:  # chroma raises many types for an unreachable or unreadable store
        where = chroma_url or str(data_dir / "chroma")
        raise KnowledgeBaseUnavailable(
            f"The knowledge base at {where} could not be opened ({err}). If it is a local folder, move it "
            "aside and run `prepbot ingest knowledge/postings` to rebuild it."
        ) from err


class VectorStore:
    """The two collections, with the writes an ingest needs and the query a search needs."""

    def __init__(self, client: chromadb.ClientAPI, embeddings: CachedEmbeddings) -> None:
        self.embeddings = embeddings
        self.chunks = Chroma(
            collection_name=CHUNKS, embedding_function=embeddings, client=client, collection_metadata=COSINE
        )
        self.roles = client.get_or_create_collection(ROLES, metadata=COSINE, embedding_function=None)

    def load_roles(self) -> dict[str, tuple[Posting, list[str]]]:
        """role_id -> (posting, every source file that holds it)."""
        records = self.roles.get(include=["documents", "metadatas"])
        roles = {}
        for role_id, document, metadata in zip(records["ids"], records["documents"], records["metadatas"], strict=True):
            roles[role_id] = (Posting.from_dict(json.loads(document)), json.loads(metadata["sources"]))
        return roles

    def write_chunks(self, chunks: list[Chunk], progress: Callable[[int], None] | None = None) -> None:
        """Embed in large batches and upsert each batch while the next one is being embedded.

        Encoding is the expensive part; overlapping Chroma's writes with it keeps ingest close to
        the cost of encoding alone."""
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chroma-write") as writer:
            pending: Future | None = None
            for start in range(0, len(chunks), EMBED_BATCH):
                batch = chunks[start : start + EMBED_BATCH]
                vectors = self.embeddings.embed_documents([c.text for c in batch])
                if pending:
                    pending.result()
                pending = writer.submit(self._upsert_chunks, batch, vectors)
                if progress:
                    progress(start + len(batch))
            if pending:
                pending.result()

    def _upsert_chunks(self, chunks: list[Chunk], vectors: list[list[float]]) -> None:
        for start in range(0, len(chunks), WRITE_BATCH):
            batch = slice(start, start + WRITE_BATCH)
            self.chunks._collection.upsert(
                ids=[c.id for c in chunks[batch]],
                embeddings=vectors[batch],
                documents=[c.text for c in chunks[batch]],
                metadatas=[c.metadata() for c in chunks[batch]],
            )

    def write_roles(self, records: list[tuple[Posting, list[str]]], vectors: list[list[float]]) -> None:
        """Upsert role records in batches: one Chroma round-trip per thousand roles, not per role."""
        for start in range(0, len(records), WRITE_BATCH):
            batch = records[start : start + WRITE_BATCH]
            self.roles.upsert(
                ids=[posting.role_id for posting, _ in batch],
                documents=[json.dumps(posting.to_dict()) for posting, _ in batch],
                embeddings=vectors[start : start + WRITE_BATCH],
                metadatas=[
                    {"sources": json.dumps(sources), "version": posting.content_hash, "title": posting.title}
                    for posting, sources in batch
                ],
            )

    def sweep_chunks(self, role_id: str, keep_version: str | None) -> None:
        """Delete a role's chunks of every version but `keep_version` (all of them for None)."""
        where: dict = {"role_id": role_id}
        if keep_version:
            where = {"$and": [{"role_id": role_id}, {"version": {"$ne": keep_version}}]}
        self.chunks._collection.delete(where=where)

    def sweep_stale(self, postings: list[Posting]) -> None:
        """One delete for many roles: their chunks of any version but the one now recorded (older
        versions, and leftovers of an ingest that was killed before its commit point)."""
        for start in range(0, len(postings), 500):
            batch = postings[start : start + 500]
            self.chunks._collection.delete(
                where={
                    "$and": [
                        {"role_id": {"$in": [p.role_id for p in batch]}},
                        {"version": {"$nin": [p.content_hash for p in batch]}},
                    ]
                }
            )

    def delete_role(self, role_id: str) -> None:
        self.roles.delete(ids=[role_id])
        self.sweep_chunks(role_id, None)

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """Stored vectors by chunk id (ids that are missing are simply absent)."""
        found = self.chunks._collection.get(ids=ids, include=["embeddings"])
        return dict(zip(found["ids"], found["embeddings"], strict=True))

    def query(self, vector: list[float], k: int, role_ids: list[str] | None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) for the `k` nearest chunks, optionally within some roles."""
        where = None
        if role_ids:
            where = {"role_id": role_ids[0]} if len(role_ids) == 1 else {"role_id": {"$in": role_ids}}
        result = self.chunks._collection.query(
            query_embeddings=[vector], n_results=k, where=where, include=["distances"]
        )
        return [(cid, 1.0 - dist) for cid, dist in zip(result["ids"][0], result["distances"][0], strict=True)]
