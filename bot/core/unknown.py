"""The words of the indexed postings: an employer named in a question but in none of these has
no posting here (bot.core.understanding.employers decides whether the words name an employer)."""

from __future__ import annotations

from bot.core.postings import Posting
from bot.core.text import words as words_of


def vocabulary(roles: list[Posting]) -> frozenset[str]:
    """Every word of every posting (lower case), built once per index load, not per question."""
    words: set[str] = set()
    for posting in roles:
        words.update(words_of(posting.company or "", parts=True))
        for line in posting.lines:
            words.update(words_of(line.text, parts=True))
    return frozenset(words)
