"""The knowledge index: ingest postings into Chroma and search them (dense + BM25, fused).

One `KnowledgeIndex` per process. It keeps an in-memory catalogue of the current roles and their
chunks (rebuilt from the role records, which are small), so a search costs one query embedding,
one Chroma query and one BM25 pass.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.core.chunks import Chunk, chunk_posting
from bot.core.dedupe import ShingleIndex
from bot.core.embeddings import CachedEmbeddings, load_embeddings
from bot.core.errors import KnowledgeBaseUnavailable
from bot.core.ingest import (
    Candidate,
    FileOutcome,
    IngestReport,
    duplicate_of,
    expand_paths,
    posting_shingles,
    read_candidate,
)
from bot.core.lexical import LexicalIndex
from bot.core.postings import Posting
from bot.core.roles import RoleResolver
from bot.core.store import VectorStore
from bot.core.unknown import vocabulary

log = logging.getLogger(__name__)
RRF_K = 60
SCOPED_EXACT_MAX = 3000  # chunks; above this a role-filtered search goes to Chroma's HNSW index
ROLE_VECTOR_CACHE = 512  # roles whose vectors stay in memory (about 25 KB each)
Progress = Callable[[str, int, int], None]


@dataclass
class _Plan:
    """An ingest's working state: what is kept so far, and what will be written."""

    kept: ShingleIndex
    postings: dict[str, Posting]
    sources: dict[str, list[str]]
    to_write: dict[str, tuple[Posting, list[str]]]


@dataclass(frozen=True)
class Hit:
    """A chunk found for a query, with the evidence of both retrievers."""

    chunk: Chunk
    score: float  # fused reciprocal-rank score
    similarity: float  # cosine similarity, 0 when only BM25 found it
    lexical: float  # BM25 score, 0 when only the dense search found it


