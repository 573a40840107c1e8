"""Chroma, embedded on disk by default or a server when CHROMA_URL is set.

Three collections: `prepbot_roles` (one record per role holding the parsed posting as JSON),
`prepbot_vectors` (one record per posting version holding its chunk vectors; bot/core/posting_vectors.py
says why) and `prepbot_chunks` (one vector per line of the library's postings, for Chroma's HNSW
search of a library too large to score exactly; `VectorStore.chunks` is LangChain's Chroma over it).
Server and personal postings are not written to `prepbot_chunks`: with the embedded store a write
there loads its whole HNSW segment into the bot process. A role record is written after its vectors,
so it is the commit point of an ingest: vectors of an unrecorded version are never searched and
are swept on the next ingest of that role.

Scopes (bot/core/scopes.py) are an `owner` metadata field on every chunk and role record
("library", "server:<id>", "user:<id>"): one collection, filtered by owner. docs/deploy.md says
why this layout rather than a collection or a database per scope (measured in
benchmarks/bench_scopes.py). Stores written before scopes existed are migrated on open: records
without an owner belong to the library.

Every Chroma call goes through `VectorStore._guard`: a server that is down, restarting or timing
out is retried briefly (every call here is a read or an idempotent upsert/delete), then reported
as `KnowledgeBaseUnavailable` with a message a user can read; an unreadable local store is
reported with its path and how to rebuild it. Other Chroma errors are bugs and propagate.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Collection
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import chromadb
import httpx
import numpy as np
from chromadb.errors import ChromaError, InternalError, NotFoundError

from bot.core.chroma_client import briefly_retrying, open_client, unreadable
from bot.core.chunks import Chunk
from bot.core.embeddings import CachedEmbeddings
from bot.core.errors import KnowledgeBaseUnavailable
from bot.core.posting_vectors import VERSIONS, PostingVectors, VersionRecorder, text_key
from bot.core.postings import Posting
from bot.core.scopes import LIBRARY_KEY

if TYPE_CHECKING:
    from langchain_chroma import Chroma

log = logging.getLogger(__name__)
CHUNKS = "prepbot_chunks"
ROLES = "prepbot_roles"
COSINE = {"hnsw:space": "cosine"}
WRITE_BATCH = 1000
EMBED_BATCH = 512  # chunks embedded per call: the encoder sorts them by length (little padding), and each
# batch is written while the next is embedded; smaller batches would only add calls
UNAVAILABLE = "The knowledge base is unavailable right now; try again shortly."
T = TypeVar("T")


class VectorStore:
    """The two collections, with the writes an ingest needs and the query a search needs."""

    def __init__(
        self, client: chromadb.ClientAPI, embeddings: CachedEmbeddings, where: str = "", remote: bool = False
    ) -> None:
        self.embeddings = embeddings
        self.where = where or "its folder"  # for messages: the server URL or the local folder
        self.remote = remote
        self.client = client
        # Our own calls use the collection itself; the LangChain wrapper (`chunks`) is built on first
        # use: importing langchain_chroma costs ~0.4 s and ~25 MB that most commands never need.
        self.chunk_collection = self._guard(
            lambda: client.get_or_create_collection(CHUNKS, metadata=COSINE, embedding_function=None)
        )
        self.roles = self._guard(
            lambda: client.get_or_create_collection(ROLES, metadata=COSINE, embedding_function=None)
        )
        versions = self._guard(
            lambda: client.get_or_create_collection(VERSIONS, metadata=COSINE, embedding_function=None)
        )
        self.posting_vectors = PostingVectors(versions, self.roles, self._guard)
        self._migrate_owners()

    @functools.cached_property
    def chunks(self) -> Chroma:
        """The chunks as a LangChain vector store that embeds with our model (for LangChain chains
        and retrievers); the same collection as `chunk_collection`."""
        from langchain_chroma import Chroma

        return self._guard(
            lambda: Chroma(
                collection_name=CHUNKS, embedding_function=self.embeddings.as_langchain(), client=self.client,
                collection_metadata=COSINE,
            )
        )

    def _migrate_owners(self) -> None:
        """Give records written before scopes existed the library owner (one pass, then a no-op:
        reading only the metadata of role records, which are few and small)."""
        records = self._guard(lambda: self.roles.get(include=["metadatas"]))
        legacy = [rid for rid, meta in zip(records["ids"], records["metadatas"], strict=True) if "owner" not in meta]
        if not legacy:
            return
        log.info("marking %d roles from before scopes as library roles", len(legacy))
        for start in range(0, len(legacy), 500):
            batch = legacy[start : start + 500]
            found = self._guard(
                lambda batch=batch: self.chunk_collection.get(
                    where={"role_id": {"$in": batch}}, include=["metadatas"]
                )
            )
            for first in range(0, len(found["ids"]), WRITE_BATCH):
                ids = found["ids"][first : first + WRITE_BATCH]
                metas = [m | {"owner": LIBRARY_KEY} for m in found["metadatas"][first : first + WRITE_BATCH]]
                self._guard(lambda ids=ids, metas=metas: self.chunk_collection.update(ids=ids, metadatas=metas))
            metas = self._guard(lambda batch=batch: self.roles.get(ids=batch, include=["metadatas"]))
            self._guard(
                lambda metas=metas: self.roles.update(
                    ids=metas["ids"], metadatas=[m | {"owner": LIBRARY_KEY} for m in metas["metadatas"]]
                )
            )

    @classmethod
    def open(cls, data_dir: Path, chroma_url: str | None, embeddings: CachedEmbeddings) -> VectorStore:
        """The store at `chroma_url` (a Chroma server) or in `<data_dir>/chroma`."""
        where = chroma_url or str(Path(data_dir) / "chroma")
        return cls(open_client(Path(data_dir), chroma_url), embeddings, where=where, remote=bool(chroma_url))

    # ----- failures ----------------------------------------------------------------------------
    def _guard(self, call: Callable[[], T]) -> T:
        """Run one Chroma call; retry a transient server failure briefly, then report it readably."""
        try:
            return briefly_retrying(lambda err: self._failure(err)[0])(call)
        except KnowledgeBaseUnavailable:
            raise
        except Exception as err:
            _, message = self._failure(err)
            if message is None:
                raise  # a bug (bad filter, wrong dimension...): keep the real error
            # Operators need the raw error of a server outage; a local one is all in the message.
            log.log(logging.WARNING if self.remote else logging.INFO, "Chroma at %s: %r", self.where, err)
            raise KnowledgeBaseUnavailable(message) from err

    def _failure(self, err: Exception) -> tuple[bool, str | None]:
        """(worth retrying, message for the user), or (False, None) when `err` is not a store failure."""
        if isinstance(err, NotFoundError):
            return False, (
                f"The knowledge base at {self.where} has lost its collections (was it reset?). To rebuild it, "
                "run `prepbot ingest knowledge/postings`."
            )
        if self.remote:
            unreachable = isinstance(err, httpx.TransportError | InternalError) or (
                isinstance(err, ValueError) and "connect" in str(err).lower()
            )
            return (True, UNAVAILABLE) if unreachable else (False, None)
        if isinstance(err, InternalError | OSError) or (isinstance(err, ChromaError) and "database" in str(err)):
            return False, unreadable(self.where, err)
        return False, None

    def count(self) -> int:
        """How many chunk vectors are stored (all versions)."""
        return self._guard(lambda: self.chunk_collection.count())

    def unowned_chunk_ids(self) -> set[str]:
        """Chunks without an owner field (a write from before scopes that no record claims). Chroma's
        `$ne` also matches a missing field, so read the other owners' metadata and keep those."""
        found = self._guard(
            lambda: self.chunk_collection.get(where={"owner": {"$ne": LIBRARY_KEY}}, include=["metadatas"])
        )
        return {cid for cid, meta in zip(found["ids"], found["metadatas"], strict=True) if "owner" not in (meta or {})}

    def chunk_ids(self, owner: str | None = None) -> set[str]:
        """Every stored chunk id, or one owner's (ids only: no vectors or documents are fetched)."""
        where = {"owner": owner} if owner else None
        return set(self._guard(lambda: self.chunk_collection.get(where=where, include=[]))["ids"])

    def existing(self, ids: list[str]) -> set[str]:
        """Which of these chunk ids are stored already (ids only are fetched)."""
        found: set[str] = set()
        for start in range(0, len(ids), WRITE_BATCH):
            batch = ids[start : start + WRITE_BATCH]
            found.update(self._guard(lambda batch=batch: self.chunk_collection.get(ids=batch, include=[]))["ids"])
        return found

    def delete_chunks(self, ids: list[str]) -> None:
        for start in range(0, len(ids), WRITE_BATCH):
            batch = ids[start : start + WRITE_BATCH]
            self._guard(lambda batch=batch: self.chunk_collection.delete(ids=batch))

    # ----- reads and writes ----------------------------------------------------------------------
    def load_roles(self, owners: list[str] | None = None) -> dict[str, tuple[Posting, list[str]]]:
        """role_id -> (posting, every source file that holds it); only these owners' roles if given."""
        return {rid: (posting, sources) for rid, (posting, sources, _) in self.load_owned(owners).items()}

    def load_owned(self, owners: list[str] | None = None) -> dict[str, tuple[Posting, list[str], str]]:
        """role_id -> (posting, sources, owner key), for some owners (one filtered get) or all."""
        where = None
        if owners:
            where = {"owner": owners[0]} if len(owners) == 1 else {"owner": {"$in": list(owners)}}
        records = self._guard(lambda: self.roles.get(where=where, include=["documents", "metadatas"]))
        roles = {}
        for role_id, document, metadata in zip(records["ids"], records["documents"], records["metadatas"], strict=True):
            owner = metadata.get("owner", LIBRARY_KEY)
            roles[role_id] = (Posting.from_dict(json.loads(document)), json.loads(metadata["sources"]), owner)
        return roles

    def owned_role_ids(self, owner: str) -> list[str]:
        """The ids of one owner's roles (ids only), e.g. to count them against a cap."""
        return list(self._guard(lambda: self.roles.get(where={"owner": owner}, include=[]))["ids"])

    def write_vectors(
        self,
        chunks: list[Chunk],
        progress: Callable[[int], None] | None = None,
        owner: str = LIBRARY_KEY,
        reuse: dict[str, np.ndarray] | None = None,
        recorded: Collection[str] = (),
        to_chunks: Collection[str] = (),
    ) -> None:
        """Embed in large batches and store each batch while the next one is being embedded:
        encoding is the expensive part, and overlapping the writes with it keeps ingest close to the
        cost of encoding alone. Every version among `chunks` not in `recorded` gets its record (its
        chunks must all be here, in order); the chunks whose ids are in `to_chunks` are also written
        to the chunk collection. `reuse` (text key -> vector) are vectors stored already: not
        embedded again."""
        reuse = reuse or {}
        recorder = VersionRecorder([c for c in chunks if c.version not in recorded], self.posting_vectors)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chroma-write") as writer:
            pending: Future | None = None
            for start in range(0, len(chunks), EMBED_BATCH):
                batch = chunks[start : start + EMBED_BATCH]
                held = [reuse.get(text_key(c.text)) for c in batch]
                fresh = sorted({c.text for c, vector in zip(batch, held, strict=True) if vector is None})
                made = dict(zip(fresh, self.embeddings.embed_documents(fresh), strict=True)) if fresh else {}
                vectors = np.asarray(
                    [made[c.text] if vector is None else vector for c, vector in zip(batch, held, strict=True)],
                    dtype=np.float32,
                )
                if pending:
                    pending.result()
                pending = writer.submit(self._store_batch, batch, vectors, owner, recorder, to_chunks)
                if progress:
                    progress(start + len(batch))
            if pending:
                pending.result()

    def _store_batch(
        self,
        chunks: list[Chunk],
        vectors: np.ndarray,
        owner: str,
        recorder: VersionRecorder,
        to_chunks: Collection[str],
    ) -> None:
        rows = [i for i, c in enumerate(chunks) if c.id in to_chunks]
        if rows:
            self._upsert_chunks([chunks[i] for i in rows], vectors[rows].tolist(), owner)
        recorder.add(chunks, vectors)

    def _upsert_chunks(self, chunks: list[Chunk], vectors: list[list[float]], owner: str = LIBRARY_KEY) -> None:
        for start in range(0, len(chunks), WRITE_BATCH):
            batch = slice(start, start + WRITE_BATCH)
            self._guard(
                lambda batch=batch: self.chunk_collection.upsert(
                    ids=[c.id for c in chunks[batch]],
                    embeddings=vectors[batch],
                    documents=[c.text for c in chunks[batch]],
                    metadatas=[c.metadata() | {"owner": owner} for c in chunks[batch]],
                )
            )

    def write_roles(
        self, records: list[tuple[Posting, list[str]]], vectors: list[list[float]], owner: str = LIBRARY_KEY
    ) -> None:
        """Upsert role records in batches: one Chroma round-trip per thousand roles, not per role."""
        for start in range(0, len(records), WRITE_BATCH):
            batch = records[start : start + WRITE_BATCH]
            self._guard(
                lambda batch=batch, start=start: self.roles.upsert(
                    ids=[posting.role_id for posting, _ in batch],
                    documents=[json.dumps(posting.to_dict()) for posting, _ in batch],
                    embeddings=vectors[start : start + WRITE_BATCH],
                    metadatas=[
                        {
                            "sources": json.dumps(sources),
                            "version": posting.content_hash,
                            "title": posting.title,
                            "owner": owner,
                        }
                        for posting, sources in batch
                    ],
                )
            )

    def sweep_chunks(self, role_id: str, keep_version: str | None) -> None:
        """Delete a role's chunks of every version but `keep_version` (all of them for None)."""
        where: dict = {"role_id": role_id}
        if keep_version:
            where = {"$and": [{"role_id": role_id}, {"version": {"$ne": keep_version}}]}
        self._guard(lambda: self.chunk_collection.delete(where=where))

    def sweep_stale(self, postings: list[Posting]) -> None:
        """One delete for many roles: their chunks of any version but the one now recorded (older
        versions, and leftovers of an ingest that was killed before its commit point)."""
        for start in range(0, len(postings), 500):
            batch = postings[start : start + 500]
            where = {
                "$and": [
                    {"role_id": {"$in": [p.role_id for p in batch]}},
                    {"version": {"$nin": [p.content_hash for p in batch]}},
                ]
            }
            self._guard(lambda where=where: self.chunk_collection.delete(where=where))

    def delete_role(self, role_id: str) -> None:
        """One role record, its chunks, and its version's vectors unless another role shares them."""
        found = self._guard(lambda: self.roles.get(ids=[role_id], include=["metadatas"]))
        self._guard(lambda: self.roles.delete(ids=[role_id]))
        self.sweep_chunks(role_id, None)
        self.posting_vectors.drop_unused(meta.get("version", "") for meta in found["metadatas"])

    def delete_owner(self, owner: str) -> None:
        """Every role record, chunk and (unshared) version record of one owner (a user's
        `/forget`). The records go first, so a run cut short leaves only unrecorded chunks and
        vectors, which the next run (or ingest) deletes."""
        if owner == LIBRARY_KEY:
            raise ValueError("the library is never deleted wholesale")
        held = self._guard(lambda: self.roles.get(where={"owner": owner}, include=["metadatas"]))
        self._guard(lambda: self.roles.delete(where={"owner": owner}))
        self._guard(lambda: self.chunk_collection.delete(where={"owner": owner}))
        self.posting_vectors.drop_unused(meta.get("version", "") for meta in held["metadatas"])

    def chunk_vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """Vectors of library chunks by id. Only a library ingest reads them (to finish an interrupted
        one): with the embedded store this loads the chunk collection's whole HNSW segment."""
        found = self._guard(lambda: self.chunk_collection.get(ids=ids, include=["embeddings"]))
        return dict(zip(found["ids"], found["embeddings"], strict=True))

    def query(
        self, vector: list[float], k: int, role_ids: list[str] | None, owners: list[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) for the `k` nearest chunks, within some roles or some owners."""
        where = None
        if role_ids:
            where = {"role_id": role_ids[0]} if len(role_ids) == 1 else {"role_id": {"$in": role_ids}}
        elif owners:
            where = {"owner": owners[0]} if len(owners) == 1 else {"owner": {"$in": list(owners)}}
        result = self._guard(
            lambda: self.chunk_collection.query(
                query_embeddings=[vector], n_results=k, where=where, include=["distances"]
            )
        )
        return [(cid, 1.0 - dist) for cid, dist in zip(result["ids"][0], result["distances"][0], strict=True)]

