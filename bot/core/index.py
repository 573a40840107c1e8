"""The knowledge index: ingest postings into Chroma and search them (dense + BM25, fused).

One `KnowledgeIndex` per process. Every role belongs to a scope (bot/core/scopes.py): the
library, a server or a user. The index keeps one in-memory `Catalogue` per scope it has needed
(the library always; a server's or a user's when one of their questions arrives), and hands out
`IndexView`s: what one viewer may see (library + their server's + their own). The index's own read
methods (`roles()`, `search()`...) are the library's view: a caller that does not say who is asking
never sees anyone's server or personal postings.

This module is the read side (catalogues, views, cached vectors) and the locked entry points of the
write side; what an ingest decides and writes is bot/core/index_write.py.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from pathlib import Path

import numpy as np
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from bot.core.catalogue import RRF_K, SCOPED_EXACT_MAX, Catalogue, Hit, IndexView
from bot.core.chunks import Chunk
from bot.core.embeddings import CachedEmbeddings, load_embeddings
from bot.core.errors import KnowledgeBaseUnavailable
from bot.core.fetch import FetchLimits
from bot.core.index_write import (
    Progress,
    in_scope,
    plan_ingest,
    record_missing_versions,
    sweep_leftovers,
    write_plan,
)
from bot.core.ingest import IngestReport, expand_paths, read_candidate
from bot.core.posting_vectors import text_key
from bot.core.postings import Posting
from bot.core.roles import RoleResolver
from bot.core.scopes import EVERYONE_LIBRARY, LIBRARY, LIBRARY_KEY, PostingCapReached, Scope, Viewer
from bot.core.store import VectorStore

__all__ = ["RRF_K", "SCOPED_EXACT_MAX", "Hit", "IndexView", "KnowledgeIndex"]
log = logging.getLogger(__name__)
ROLE_VECTOR_CACHE = 512  # roles whose vectors stay in memory (about 25 KB each)
SCOPE_CACHE_ROLES = 4000  # server and personal roles kept in memory (about 25 KB each); the library always is
SCOPE_TTL = 30.0  # seconds: with a shared Chroma server, re-read a scope this old (another process may have changed it)
VIEW_CACHE = 64  # viewers' views kept (resolver, vocabulary); 256 held ~57 MB more at 10k roles, a rebuild costs ~20 ms


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

    # ----- writes (the work is bot/core/index_write.py; here the lock and the caches) ----------------
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
            candidates.append(in_scope(read_candidate(path, fetch_limits), scope))
            if progress:
                progress("parse", number, len(files))
        with self._lock:
            current = self._read(scope.key)  # from the store: another process may have changed it
            plan = plan_ingest(candidates, report, current)
            added = [rid for rid in plan if rid not in current.roles]
            if cap is not None and added and len(current.roles) - len(report.roles_removed) + len(added) > cap:
                raise PostingCapReached(scope, cap)
            write_plan(self.store, self.embeddings, plan, report, progress, current, scope)
            now = self._read(scope.key)
            record_missing_versions(self.store, self.embeddings, now)
            sweep_leftovers(self.store, now)
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

    # ----- vectors -------------------------------------------------------------------------------
    def vectors_of_roles(self, roles: dict[str, list[Chunk]]) -> list[tuple[list[str], np.ndarray]]:
        """Each role's (chunk ids, vectors), cached for the most recently searched roles; the
        uncached ones read from their versions' records in one get (a viewer's first question needs
        all their server's and personal roles at once). Chunks without a stored row — a role removed
        since this view was taken, or a store written before version records — are embedded here and
        kept in memory only: a read never writes vectors back (a removed posting stays removed)."""
        with self._lock:
            cached = {rid: self._role_vectors[rid] for rid in roles if rid in self._role_vectors}
            for rid in cached:
                self._role_vectors.move_to_end(rid)
        missing = {rid: chunks for rid, chunks in roles.items() if rid not in cached and chunks}
        held = self.store.posting_vectors.get({c.version for chunks in missing.values() for c in chunks})
        unheld = sorted({c.text for chunks in missing.values() for c in chunks
                         if text_key(c.text) not in held.get(c.version, {})})
        if unheld:
            log.info("embedding %d posting lines that have no stored vectors", len(unheld))
        made = dict(zip(unheld, self.embeddings.embed_documents(unheld), strict=True)) if unheld else {}
        for role_id, chunks in missing.items():
            rows = held.get(chunks[0].version, {})
            matrix = np.asarray(
                [made[c.text] if c.text in made else rows[text_key(c.text)] for c in chunks], dtype=np.float32
            )
            cached[role_id] = ([c.id for c in chunks], matrix)
            with self._lock:
                self._role_vectors[role_id] = cached[role_id]
                if len(self._role_vectors) > ROLE_VECTOR_CACHE:
                    self._role_vectors.popitem(last=False)
        return [cached[rid] for rid in roles if rid in cached]

    def similarity(self, query: str, texts: list[str]) -> list[float]:
        """Cosine similarity of a query to given texts (both embedded with the shared model)."""
        vectors = np.asarray(self.embeddings.embed_documents(texts))
        return list(vectors @ np.asarray(self.embeddings.embed_query(query)))

