"""What one scope holds, and what one viewer sees: the read side of the knowledge index.

A `Catalogue` is one owner's roles and chunks in memory (rebuilt from the role records, which are
small) with its own BM25 index and vocabulary. An `IndexView` puts together the catalogues a
`Viewer` may see — the library, the current server's, their own — and offers the read API the
answer engine, the quiz maker, the grader and the Discord layer use (`roles()`, `role()`,
`resolver`, `vocabulary`, `search()`...). A role outside those catalogues does not exist for the
view: it cannot be resolved, searched, cited or named in a refusal.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from bot.core.chunks import Chunk, chunk_posting
from bot.core.lexical import LexicalIndex
from bot.core.postings import Posting
from bot.core.roles import RoleResolver
from bot.core.scopes import LIBRARY_KEY, Viewer
from bot.core.unknown import vocabulary

if TYPE_CHECKING:
    from bot.core.embeddings import CachedEmbeddings

RRF_K = 60
SCOPED_EXACT_MAX = 3000  # library chunks; above this the library is searched with Chroma's HNSW index
_GENERATION = itertools.count(1)


@dataclass(frozen=True)
class Hit:
    """A chunk found for a query, with the evidence of both retrievers."""

    chunk: Chunk
    score: float  # fused reciprocal-rank score
    similarity: float  # cosine similarity, 0 when only BM25 found it
    lexical: float  # BM25 score, 0 when only the dense search found it


@dataclass(eq=False)
class Catalogue:
    """One owner's roles in memory. Immutable once built: a change builds a new one."""

    owner: str
    roles: dict[str, Posting]
    sources: dict[str, list[str]]
    chunks: list[Chunk]
    loaded_at: float = field(default_factory=time.monotonic)
    generation: int = field(default_factory=lambda: next(_GENERATION))

    @classmethod
    def build(
        cls, owner: str, records: dict[str, tuple[Posting, list[str]]], token_count: Callable[[str], int]
    ) -> Catalogue:
        roles = {rid: posting for rid, (posting, _) in records.items()}
        sources = {rid: list(found) for rid, (_, found) in records.items()}
        chunks = [c for p in roles.values() for c in chunk_posting(p, token_count)]
        return cls(owner, roles, sources, chunks)

    def __post_init__(self) -> None:
        self.chunk_by_id = {c.id: c for c in self.chunks}
        self.chunks_by_role: dict[str, list[Chunk]] = {}
        for chunk in self.chunks:
            self.chunks_by_role.setdefault(chunk.role_id, []).append(chunk)
        self._lock = threading.Lock()

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        return vocabulary(list(self.roles.values()))

    def lexical(self) -> tuple[LexicalIndex, dict[str, np.ndarray]]:
        """This owner's BM25 index and each role's chunk positions in it, built on first use."""
        with self._lock:
            if "_lexical" not in self.__dict__:
                positions: dict[str, list[int]] = {}
                for position, chunk in enumerate(self.chunks):
                    positions.setdefault(chunk.role_id, []).append(position)
                self._role_positions = {rid: np.asarray(found) for rid, found in positions.items()}
                self._lexical = LexicalIndex([c.text for c in self.chunks])
            return self._lexical, self._role_positions

    def lexical_top(self, query: str, wanted: set[str] | None, k: int) -> list[tuple[Chunk, float]]:
        if not self.chunks:
            return []
        lexical, role_positions = self.lexical()
        scores = lexical.scores(query)
        if wanted is not None:
            keep = [role_positions[rid] for rid in wanted if rid in role_positions]
            candidates = np.concatenate(keep) if keep else np.empty(0, dtype=int)
        else:
            candidates = np.flatnonzero(scores)
        if not len(candidates):
            return []
        picked = candidates[scores[candidates] > 0]
        top = picked[np.argsort(-scores[picked])[:k]]
        return [(self.chunks[i], float(scores[i])) for i in top]


