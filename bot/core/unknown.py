"""The words of the indexed postings: an employer named in a question but in none of these has
no posting here (bot.core.understanding.employers decides whether the words name an employer)."""

from __future__ import annotations

import re

from bot.core.postings import Posting

_WORD = re.compile(r"[a-z0-9&]+")


def vocabulary(roles: list[Posting]) -> frozenset[str]:
    """Every word of every posting (lower case), built once per index load, not per question."""
    words: set[str] = set()
    for posting in roles:
        words.update(_WORD.findall((posting.company or "").lower()))
        for line in posting.lines:
            words.update(_WORD.findall(line.text.lower()))
    return frozenset(words)
