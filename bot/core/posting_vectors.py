"""Each posting version's chunk vectors, kept as one record (Chroma collection `prepbot_vectors`).

Why a record per version rather than reading vectors out of the chunk collection: with the embedded
store, any read of vectors from the chunk collection (a get by id with embeddings) or any write into
it makes Chroma load that collection's whole HNSW segment into the process — +440 MB for a read and
+490 MB for one personal posting's write at about 10,000 roles (docs/benchmarks.md). A viewer's own
roles are few (the posting caps keep every server and student small), so prepbot scores them
exactly, and for that it needs only their vectors: a get of a few records by id, with the vectors
packed in the record's metadata, is answered from Chroma's SQLite alone, on the embedded store and on
a server alike.

A record's id is the posting's content hash, so the same posting added by two servers and a student
holds its vectors once; it is deleted with the last role of that content. Its rows are keyed by a
digest of each chunk's text (not by position), so a record stays usable if chunking ever changes:
texts without a row are embedded again.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

import numpy as np

if TYPE_CHECKING:
    from bot.core.chunks import Chunk

VERSIONS = "prepbot_vectors"
T = TypeVar("T")


def text_key(text: str) -> str:
    """A short stable digest of a chunk's text: the key of its row in a version record."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def pack(texts: list[str], vectors: np.ndarray) -> dict[str, str | int]:
    """The metadata of one version record: its rows (float32, base64) and their text keys."""
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    return {
        "keys": json.dumps([text_key(t) for t in texts]),
        "rows": base64.b64encode(matrix.tobytes()).decode("ascii"),
        "dim": int(matrix.shape[1]),
    }


def unpack(metadata: dict) -> dict[str, np.ndarray]:
    """text key -> vector, from a version record's metadata."""
    keys = json.loads(metadata["keys"])
    rows = np.frombuffer(base64.b64decode(metadata["rows"]), dtype=np.float32)
    matrix = rows.reshape(len(keys), int(metadata["dim"]))
    return dict(zip(keys, matrix, strict=True))


class PostingVectors:
    """The version records: read many by id, write one per posting version, drop unused ones."""

    def __init__(self, collection, roles, guard: Callable[[Callable[[], T]], T]) -> None:
        self.collection = collection  # prepbot_vectors
        self.roles = roles  # prepbot_roles: which versions are still used
        self._guard = guard  # VectorStore._guard: retries and readable failures

    def get(self, versions: Iterable[str]) -> dict[str, dict[str, np.ndarray]]:
        """version -> (text key -> vector) for the versions that have a record."""
        wanted = sorted(set(versions))
        found: dict[str, dict[str, np.ndarray]] = {}
        for start in range(0, len(wanted), 200):
            batch = wanted[start : start + 200]
            records = self._guard(lambda batch=batch: self.collection.get(ids=batch, include=["metadatas"]))
            for version, metadata in zip(records["ids"], records["metadatas"], strict=True):
                found[version] = unpack(metadata)
        return found

    def put(self, records: dict[str, tuple[list[str], np.ndarray]]) -> None:
        """Write version records: version -> (chunk texts, their vectors in the same order). The
        record's own embedding is the mean of its rows (Chroma wants one; nothing searches it)."""
        items = sorted(records.items())
        for start in range(0, len(items), 100):
            batch = items[start : start + 100]
            self._guard(
                lambda batch=batch: self.collection.upsert(
                    ids=[version for version, _ in batch],
                    embeddings=[_mean(vectors) for _, (_, vectors) in batch],
                    metadatas=[pack(texts, vectors) for _, (texts, vectors) in batch],
                )
            )

    def drop_unused(self, versions: Iterable[str]) -> None:
        """Delete the records of these versions that no role record uses any more (after a
        removal, a /forget or a changed posting). A version still held by a role in any scope stays."""
        candidates = sorted(set(versions))
        for start in range(0, len(candidates), 200):
            batch = candidates[start : start + 200]
            used = self._guard(
                lambda batch=batch: self.roles.get(where={"version": {"$in": batch}}, include=["metadatas"])
            )
            unused = set(batch) - {meta.get("version") for meta in used["metadatas"]}
            if unused:
                self._guard(lambda unused=unused: self.collection.delete(ids=sorted(unused)))

    def existing(self, versions: Iterable[str]) -> set[str]:
        """Which of these versions have a record (ids only are fetched)."""
        wanted = sorted(set(versions))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            batch = wanted[start : start + 500]
            found.update(self._guard(lambda batch=batch: self.collection.get(ids=batch, include=[]))["ids"])
        return found

    def ids(self) -> set[str]:
        """Every version that has a record (ids only)."""
        return set(self._guard(lambda: self.collection.get(include=[]))["ids"])


class VersionRecorder:
    """Collects the rows of each posting version as its chunks are stored, and writes the version's
    record once its last chunk has come (chunks arrive grouped by posting, in order)."""

    def __init__(self, chunks: list[Chunk], vectors: PostingVectors) -> None:
        self._left: dict[str, int] = {}
        for chunk in chunks:
            self._left[chunk.version] = self._left.get(chunk.version, 0) + 1
        self._rows: dict[str, tuple[list[str], list[np.ndarray]]] = {}
        self._vectors = vectors

    def add(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        done: dict[str, tuple[list[str], np.ndarray]] = {}
        for chunk, vector in zip(chunks, vectors, strict=True):
            if chunk.version not in self._left:  # a version that has its record already
                continue
            texts, rows = self._rows.setdefault(chunk.version, ([], []))
            texts.append(chunk.text)
            rows.append(vector)
            self._left[chunk.version] -= 1
            if not self._left[chunk.version]:
                del self._left[chunk.version]
                texts, rows = self._rows.pop(chunk.version)
                done[chunk.version] = (texts, np.vstack(rows))
        if done:
            self._vectors.put(done)


def _mean(vectors: np.ndarray) -> list[float]:
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm if norm > 0 else mean).tolist()