class IndexView:
    """The knowledge index as one viewer sees it (library + their server's + their own)."""

    def __init__(self, index, viewer: Viewer, catalogues: tuple[Catalogue, ...]) -> None:
        self._index = index  # the KnowledgeIndex: vectors, the store and the embedding model
        self.viewer = viewer
        self.catalogues = catalogues
        self.embeddings: CachedEmbeddings = index.embeddings
        self._owner = {rid: cat.owner for cat in catalogues for rid in cat.roles}

    # ----- the catalogue ------------------------------------------------------------------------
    @cached_property
    def _sorted(self) -> list[Posting]:
        every = [p for cat in self.catalogues for p in cat.roles.values()]
        return sorted(every, key=lambda p: (p.company or "", p.title, p.level or "", p.role_id))

    def roles(self) -> list[Posting]:
        return list(self._sorted)

    def role(self, role_id: str) -> Posting | None:
        owner = self._owner.get(role_id)
        return None if owner is None else self._catalogue(owner).roles[role_id]

    def owner_of(self, role_id: str) -> str | None:
        """The owner key of a visible role ('library', 'server:…', 'user:…'); None if not visible."""
        return self._owner.get(role_id)

    def personal(self, role_ids) -> bool:
        """Whether any of these roles is the viewer's personal posting (its replies stay private)."""
        return any(self.viewer.owns(self._owner.get(rid, "")) for rid in role_ids if rid)

    def sources(self, role_id: str) -> list[str]:
        owner = self._owner.get(role_id)
        return [] if owner is None else list(self._catalogue(owner).sources.get(role_id, []))

    def is_empty(self) -> bool:
        return not self._owner

    def chunks_for(self, role_id: str) -> list[Chunk]:
        owner = self._owner.get(role_id)
        return [] if owner is None else list(self._catalogue(owner).chunks_by_role.get(role_id, []))

    def _catalogue(self, owner: str) -> Catalogue:
        return next(cat for cat in self.catalogues if cat.owner == owner)

    @cached_property
    def resolver(self) -> RoleResolver:
        """Role resolution over the roles this viewer may see, and no others."""
        return RoleResolver(self._sorted)

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Words of the visible postings: an employer named only in another scope stays unknown."""
        return frozenset().union(*(cat.vocabulary for cat in self.catalogues))

    # ----- search -------------------------------------------------------------------------------
    def search(self, query: str, role_ids: list[str] | None = None, k: int = 6) -> list[Hit]:
        """Hybrid retrieval over the visible roles: dense and BM25 rankings fused by reciprocal rank."""
        if role_ids is not None:
            role_ids = [rid for rid in role_ids if rid in self._owner]
            if not role_ids:
                return []
        if not any(cat.chunks for cat in self.catalogues):
            return []
        vector = self.embeddings.embed_query(query)
        dense = self._dense(vector, k * 3, role_ids or None)
        wanted = set(role_ids) if role_ids else None
        lexical = sorted(
            (hit for cat in self.catalogues for hit in cat.lexical_top(query, wanted, k * 3)),
            key=lambda item: -item[1],
        )[: k * 3]
        fused: dict[str, list] = {}
        for rank, (chunk, sim) in enumerate(dense):
            entry = fused.setdefault(chunk.id, [chunk, 0.0, 0.0, 0.0])
            entry[1] += 1 / (RRF_K + rank)
            entry[2] = sim
        for rank, (chunk, score) in enumerate(lexical):
            entry = fused.setdefault(chunk.id, [chunk, 0.0, 0.0, 0.0])
            entry[1] += 1 / (RRF_K + rank)
            entry[3] = score
        ranked = sorted(fused.values(), key=lambda item: item[1], reverse=True)[:k]
        return [Hit(chunk, score, sim, lex) for chunk, score, sim, lex in ranked]

    def _dense(self, vector: list[float], k: int, role_ids: list[str] | None) -> list[tuple[Chunk, float]]:
        """Dense ranking of the wanted roles' chunks. Server and personal roles are always scored
        exactly on their own vectors (the posting caps keep them few; their vectors are not in
        Chroma's HNSW index at all, bot/core/store.py). So is the library when it is small; a
        library of more than SCOPED_EXACT_MAX chunks asks Chroma's HNSW index instead, filtered to
        the wanted library roles, and only chunks this view knows are kept."""
        wanted = role_ids or [rid for cat in self.catalogues for rid in cat.chunks_by_role]
        library = [rid for rid in wanted if self._owner.get(rid) == LIBRARY_KEY]
        exact = [rid for rid in wanted if self._owner.get(rid) != LIBRARY_KEY]
        pairs: list[tuple[str, float]] = []
        if library and sum(len(self.chunks_for(rid)) for rid in library) > SCOPED_EXACT_MAX:
            pairs = self._index.store.query(vector, k, role_ids and library, [LIBRARY_KEY])
        else:
            exact += library
        ids: list[str] = []
        blocks = []
        for found, matrix in self._index.vectors_of_roles({rid: self.chunks_for(rid) for rid in exact}):
            ids.extend(found)
            blocks.append(matrix)
        if ids:
            sims = np.vstack(blocks) @ np.asarray(vector, dtype=np.float32)
            pairs += [(ids[i], float(sims[i])) for i in np.argsort(-sims)[:k]]
        pairs = sorted(pairs, key=lambda pair: -pair[1])[:k]
        by_id = {}
        for cat in self.catalogues:
            by_id.update({cid: cat.chunk_by_id[cid] for cid, _ in pairs if cid in cat.chunk_by_id})
        return [(by_id[cid], sim) for cid, sim in pairs if cid in by_id]

    def similarity(self, query: str, texts: list[str]) -> list[float]:
        return self._index.similarity(query, texts)
