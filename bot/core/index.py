"""The knowledge index: ingest postings into Chroma and search them (dense + BM25, fused).

One `KnowledgeIndex` per process. Every role belongs to a scope (bot/core/scopes.py): the
library, a server or a user. The index keeps one in-memory `Catalogue` per scope it has needed
(the library always; a server's or a user's when one of their questions arrives), and hands out
`IndexView`s: what one viewer may see (library + their server's + their own). The index's own read
methods (`roles()`, `search()`...) are the library's view: a caller that does not say who is asking
never sees anyone's server or personal postings.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from bot.core.catalogue import RRF_K, SCOPED_EXACT_MAX, Catalogue, Hit, IndexView
from bot.core.chunks import Chunk, chunk_posting
from bot.core.dedupe import ShingleIndex
from bot.core.embeddings import CachedEmbeddings, load_embeddings
from bot.core.errors import KnowledgeBaseUnavailable
from bot.core.fetch import FetchLimits
from bot.core.ingest import (
    Candidate,
    FileOutcome,
    IngestReport,
    duplicate_of,
    expand_paths,
    posting_shingles,
    read_candidate,
)
from bot.core.postings import Posting
from bot.core.roles import RoleResolver
from bot.core.scopes import EVERYONE_LIBRARY, LIBRARY, LIBRARY_KEY, Scope, Viewer
from bot.core.store import VectorStore
from bot.core.uploads import PostingCapReached

__all__ = ["RRF_K", "SCOPED_EXACT_MAX", "Hit", "IndexView", "KnowledgeIndex"]
log = logging.getLogger(__name__)
ROLE_VECTOR_CACHE = 512  # roles whose vectors stay in memory (about 25 KB each)
SCOPE_CACHE_ROLES = 4000  # server and personal roles kept in memory (about 25 KB each); the library always is
SCOPE_TTL = 30.0  # seconds: with a shared Chroma server, re-read a scope this old (another process may have changed it)
VIEW_CACHE = 256
Progress = Callable[[str, int, int], None]


@dataclass
class _Plan:
    """An ingest's working state: what is kept so far, and what will be written."""

    kept: ShingleIndex
    postings: dict[str, Posting]
    sources: dict[str, list[str]]
    to_write: dict[str, tuple[Posting, list[str]]]


