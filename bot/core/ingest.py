"""Decide what an ingest does with each file: add, update, leave unchanged, merge or reject.

Pure bookkeeping over parsed postings and the roles already indexed; `KnowledgeIndex.ingest`
performs the writes this plan asks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.core.dedupe import DUPLICATE_CONTAINMENT, ShingleIndex, shingles
from bot.core.errors import BadPostingFile
from bot.core.fetch import FetchLimits, fetch, is_url
from bot.core.postings import Posting
from bot.core.postings.parse import parse_document
from bot.core.postings.reading import Document, document_from_bytes, is_readable_file_name, read_document
from bot.core.postings.structure import normalise

Source = Path | str  # a file or folder, or an http(s) URL


@dataclass
class FileOutcome:
    path: str
    status: str  # added | updated | unchanged | merged | failed
    role_id: str | None = None
    reason: str = ""


@dataclass
class IngestReport:
    """What happened to every file, for the CLI summary and the exit status."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    chunks_written: int = 0
    roles_removed: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]


@dataclass
class Candidate:
    path: str
    posting: Posting | None
    shingles: frozenset[int]
    error: str = ""


def expand_paths(paths: list[Source]) -> tuple[list[Source], list[FileOutcome]]:
    """Files and URLs named directly, plus every file inside named folders (hidden files skipped)."""
    files: list[Source] = []
    missing: list[FileOutcome] = []
    for path in paths:
        if isinstance(path, str) and is_url(path):
            files.append(path)
            continue
        path = Path(path)
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(FileOutcome(str(path), "failed", reason="no such file or folder"))
    return list(dict.fromkeys(files)), missing


def read_candidate(path: Source, limits: FetchLimits | None = None) -> Candidate:
    """Read and parse a file or URL; a file that is no posting by itself is still kept to check
    for a fragment. Nothing here writes: a failure only becomes a 'failed' outcome."""
    source = str(path)
    try:
        doc = read_source(path, limits)
    except BadPostingFile as err:
        return Candidate(source, None, frozenset(), str(err))
    except OSError as err:
        return Candidate(source, None, frozenset(), f"cannot read the file ({err.strerror or err})")
    try:
        posting = parse_document(doc)
    except BadPostingFile as err:
        lines = [normalise(line.text) for line in doc.lines] if "no recognisable posting" in str(err) else []
        return Candidate(source, None, shingles([line for line in lines if line]), str(err))
    if not doc.structured and not doc.page_title and not is_readable_file_name(doc.source):
        posting.source_name = " — ".join(filter(None, [posting.title, posting.company]))
    return Candidate(source, posting, posting_shingles(posting))


def read_source(path: Source, limits: FetchLimits | None = None) -> Document:
    """A file from disk, or a page fetched by URL (its URL stays the source to cite)."""
    if isinstance(path, str) and is_url(path):
        fetched = fetch(path, limits)
        return document_from_bytes(fetched.data, fetched.content_type, fetched.url)
    return read_document(Path(path))


def posting_shingles(posting: Posting) -> frozenset[int]:
    return shingles([normalise(line.text) for line in posting.lines])


def duplicate_of(candidate: Candidate, kept: ShingleIndex, exclude: set[str]) -> str | None:
    """The role this candidate's text is (almost) wholly contained in, other than its own role."""
    own = {candidate.posting.role_id} if candidate.posting else set()
    role_id, score = kept.container(candidate.shingles, exclude | own)
    return role_id if score >= DUPLICATE_CONTAINMENT else None
