"""A source line before any structure is read (`RawLine`), and the two things every format reader
does to its text: `clean` whitespace and split off a leading bullet marker.

The leaf of bot.core.postings.formats: the readers (plain, markdown, html, pdf, docx) and the
dispatcher (bot.core.postings.reading) import it, it imports none of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A bullet: a symbol, a dash, "o " (Word's second-level bullet), or a number / letter with . or ).
_BULLET = re.compile(
    r"^\s*(?:[•●▪■□◦‣∙·○◆◇►▸▹▶→➔➜➤⇒✓✔✅☐*+\-–—\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8]|o(?=\s+\S)|\(?\d{1,2}[.)](?!\d)|\(?[a-hj-z][)]|\([a-z]\))\s+"
)
# (U+F0B7 and friends: Word's Symbol/Wingdings bullets as they come out of PDFs.)


@dataclass(frozen=True)
class RawLine:
    """A line of the source with its kind: heading lines come from markup or from the wording."""

    text: str
    kind: str  # heading | bullet | para
    line_no: int
    level: int = 0  # heading level (1-6) when the markup gave one; 0 = unknown / not a heading
    bold: bool = False  # the whole line was bold in the source (a pseudo-heading or a meta line)


def clean(text: str) -> str:
    """Collapse whitespace and drop invisible characters."""
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\t", " ")
    return re.sub(r"\s+", " ", text).strip()


def bullet_split(text: str) -> tuple[str, str]:
    """(marker, rest) when the line starts with a bullet marker, else ("", text)."""
    match = _BULLET.match(text)
    if not match or not text[match.end() :].strip():
        return "", text
    return text[: match.end()].strip(), clean(text[match.end() :])