class KnowledgeIndex:
    """Postings in (into a scope), ranked posting lines out (for a viewer)."""

    def __init__(
        self, data_dir: Path, model_path: str, chroma_url: str | None = None, embeddings: CachedEmbeddings | None = None
    ) -> None:
        self.embeddings = embeddings or load_embeddings(model_path)
        self.data_dir = Path(data_dir)  # caches beside the index (e.g. the intent examples' vectors)
        self.store = VectorStore.open(Path(data_dir), chroma_url, self.embeddings)
        self._lock = threading.RLock()
        self._catalogues: OrderedDict[str, Catalogue] = OrderedDict()
        self._views: OrderedDict[tuple[int, ...], IndexView] = OrderedDict()
        self._role_vectors: OrderedDict[str, tuple[list[str], np.ndarray]] = OrderedDict()
        self._load()

    # ----- catalogues -----------------------------------------------------------------------------
    def _load(self) -> None:
        """(Re)read the library; other scopes are read when first needed."""
        with self._lock:
            self._catalogues.clear()
            self._views.clear()
            self._role_vectors.clear()
            self._read(LIBRARY_KEY)

    def _read(self, owner: str) -> Catalogue:
        try:
            records = self.store.load_roles([owner])
        except KnowledgeBaseUnavailable:
            raise
        except Exception as err:  # e.g. a role record that no longer parses
            raise KnowledgeBaseUnavailable(f"The knowledge base could not be read ({err}).") from err
        catalogue = Catalogue.build(owner, records, self.embeddings.token_count)
        with self._lock:
            old = self._catalogues.get(owner)
            for role_id in old.roles if old is not None else ():  # a role's version may have changed
                self._role_vectors.pop(role_id, None)
            self._catalogues[owner] = catalogue
            self._catalogues.move_to_end(owner)
            self._evict()
        return catalogue

    def _evict(self) -> None:
        """Keep at most SCOPE_CACHE_ROLES server and personal roles in memory (least recently used out)."""
        held = sum(len(c.roles) for key, c in self._catalogues.items() if key != LIBRARY_KEY)
        for key in list(self._catalogues):
            if held <= SCOPE_CACHE_ROLES:
                break
            if key != LIBRARY_KEY:
                held -= len(self._catalogues.pop(key).roles)

    def catalogue(self, owner: str) -> Catalogue:
        """One owner's roles in memory, read from the store on first use. With a shared Chroma server
        a server's or user's catalogue older than SCOPE_TTL is read again: another shard process may
        have added or removed one of their postings."""
        with self._lock:
            found = self._catalogues.get(owner)
            if found is not None:
                self._catalogues.move_to_end(owner)
                stale = self.store.remote and owner != LIBRARY_KEY and time.monotonic() - found.loaded_at > SCOPE_TTL
                if not stale:
                    return found
                try:
                    return self._read(owner)
                except KnowledgeBaseUnavailable:  # the server is away: what we had is better than nothing
                    log.info("could not refresh scope %s; serving it from memory", owner)
                    return found
            return self._read(owner)

    def view(self, viewer: Viewer) -> IndexView:
        """What `viewer` may see: the library, their server's postings and their own."""
        catalogues = tuple(self.catalogue(scope.key) for scope in viewer.scopes)
        key = tuple(c.generation for c in catalogues)
        with self._lock:
            found = self._views.get(key)
            if found is not None and found.viewer == viewer:
                self._views.move_to_end(key)
                return found
            made = IndexView(self, viewer, catalogues)
            self._views[key] = made
            if len(self._views) > VIEW_CACHE:
                self._views.popitem(last=False)
            return made

    def scope_roles(self, scope: Scope) -> list[Posting]:
        """What one scope holds (its own roles only), for `/posting list` and `prepbot roles --scope`."""
        roles = self.catalogue(scope.key).roles.values()
        return sorted(roles, key=lambda p: (p.company or "", p.title, p.level or "", p.role_id))

    def scope_sources(self, scope: Scope, role_id: str) -> list[str]:
        return list(self.catalogue(scope.key).sources.get(role_id, []))

    def scope_count(self, scope: Scope) -> int:
        """How many roles a scope holds, read from the store (the cap counts every process's adds)."""
        return len(self.store.owned_role_ids(scope.key))

    # ----- the library's view (callers that do not say who is asking) ------------------------------
    @property
    def library(self) -> IndexView:
        return self.view(EVERYONE_LIBRARY)

    def roles(self) -> list[Posting]:
        return self.library.roles()

    def role(self, role_id: str) -> Posting | None:
        return self.library.role(role_id)

    def sources(self, role_id: str) -> list[str]:
        return self.library.sources(role_id)

    def is_empty(self) -> bool:
        return self.library.is_empty()

    def chunks_for(self, role_id: str) -> list[Chunk]:
        return self.library.chunks_for(role_id)

    @property
    def resolver(self) -> RoleResolver:
        return self.library.resolver

    @property
    def vocabulary(self) -> frozenset[str]:
        return self.library.vocabulary

    def search(self, query: str, role_ids: list[str] | None = None, k: int = 6) -> list[Hit]:
        return self.library.search(query, role_ids, k)

    # ----- ingest ------------------------------------------------------------------------------
    def ingest(
        self,
        paths: list[Path | str],
        progress: Progress | None = None,
        scope: Scope = LIBRARY,
        fetch_limits: FetchLimits | None = None,
        cap: int | None = None,
    ) -> IngestReport:
        """Index files, folders and http(s) URLs into one scope; idempotent, and a changed file
        replaces its role's chunks. Duplicates are merged within the scope only: the same posting
        added by two servers is two roles (the second reuses the first one's vectors). URLs are
        fetched within `fetch_limits` (the safe defaults when None). `cap`: the most roles the scope
        may hold (checked under the lock, so two adds at once cannot both pass it)."""
        files, report_missing = expand_paths(paths)
        report = IngestReport(outcomes=report_missing)
        candidates = []
        for number, path in enumerate(files, start=1):
            candidates.append(_in_scope(read_candidate(path, fetch_limits), scope))
            if progress:
                progress("parse", number, len(files))
        with self._lock:
            current = self._read(scope.key)  # from the store: another process may have changed it
            plan = self._plan(candidates, report, current)
            added = [rid for rid in plan if rid not in current.roles]
            if cap is not None and added and len(current.roles) - len(report.roles_removed) + len(added) > cap:
                raise PostingCapReached(scope, cap)
            self._write(plan, report, progress, current, scope)
            fresh = self._read(scope.key)
            self._sweep_leftovers(fresh)
        return report

    def remove(self, scope: Scope, role_id: str) -> Posting | None:
        """Delete one role of `scope` and its vectors; None when the scope has no such role."""
        with self._lock:
            posting = self._read(scope.key).roles.get(role_id)
            if posting is None:
                return None
            self.store.delete_role(role_id)
            self._role_vectors.pop(role_id, None)
            self._read(scope.key)
        return posting

    def forget(self, scope: Scope, attempts: int | None = 8) -> int:
        """Delete every role and vector of a server or a user (`/forget`), retrying a store that is
        briefly unavailable (`attempts=None`: until it succeeds). Returns how many roles went."""
        if scope.is_library:
            raise ValueError("the library is not forgotten")
        stop = stop_after_attempt(attempts) if attempts else (lambda _state: False)

        @retry(
            retry=retry_if_exception_type(KnowledgeBaseUnavailable),
            wait=wait_exponential(multiplier=0.5, max=30),
            stop=stop,
            reraise=True,
        )
        def delete() -> int:
            held = self.store.owned_role_ids(scope.key)
            self.store.delete_owner(scope.key)
            return len(held)

        removed = delete()
        with self._lock:
            old = self._catalogues.pop(scope.key, None)
            for role_id in old.roles if old else ():
                self._role_vectors.pop(role_id, None)
            self._views.clear()
        return removed

    def _plan(
        self, candidates: list[Candidate], report: IngestReport, current: Catalogue
    ) -> dict[str, tuple[Posting, list[str]]]:
        """Decide each file's fate; returns the roles to (re)write with their sources."""
        kept = ShingleIndex()
        for rid, posting in current.roles.items():
            kept.add(rid, posting_shingles(posting))
        postings = dict(current.roles)
        sources = {rid: list(found) for rid, found in current.sources.items()}
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
                self._plan_posting(cand, previous, _Plan(kept, postings, sources, to_write), report, current)
        return to_write

    def _plan_posting(
        self, cand: Candidate, previous: str | None, plan: _Plan, report: IngestReport, current: Catalogue
    ) -> None:
        posting = cand.posting
        assert posting is not None
        rid, sources, to_write = posting.role_id, plan.sources, plan.to_write
        if previous and previous != rid:  # the file now holds a different role: retire the old one
            sources[previous] = [s for s in sources.get(previous, []) if s != cand.path]
            if not sources[previous]:
                report.roles_removed.append(previous)
                plan.kept.remove(previous)
                plan.postings.pop(previous, None)
        existing = current.roles.get(rid)
        role_sources = list(dict.fromkeys(sources.get(rid, []) + [cand.path]))
        sources[rid] = role_sources
        if rid in to_write:
            report.outcomes.append(FileOutcome(cand.path, "merged", rid, f"same role as {to_write[rid][0].source}"))
            to_write[rid] = (to_write[rid][0], role_sources)
            return
        if existing and existing.content_hash == posting.content_hash:
            status = "unchanged" if previous == rid else "merged"
            report.outcomes.append(FileOutcome(cand.path, status, rid, "" if status == "unchanged" else "same text"))
            if role_sources != current.sources.get(rid):
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
        self,
        plan: dict[str, tuple[Posting, list[str]]],
        report: IngestReport,
        progress: Progress | None,
        current: Catalogue,
        scope: Scope,
    ) -> None:
        """Chunks first, then the role record (the commit point), then sweep older versions."""
        fresh = [p for p, _ in plan.values() if current.roles.get(p.role_id) is not p]
        fresh = [
            p for p in fresh if (old := current.roles.get(p.role_id)) is None or old.content_hash != p.content_hash
        ]
        chunks = [c for p in fresh for c in chunk_posting(p, self.embeddings.token_count)]
        if chunks:  # an interrupted ingest of the same versions already stored some: ids name role, version, line
            stored = self.store.existing([c.id for c in chunks])
            chunks = [c for c in chunks if c.id not in stored]
        known: dict[str, list[float]] = {}
        if chunks and not scope.is_library:  # the same posting in another scope: reuse its vectors
            for version in {c.version for c in chunks}:
                known.update(self.store.vectors_for_version(version))
        self.store.write_chunks(
            chunks, lambda done: progress("embed", done, len(chunks)) if progress else None, scope.key, known
        )
        records = list(plan.values())
        vectors = self.embeddings.embed_documents([f"{p.display_name} {p.company or ''}" for p, _ in records])
        self.store.write_roles(records, vectors, scope.key)
        self.store.sweep_stale([posting for posting, _ in records])
        for role_id in report.roles_removed:
            self.store.delete_role(role_id)
        report.chunks_written = len(chunks)

    def _sweep_leftovers(self, current: Catalogue) -> None:
        """Delete this scope's chunks that no recorded role version owns: what an ingest killed after
        its commit point (before its sweep) or while retiring a role leaves behind."""
        leftovers = self.store.chunk_ids(current.owner) - current.chunk_by_id.keys()
        if current.owner == LIBRARY_KEY:  # and chunks that no owner claims (written before scopes)
            leftovers |= self.store.unowned_chunk_ids()
        if leftovers:
            log.info("sweeping %d chunks left by an interrupted ingest", len(leftovers))
            self.store.delete_chunks(sorted(leftovers))

    # ----- vectors -------------------------------------------------------------------------------
    def vectors_of_roles(self, roles: dict[str, list[Chunk]]) -> list[tuple[list[str], np.ndarray]]:
        """`vectors_of` for several roles, fetching every uncached one in a single get: a viewer's
        first question needs the vectors of all their server's and personal roles at once."""
        with self._lock:
            missing = [rid for rid in roles if rid not in self._role_vectors]
        wanted = [c.id for rid in missing for c in roles[rid]]
        stored = self.store.vectors(wanted) if wanted else {}
        found = []
        for role_id, chunks in roles.items():
            if role_id in missing:
                ids = [c.id for c in chunks if c.id in stored]
                if not ids:
                    continue
                matrix = np.asarray([stored[cid] for cid in ids], dtype=np.float32).reshape(len(ids), -1)
                with self._lock:
                    self._role_vectors[role_id] = (ids, matrix)
                    if len(self._role_vectors) > ROLE_VECTOR_CACHE:
                        self._role_vectors.popitem(last=False)
                found.append((ids, matrix))
            else:
                found.append(self.vectors_of(role_id, chunks))
        return found

    def vectors_of(self, role_id: str, chunks: list[Chunk]) -> tuple[list[str], np.ndarray]:
        """A role's chunk vectors (one get by id), cached for the most recently searched roles."""
        with self._lock:
            if role_id in self._role_vectors:
                self._role_vectors.move_to_end(role_id)
                return self._role_vectors[role_id]
        wanted = [c.id for c in chunks]
        stored = self.store.vectors(wanted) if wanted else {}
        ids = [cid for cid in wanted if cid in stored]
        if not ids:  # removed meanwhile (a view taken before a removal): nothing to score, nothing to cache
            return [], np.empty((0, len(self.embeddings.embed_query("dimension"))), dtype=np.float32)
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


def _in_scope(candidate: Candidate, scope: Scope) -> Candidate:
    """The candidate with its role id in `scope` (library ids stay as they are)."""
    if candidate.posting is None or scope.is_library:
        return candidate
    posting = dataclasses.replace(candidate.posting, role_id=scope.role_id(candidate.posting.role_id))
    return dataclasses.replace(candidate, posting=posting)