class KnowledgeIndex:
    """Postings in, ranked posting lines out."""

    def __init__(
        self, data_dir: Path, model_path: str, chroma_url: str | None = None, embeddings: CachedEmbeddings | None = None
    ) -> None:
        self.embeddings = embeddings or load_embeddings(model_path)
        self.store = VectorStore.open(Path(data_dir), chroma_url, self.embeddings)
        self._lock = threading.RLock()
        self._load()

    # ----- catalogue -------------------------------------------------------------------------
    def _load(self) -> None:
        try:
            records = self.store.load_roles()
        except KnowledgeBaseUnavailable:
            raise
        except Exception as err:  # e.g. a role record that no longer parses
            raise KnowledgeBaseUnavailable(f"The knowledge base could not be read ({err}).") from err
        with self._lock:
            self._roles = {rid: posting for rid, (posting, _) in records.items()}
            self._sources = {rid: sources for rid, (_, sources) in records.items()}
            self._chunks = [c for p in self._roles.values() for c in chunk_posting(p, self.embeddings.token_count)]
            self._chunk_by_id = {c.id: c for c in self._chunks}
            self._chunks_by_role: dict[str, list[Chunk]] = {}
            for chunk in self._chunks:
                self._chunks_by_role.setdefault(chunk.role_id, []).append(chunk)
            self._role_vectors: OrderedDict[str, tuple[list[str], np.ndarray]] = OrderedDict()
            self._lexical: LexicalIndex | None = None
            self.resolver = RoleResolver(self.roles())
            self.vocabulary = vocabulary(self.roles())

    def roles(self) -> list[Posting]:
        return sorted(self._roles.values(), key=lambda p: (p.company or "", p.title, p.level or ""))

    def role(self, role_id: str) -> Posting | None:
        return self._roles.get(role_id)

    def sources(self, role_id: str) -> list[str]:
        return list(self._sources.get(role_id, []))

    def is_empty(self) -> bool:
        return not self._roles

    def chunks_for(self, role_id: str) -> list[Chunk]:
        return list(self._chunks_by_role.get(role_id, []))

    # ----- ingest ------------------------------------------------------------------------------
    def ingest(self, paths: list[Path], progress: Progress | None = None) -> IngestReport:
        """Index files and folders; idempotent, and a changed file replaces its role's chunks."""
        files, report_missing = expand_paths(paths)
        report = IngestReport(outcomes=report_missing)
        candidates = []
        for number, path in enumerate(files, start=1):
            candidates.append(read_candidate(path))
            if progress:
                progress("parse", number, len(files))
        with self._lock:
            plan = self._plan(candidates, report)
            self._write(plan, report, progress)
            self._load()
            self._sweep_leftovers()
        return report

    def _plan(self, candidates: list[Candidate], report: IngestReport) -> dict[str, tuple[Posting, list[str]]]:
        """Decide each file's fate; returns the roles to (re)write with their sources."""
        kept = ShingleIndex()
        for rid, posting in self._roles.items():
            kept.add(rid, posting_shingles(posting))
        postings = dict(self._roles)
        sources = {rid: list(found) for rid, found in self._sources.items()}
        by_source = {source: rid for rid, found in sources.items() for source in found}
        to_write: dict[str, tuple[Posting, list[str]]] = {}
        for cand in sorted(candidates, key=lambda c: (c.posting is None, -len(c.shingles))):
            previous = by_source.get(cand.path)
            exclude = {previous} if previous and cand.posting is not None else set()
            original = duplicate_of(cand, kept, exclude)
            if original and (cand.posting is None or cand.posting.role_id not in to_write):
                self._merge_source(sources, original, cand.path, to_write, postings)
                report.outcomes.append(FileOutcome(cand.path, "merged", original, f"duplicate of {original}"))
            elif cand.posting is None:
                report.outcomes.append(FileOutcome(cand.path, "failed", reason=cand.error))
            else:
                self._plan_posting(cand, previous, _Plan(kept, postings, sources, to_write), report)
        return to_write

    def _plan_posting(self, cand: Candidate, previous: str | None, plan: _Plan, report: IngestReport) -> None:
        posting = cand.posting
        assert posting is not None
        rid, sources, to_write = posting.role_id, plan.sources, plan.to_write
        if previous and previous != rid:  # the file now holds a different role: retire the old one
            sources[previous] = [s for s in sources.get(previous, []) if s != cand.path]
            if not sources[previous]:
                report.roles_removed.append(previous)
                plan.kept.remove(previous)
                plan.postings.pop(previous, None)
        existing = self._roles.get(rid)
        role_sources = list(dict.fromkeys(sources.get(rid, []) + [cand.path]))
        sources[rid] = role_sources
        if rid in to_write:
            report.outcomes.append(FileOutcome(cand.path, "merged", rid, f"same role as {to_write[rid][0].source}"))
            to_write[rid] = (to_write[rid][0], role_sources)
            return
        if existing and existing.content_hash == posting.content_hash:
            status = "unchanged" if previous == rid else "merged"
            report.outcomes.append(FileOutcome(cand.path, status, rid, "" if status == "unchanged" else "same text"))
            if role_sources != self._sources.get(rid):
                to_write[rid] = (existing, role_sources)
            return
        report.outcomes.append(FileOutcome(cand.path, "updated" if existing else "added", rid))
        to_write[rid] = (posting, role_sources)
        plan.kept.add(rid, cand.shingles)
        plan.postings[rid] = posting

    @staticmethod
    def _merge_source(sources: dict, role_id: str, path: str, to_write: dict, postings: dict) -> None:
        if path not in sources.setdefault(role_id, []):
            sources[role_id].append(path)
            posting = to_write[role_id][0] if role_id in to_write else postings[role_id]
            to_write[role_id] = (posting, sources[role_id])

    def _write(
        self, plan: dict[str, tuple[Posting, list[str]]], report: IngestReport, progress: Progress | None
    ) -> None:
        """Chunks first, then the role record (the commit point), then sweep older versions."""
        fresh = [p for p, _ in plan.values() if self._roles.get(p.role_id) is not p]
        fresh = [p for p in fresh if (old := self._roles.get(p.role_id)) is None or old.content_hash != p.content_hash]
        chunks = [c for p in fresh for c in chunk_posting(p, self.embeddings.token_count)]
        if chunks:  # an interrupted ingest of the same versions already stored some: ids name role, version, line
            stored = self.store.existing([c.id for c in chunks])
            chunks = [c for c in chunks if c.id not in stored]
        self.store.write_chunks(chunks, lambda done: progress("embed", done, len(chunks)) if progress else None)
        records = list(plan.values())
        vectors = self.embeddings.embed_documents([f"{p.display_name} {p.company or ''}" for p, _ in records])
        self.store.write_roles(records, vectors)
        self.store.sweep_stale([posting for posting, _ in records])
        for role_id in report.roles_removed:
            self.store.delete_role(role_id)
        report.chunks_written = len(chunks)

    def _sweep_leftovers(self) -> None:
        """Delete chunks that no recorded role version owns: what an ingest killed after its commit
        point (before its sweep) or while retiring a role leaves behind. Costs one count when clean."""
        if self.store.count() == len(self._chunks):
            return
        leftovers = self.store.chunk_ids() - self._chunk_by_id.keys()
        if leftovers:
            log.info("sweeping %d chunks left by an interrupted ingest", len(leftovers))
            self.store.delete_chunks(sorted(leftovers))

    # ----- search ------------------------------------------------------------------------------
    def search(self, query: str, role_ids: list[str] | None = None, k: int = 6) -> list[Hit]:
        """Hybrid retrieval: dense and BM25 rankings fused by reciprocal rank."""
        if not self._chunks:
            return []
        vector = self.embeddings.embed_query(query)
        wanted = set(role_ids) if role_ids else None
        dense = [(cid, sim) for cid, sim in self._dense(vector, k * 3, role_ids) if cid in self._chunk_by_id]
        lexical = self._lexical_top(query, wanted, k * 3)
        fused: dict[str, list[float]] = {}
        for rank, (cid, sim) in enumerate(dense):
            fused.setdefault(cid, [0.0, 0.0, 0.0])
            fused[cid][0] += 1 / (RRF_K + rank)
            fused[cid][1] = sim
        for rank, (cid, score) in enumerate(lexical):
            fused.setdefault(cid, [0.0, 0.0, 0.0])
            fused[cid][0] += 1 / (RRF_K + rank)
            fused[cid][2] = score
        ranked = sorted(fused.items(), key=lambda item: item[1][0], reverse=True)[:k]
        return [Hit(self._chunk_by_id[cid], s[0], s[1], s[2]) for cid, s in ranked]

    def _dense(self, vector: list[float], k: int, role_ids: list[str] | None) -> list[tuple[str, float]]:
        """Within a few roles, score their own vectors exactly (one get by id, cached); a filtered
        HNSW query costs several times more. Across all roles, ask Chroma's index."""
        if role_ids and sum(len(self._chunks_by_role.get(r, ())) for r in role_ids) <= SCOPED_EXACT_MAX:
            ids: list[str] = []
            blocks = []
            for role_id in role_ids:
                role_ids_, matrix = self._vectors_of(role_id)
                ids.extend(role_ids_)
                blocks.append(matrix)
            if not ids:
                return []
            sims = np.vstack(blocks) @ np.asarray(vector, dtype=np.float32)
            top = np.argsort(-sims)[:k]
            return [(ids[i], float(sims[i])) for i in top]
        return self.store.query(vector, k, role_ids)

    def _vectors_of(self, role_id: str) -> tuple[list[str], np.ndarray]:
        with self._lock:
            if role_id in self._role_vectors:
                self._role_vectors.move_to_end(role_id)
                return self._role_vectors[role_id]
        wanted = [c.id for c in self._chunks_by_role.get(role_id, [])]
        stored = self.store.vectors(wanted) if wanted else {}
        ids = [cid for cid in wanted if cid in stored]
        matrix = np.asarray([stored[cid] for cid in ids], dtype=np.float32).reshape(len(ids), -1)
        with self._lock:
            self._role_vectors[role_id] = (ids, matrix)
            if len(self._role_vectors) > ROLE_VECTOR_CACHE:
                self._role_vectors.popitem(last=False)
        return ids, matrix

    def similarity(self, query: str, texts: list[str]) -> list[float]:
        """Cosine similarity of a query to given texts (both embedded with the shared model)."""
        vectors = np.asarray(self.embeddings.embed_documents(texts))
        return list(vectors @ np.asarray(self.embeddings.embed_query(query)))

    def _lexical_top(self, query: str, wanted: set[str] | None, k: int) -> list[tuple[str, float]]:
        with self._lock:
            if self._lexical is None:
                self._lexical = LexicalIndex([c.text for c in self._chunks])
                positions: dict[str, list[int]] = {}
                for position, chunk in enumerate(self._chunks):
                    positions.setdefault(chunk.role_id, []).append(position)
                self._role_positions = {rid: np.asarray(found) for rid, found in positions.items()}
            lexical, chunks, role_positions = self._lexical, self._chunks, self._role_positions
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
        return [(chunks[i].id, float(scores[i])) for i in top]
