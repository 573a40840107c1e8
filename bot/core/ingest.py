"""Decide what an ingest does with each file: add, update, leave unchanged, merge or reject.

Pure bookkeeping over parsed postings and the roles already indexed; `KnowledgeIndex.ingest`
performs the writes this plan asks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.core.dedupe import DUPLICATE_CONTAINMENT, ShingleIndex, shingles
from bot.core.errors import BadPostingFile
from bot.core.postings import Posting, fragment_lines, load_posting
from bot.core.postings.reading import read_posting_text
from bot.core.postings.structure import normalise


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


def expand_paths(paths: list[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """Files named directly, plus every file inside named folders (hidden files skipped)."""
    files: list[Path] = []
    missing: list[FileOutcome] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            files.append(path)
        else:
            missing.append(FileOutcome(str(path), "failed", reason="no such file or folder"))
    return list(dict.fromkeys(files)), missing


def read_candidate(path: Path) -> Candidate:
    """Parse a file; a file that is no posting by itself is still kept to check for a fragment."""
    try:
        posting = load_posting(path)
    except BadPostingFile as err:
        lines: list[str] = []
        if "no recognisable posting" in str(err):
            text, fmt = read_posting_text(path)
            lines = fragment_lines(text, fmt)
        return Candidate(str(path), None, shingles(lines), str(err))
    except OSError as err:
        return Candidate(str(path), None, frozenset(), f"cannot read the file ({err.strerror or err})")
    return Candidate(str(path), posting, posting_shingles(posting))


def posting_shingles(posting: Posting) -> frozenset[int]:
    return shingles([normalise(line.text) for line in posting.lines])


def duplicate_of(candidate: Candidate, kept: ShingleIndex, exclude: set[str]) -> str | None:
    """The role this candidate's text is (almost) wholly contained in, other than its own role."""
    own = {candidate.posting.role_id} if candidate.posting else set()
    role_id, score = kept.container(candidate.shingles, exclude | own)
    return role_id if score >= DUPLICATE_CONTAINMENT else None
