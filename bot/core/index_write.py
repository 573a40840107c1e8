"""The index's write path: what an ingest does with each file (plan), then how it writes (chunks,
then the role record as the commit point, then the sweep of older versions and leftovers).

`KnowledgeIndex.ingest` holds its lock around these and refreshes its catalogues afterwards; nothing
here keeps state. The plan is pure: given what a scope holds and the files read, it decides which
roles are added, updated, merged (duplicates, within the scope only) or retired.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bot.core.chunks import chunk_posting
from bot.core.dedupe import ShingleIndex
from bot.core.ingest import Candidate, FileOutcome, IngestReport, duplicate_of, posting_shingles
from bot.core.posting_vectors import text_key
from bot.core.scopes import LIBRARY_KEY, Scope

if TYPE_CHECKING:
    from bot.core.catalogue import Catalogue
    from bot.core.embeddings import CachedEmbeddings
    from bot.core.postings import Posting
    from bot.core.store import VectorStore

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
Writes = dict[str, tuple["Posting", list[str]]]  # role id -> (the posting to store, its sources)


@dataclass
class _Plan:
    """An ingest's working state: what is kept so far, and what will be written."""

    kept: ShingleIndex
    postings: dict[str, Posting]
    sources: dict[str, list[str]]
    to_write: Writes


def in_scope(candidate: Candidate, scope: Scope) -> Candidate:
    """The candidate with its role id in `scope` (library ids stay as they are)."""
    if candidate.posting is None or scope.is_library:
        return candidate
    posting = dataclasses.replace(candidate.posting, role_id=scope.role_id(candidate.posting.role_id))
    return dataclasses.replace(candidate, posting=posting)


def plan_ingest(candidates: list[Candidate], report: IngestReport, current: Catalogue) -> Writes:
    """Decide each file's fate (recorded in `report`); returns the roles to (re)write with their sources.
    Longer postings go first, so a duplicate merges into the fuller text."""
    kept = ShingleIndex()
    for rid, posting in current.roles.items():
        kept.add(rid, posting_shingles(posting))
    postings = dict(current.roles)
    sources = {rid: list(found) for rid, found in current.sources.items()}
    by_source = {source: rid for rid, found in sources.items() for source in found}
    to_write: Writes = {}
    for cand in sorted(candidates, key=lambda c: (c.posting is None, -len(c.shingles))):
        previous = by_source.get(cand.path)
        exclude = {previous} if previous and cand.posting is not None else set()
        original = duplicate_of(cand, kept, exclude)
        if original and (cand.posting is None or cand.posting.role_id not in to_write):
            _merge_source(sources, original, cand.path, to_write, postings)
            report.outcomes.append(FileOutcome(cand.path, "merged", original, f"duplicate of {original}"))
        elif cand.posting is None:
            report.outcomes.append(FileOutcome(cand.path, "failed", reason=cand.error))
        else:
            _plan_posting(cand, previous, _Plan(kept, postings, sources, to_write), report, current)
    return to_write


def _plan_posting(cand: Candidate, previous: str | None, plan: _Plan, report: IngestReport, current: Catalogue) -> None:
    """One parsed posting: new, updated, unchanged, or the same role as another file of this ingest."""
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


def _merge_source(sources: dict, role_id: str, path: str, to_write: Writes, postings: dict) -> None:
    if path not in sources.setdefault(role_id, []):
        sources[role_id].append(path)
        posting = to_write[role_id][0] if role_id in to_write else postings[role_id]
        to_write[role_id] = (posting, sources[role_id])


def write_plan(store: VectorStore, embeddings: CachedEmbeddings, plan: Writes, report: IngestReport,
               progress: Progress | None, current: Catalogue, scope: Scope) -> None:
    """Chunks first, then the role record (the commit point), then sweep older versions: a process
    killed half-way leaves the previous version readable and the next ingest finishes the job."""
    fresh = [p for p, _ in plan.values() if current.roles.get(p.role_id) is not p]
    fresh = [p for p in fresh if (old := current.roles.get(p.role_id)) is None or old.content_hash != p.content_hash]
    chunks = [c for p in fresh for c in chunk_posting(p, embeddings.token_count)]
    # Every fresh version needs its vectors record (the same posting already stored in any scope has
    # one: reused). Library chunks also go to the chunk collection, less those an interrupted ingest
    # of the same versions already stored (ids name role, version, line): their vectors are read back.
    held = store.posting_vectors.get({c.version for c in chunks}) if chunks else {}
    reuse = {key: vector for rows in held.values() for key, vector in rows.items()}
    to_chunks: set[str] = set()
    if chunks and scope.is_library:
        stored = store.existing([c.id for c in chunks])
        to_chunks = {c.id for c in chunks} - stored
        resumed = [c for c in chunks if c.id in stored and c.version not in held]
        by_id = store.chunk_vectors([c.id for c in resumed]) if resumed else {}
        reuse |= {text_key(c.text): np.asarray(by_id[c.id], dtype=np.float32) for c in resumed if c.id in by_id}
    chunks = [c for c in chunks if c.id in to_chunks or c.version not in held]
    embedded = (lambda done: progress("embed", done, len(chunks))) if progress else None
    store.write_vectors(chunks, embedded, scope.key, reuse, set(held), to_chunks)
    records = list(plan.values())
    vectors = embeddings.embed_documents([f"{p.display_name} {p.company or ''}" for p, _ in records])
    store.write_roles(records, vectors, scope.key)
    store.sweep_stale([posting for posting, _ in records])
    for role_id in report.roles_removed:
        store.delete_role(role_id)
    replaced = {old.content_hash for p in fresh if (old := current.roles.get(p.role_id)) is not None}
    store.posting_vectors.drop_unused(replaced)
    report.chunks_written = len(to_chunks) if scope.is_library else len(chunks)


def record_missing_versions(store: VectorStore, embeddings: CachedEmbeddings, current: Catalogue) -> None:
    """Write the vectors record of every role in this scope whose version has none: a store written
    before version records existed, or a record dropped by a removal racing with an add of the
    same posting elsewhere. An ingest finishes that job; a read only embeds in memory."""
    recorded = store.posting_vectors.existing(p.content_hash for p in current.roles.values())
    lacking = [c for c in current.chunks if c.version not in recorded]
    if lacking:
        log.info("recording the vectors of %d posting versions", len({c.version for c in lacking}))
        store.write_vectors(lacking, owner=current.owner)  # embedded again: nothing here loads Chroma's segment


def sweep_leftovers(store: VectorStore, current: Catalogue) -> None:
    """Delete this scope's chunks that no recorded role version owns: what an ingest killed after
    its commit point (before its sweep) or while retiring a role leaves behind."""
    leftovers = store.chunk_ids(current.owner) - current.chunk_by_id.keys()
    if current.owner == LIBRARY_KEY:  # and chunks that no owner claims (written before scopes)
        leftovers |= store.unowned_chunk_ids()
    if leftovers:
        log.info("sweeping %d chunks left by an interrupted ingest", len(leftovers))
        store.delete_chunks(sorted(leftovers))
