"""Does a DM bring a job posting to add? The DM router's first question about a message.

Students bring postings in DMs in two ways: a file, or text — a request line ("add this posting:",
"here's the JD for my interview") followed by the posting, or the posting pasted on its own. A
message like that must be offered to be added (one button), not answered as a question about the
roles already held. Two signals, both about how such messages are written, neither about one posting:
- the message's first line (up to a colon) asks to add or keep a posting — judged by meaning, against
  labelled requests and look-alikes in knowledge/dm/posting_requests.yaml ("remove my posting", "what
  does this posting require" are not requests) — and a posting or a link follows it;
- or the text reads as a posting by itself: the posting reader finds a job title near the top and
  lines of duties or requirements. Resumes have titles too, but list experience and skills, not
  duties and requirements, and a message that calls itself a resume or CV is never a posting.
A long answer to a practice question has neither: no job title near its top.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bot.core.errors import BadPostingFile
from bot.core.understanding.intents import IntentClassifier

if TYPE_CHECKING:
    from bot.core.embeddings import CachedEmbeddings

EXAMPLES = Path(__file__).resolve().parents[3] / "knowledge" / "dm" / "posting_requests.yaml"
REQUEST = "add_posting"
# A request's nearest examples (mean of three) must be this close, and closer than any other label's by
# REQUEST_MARGIN. Chosen on 35 phrasings written for tests/core/test_posting_request.py (not the examples).
REQUEST_CONFIDENT = 0.55
REQUEST_MARGIN = 0.05
MIN_PASTE_CHARS = 80  # shorter than this, what follows a request is not a posting
MIN_POSTING_CHARS = 200  # a posting pasted without a request is at least this long
LEAD_CHARS = 120  # a request line is short; a longer first line is the posting itself
DUTIES_OR_REQUIREMENTS = {"responsibilities", "minimum_qualifications"}  # sections a resume does not have
_LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class PostingInMessage:
    """A posting a message brings: its text (the request line taken off), or a link to fetch."""

    text: str = ""
    url: str | None = None


@cache
def _examples(path: Path = EXAMPLES) -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: tuple(str(t) for t in texts) for name, texts in data.items()}


class PostingRequests:
    """Finds the posting a DM brings, if any (see the module docstring for the rules)."""

    def __init__(self, embeddings: CachedEmbeddings, cache_dir: Path | None = None) -> None:
        self.classifier = IntentClassifier(embeddings, cache_dir, _examples(), cache_name="posting-requests")

    def is_request(self, line: str) -> bool:
        """Whether a short line asks to add or keep a posting."""
        best, second = self.classifier.classify(line)[:2]
        return best.name == REQUEST and best.score >= REQUEST_CONFIDENT and best.score - second.score >= REQUEST_MARGIN

    def find(self, text: str, says_resume: bool = False) -> PostingInMessage | None:
        """The posting in a DM's text, or None when the message is something else."""
        text = (text or "").strip()
        if not text or says_resume:
            return None
        lead, rest = split_lead(text)
        if lead and self.is_request(lead):
            if _LINK.fullmatch(rest):
                return PostingInMessage(url=rest)
            if len(rest) >= MIN_PASTE_CHARS:
                return PostingInMessage(text=rest)
            return None
        for candidate in (rest, text) if lead else (text,):
            if len(candidate) >= MIN_POSTING_CHARS and reads_as_posting(candidate):
                return PostingInMessage(text=candidate)
        return None


def split_lead(text: str) -> tuple[str, str]:
    """(request line, the rest): a link ending the first line is the rest ("add this https://…");
    else the first line, cut at its first colon when text follows on the same line ("add this
    posting: Senior ML Engineer…"). No lead when the first line is long: it is the posting itself."""
    first, _, after = text.partition("\n")
    link = _LINK.search(first)
    if link and not first[link.end():].strip() and not after.strip():
        return first[: link.start()].strip().rstrip(":").strip(), link.group(0)
    head, colon, tail = first.partition(":")
    if colon and tail.strip() and len(head) <= LEAD_CHARS:
        return head.strip(), (tail + ("\n" + after if after else "")).strip()
    if len(first) <= LEAD_CHARS:
        return first.strip().rstrip(":"), after.strip()
    return "", text


def reads_as_posting(text: str) -> bool:
    """The posting reader finds a title near the top and lines of duties or requirements."""
    from bot.core.postings.parse import parse_posting  # the reader's tables load on first use

    try:
        posting = parse_posting(text, "txt", "pasted")
    except BadPostingFile:
        return False
    return any(line.section in DUTIES_OR_REQUIREMENTS for line in posting.lines)
