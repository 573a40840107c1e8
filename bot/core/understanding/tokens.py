"""Words of a question or a role name, with their character spans (so a span can be removed).

Lower case; curly quotes straightened; a possessive "'s" dropped ("wrenfield's" -> "wrenfield");
hyphens split ("e-commerce" -> "e", "commerce"), while "c++", "t&s" and "bs/ms" stay whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"[a-z0-9]+(?:&[a-z0-9]+)*\+*|(?<![a-z0-9])[&+](?![a-z0-9])")


_CONTRACTED = frozenset("what it that there who where how here let he she".split())  # "what's" is "what is"


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """Tokens of `text` with their spans in the original string."""
    lowered = text.lower().replace("’", "'").replace("‘", "'")
    found: list[Token] = []
    for match in _TOKEN.finditer(lowered):
        if found and match.start() < found[-1].end:
            continue  # the "s" of a possessive already taken
        word = match.group(0)
        end = match.end()
        if lowered[end : end + 2] == "'s" and not lowered[end + 2 : end + 3].isalnum() and word not in _CONTRACTED:
            end += 2  # the possessive belongs to the span, not the word
        found.append(Token(word, match.start(), end))
    return found


def words(text: str) -> list[str]:
    return [t.text for t in tokens(text)]


def remove_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` without the character spans (role names), spaces tidied."""
    if not spans:
        return text.strip()
    kept, last = [], 0
    for start, end in sorted(spans):
        if start >= last:
            kept.append(text[last:start])
            last = end
    kept.append(text[last:])
    return re.sub(r"\s+", " ", "".join(kept)).strip()


COMMON_ZIPF = 3.0  # wordfreq Zipf frequency: ordinary English words are above this, invented names below


def is_common_word(word: str) -> bool:
    """An ordinary English word ("orchard", "machine"), as opposed to a name ("quillfeather").
    wordfreq's small list loads in a fraction of a second, once, on first use."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en", wordlist="small") >= COMMON_ZIPF
