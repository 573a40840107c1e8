"""Words of a text: the one tokenizer and the one stopword list every core module compares words with.

Why one: search (BM25), duplicate detection, grading, quiz writing and question understanding all
compare the words of two texts (a question and a posting, an answer and a key point). When each
splits words its own way, "C++", "bs/ms" or "cold-start" match in one place and not in another.

The rules, chosen for how postings and students write:
- lower case; curly quotes straightened;
- a word is letters and digits, kept whole across "&", "/", "." and "'" inside it and "+"/"#" after
  it: "c++", "c#", "c/c++", "bs/ms", "t&s", "node.js", "3.5", "don't" are one word each;
- a possessive "'s" is dropped ("tiktok's" -> "tiktok"), a contraction stays ("it's");
- a hyphen splits ("cold-start" -> "cold", "start"), so "cold-start" matches "cold start".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+(?:[&/.'][a-z0-9]+)*[+#]*")
_CONTRACTED = frozenset("what it that there who where how here let he she".split())  # "what's" is "what is"

#: English function words: they say how a sentence is built, not what it is about. "us" is not one
#: of them here, because "US" is how postings and students name a country.
STOPWORDS = frozenset(
    "a about above after again against all also am an and any are as at be because been before being below "
    "between both but by can could did do does doing down during each either else even ever every few for from "
    "further had has have having he her here hers herself him himself his how however i if in into is it its "
    "itself just let like may me might more most much must my myself no nor not now of off on once only or "
    "other our ours ourselves out over own per quite rather really same shall she should so some such than that "
    "the their theirs them themselves then there these they this those though through thus to too under until "
    "up upon very via was we were what whatever when where whether which while who whom whose why will with "
    "within without would yet you your yours yourself yourselves i'd i'm i've i'll it's that's don't doesn't "
    "isn't aren't can't won't we're they're you're let's there's".split()
)


@dataclass(frozen=True)
class Token:
    """One word and where it stands in the original text (so a span can be quoted or removed)."""

    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    """The words of `text` (rules in the module docstring), with their spans in `text`."""
    lowered = text.lower().replace("’", "'").replace("‘", "'")
    found: list[Token] = []
    for match in _WORD.finditer(lowered):
        word = match.group(0).rstrip(".'")
        if word.endswith("'s") and word[:-2] not in _CONTRACTED:
            word = word[:-2]
        if word:
            found.append(Token(word, match.start(), match.start() + len(word)))
    return found


def words(text: str) -> list[str]:
    """The words of `text`, in order, repeats kept."""
    return [token.text for token in tokens(text)]


def content_words(text: str) -> list[str]:
    """The words that say what `text` is about: no stopwords, no single characters other than
    digits or language names ("c", "r"), no bare numbers."""
    return [w for w in words(text) if w not in STOPWORDS and not w.isdigit() and (len(w) > 1 or w in "cr")]


def singular(word: str) -> str:
    """A plural noun's singular, by spelling alone ("models" -> "model", "queries" -> "query");
    "class", "status" and "analysis" stay. Good enough to match a key point's word with an answer's."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) and word.isalpha():
        return word[:-1]
    return word


def with_parts(found: list[str]) -> list[str]:
    """Each word followed by its parts when it joins several with "/" or "&" ("cv/nlp" -> "cv/nlp",
    "cv", "nlp"), so a text naming one of a pair still matches the pair."""
    out: list[str] = []
    for word in found:
        out.append(word)
        if "/" in word or "&" in word:
            out.extend(part for part in re.split(r"[/&]", word) if part)
    return out


def compounds(text: str) -> list[str]:
    """The hyphenated compounds of `text` as single words ("zero-shot", "end-to-end"): `words` splits
    them so "cold-start" matches "cold start"; a caller that wants the phrase as well adds these."""
    lowered, found, run = text.lower(), [], []
    for token in tokens(text):
        if run and lowered[run[-1].end : token.start] != "-":
            found.extend(["-".join(t.text for t in run)] if len(run) > 1 else [])
            run = []
        run.append(token)
    if len(run) > 1:
        found.append("-".join(t.text for t in run))
    return found
