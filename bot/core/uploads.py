"""Postings people add themselves (Discord `/posting add`, a DM attachment, pasted text) into
their scope: a file name we can trust, the size limits, the per-scope caps, and the ingest.

The Discord layer only collects bytes and a name; everything that decides what happens to them is
here, so the CLI, the slash command and the DM button behave the same.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.errors import BadPostingFile
from bot.core.fetch import FetchLimits, is_url
from bot.core.postings.reading import SUPPORTED_SUFFIXES, max_bytes
from bot.core.scopes import PostingCapReached, Scope

if TYPE_CHECKING:
    from bot.core.index import KnowledgeIndex
    from bot.core.ingest import IngestReport
    from bot.core.postings import Posting

__all__ = ["PASTED_NAME", "Added", "PostingCapReached", "add_link", "add_upload", "cap_for", "check_size",
           "safe_filename"]

PASTED_NAME = "pasted-posting"


@dataclass
class Added:
    """What an add did, with the scope's roles to name the outcome."""

    report: IngestReport
    roles: dict[str, Posting]
    scope: Scope


def safe_filename(raw: str | None, *, pasted: bool) -> str:
    """A safe file name with a supported suffix (the reader goes by it); pasted text is .txt
    unless its name says otherwise. An unsupported attachment is refused naming what works."""
    raw = raw or PASTED_NAME
    stem, suffix = Path(raw).stem, Path(raw).suffix.lower()
    if pasted and suffix not in SUPPORTED_SUFFIXES:
        stem, suffix = Path(raw).name, ".txt"
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise BadPostingFile(f"{raw} is not a posting file I can read; use one of {allowed}.")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-") or "posting"
    return f"{safe[:80]}{suffix}"


def check_size(filename: str, size: int) -> None:
    """Refuse a file too large to be a posting before downloading it."""
    limit = max_bytes(SUPPORTED_SUFFIXES.get(Path(filename).suffix.lower(), "txt"))
    if size > limit:
        raise BadPostingFile(
            f"{filename} is {size / 1024 / 1024:.1f} MB; postings are limited to {limit // 1024 // 1024} MB."
        )


def cap_for(scope: Scope, personal_cap: int, server_cap: int) -> int | None:
    """How many postings `scope` may hold (None: no cap, the operator's library)."""
    return {"user": personal_cap, "server": server_cap}.get(scope.kind)


def add_upload(index: KnowledgeIndex, scope: Scope, filename: str, data: bytes, cap: int | None = None) -> Added:
    """Index one uploaded or pasted posting into `scope`. The upload is written to a temporary file
    under its own (safe) name, which the reader goes by and the citations show."""
    check_size(filename, len(data))
    with tempfile.TemporaryDirectory(prefix="prepbot-posting-") as folder:
        path = Path(folder) / filename
        path.write_bytes(data)
        report = index.ingest([path], scope=scope, cap=cap)
    return Added(report, {p.role_id: p for p in index.scope_roles(scope)}, scope)


def add_link(
    index: KnowledgeIndex, scope: Scope, url: str, limits: FetchLimits | None = None, cap: int | None = None
) -> Added:
    """Fetch a posting by link (an HTML page or a PDF, within `limits`) into `scope`; the link is
    the posting's source, so its citations point at the page."""
    url = url.strip()
    if not is_url(url):
        raise BadPostingFile("A posting link must start with http:// or https://.")
    report = index.ingest([url], scope=scope, cap=cap, fetch_limits=limits)
    return Added(report, {p.role_id: p for p in index.scope_roles(scope)}, scope)
