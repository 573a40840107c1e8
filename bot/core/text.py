"""Words of a text: the one tokenizer and the one stopword list every core module compares words with.

Why one: search (BM25), duplicate detection, grading, quiz writing and question understanding (role
names, intents, employers, places) all compare the words of two texts (a question and a posting, an
answer and a key point, a question and a role's title). When each splits words its own way, "C++",
"bs/ms" or "cold-start" match in one place and not in another.

The rules, chosen for how postings and students write:
- lower case; curly quotes straightened;
- a word is letters and digits, kept whole across "&", "/", "." and "'" inside it and "+"/"#" after
  it: "c++", "c#", "c/c++", "bs/ms", "t&s", "node.js", "3.5", "don't" are one word each; a "&" or
  "+" standing alone ("Trust & Safety") is punctuation, not a word;
- a possessive "'s" is dropped from the word ("tiktok's" -> "tiktok") but stays in its span, so
  cutting a role name out of a question ("is Quillfeather's internship paid?") cuts the "'s" too;
  a contraction stays one word ("it's", "what's");
- a hyphen splits ("cold-start" -> "cold", "start"), so "cold-start" matches "cold start";
- `parts=True` (for matching names word by word: role titles, places, levels) gives a word joined
  with "/" as its parts, each with its own span: "ML/AI roles" names both, "Berlin/Munich" is two
  places, "BS/MS" two levels. "&" and "." still join ("t&s", "node.js"): those are one name.
  `with_parts` does the same for a list of words, keeping the whole word as well.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[a-z0-9]+(?:[&/.'][a-z0-9]+)*[+#]*")
_JOINER_GAP = re.compile(r"[\s/&+-]*")  # what stands between two parts of one joined name
_CONTRACTED = frozenset("what it that there who where how here let he she".split())  # "what's" is "what is"

#: English function words: they say how a sentence is built, not what it is about. "us" is not one
#: of them here, because "US" is how postings and students name a country.
STOPWORDS = frozenset(
    "a about above across after again against all also am among an and any are as at be because been before being "
    "below between both but by can could did do does doing down during each either else even ever every few for from "
    "further had has have having he her here hers herself him himself his how however i if in into is it its "
    "itself just let like many may me might more most much must my myself no nor not now of off on once only or "
    "other our ours ourselves out over own per quite rather really same shall she should so some such than that "
    "the their theirs them themselves then there these they this those though through thus to too under until "
    "up upon very via was we were what whatever when where whether which while who whom whose why will with "
    "within without would yet you your yours yourself yourselves i'd i'm i've i'll it's that's don't doesn't "
    "isn't aren't can't won't we're they're you're let's there's".split()
)


@dataclass(frozen=True)
class Token:
    """One word and where it was read from in the original text: `text[start:end]` is the word as
    written, with a possessive "'s" the word itself drops (so a span can be quoted or removed)."""

    text: str
    start: int
    end: int


def tokens(text: str, *, parts: bool = False) -> list[Token]:
    """The words of `text` (rules in the module docstring), with their spans in `text`; with
    `parts`, a word joined with "/" comes as its parts."""
    lowered = text.lower().replace("’", "'").replace("‘", "'")
    found: list[Token] = []
    for match in _WORD.finditer(lowered):
        word = match.group(0).rstrip(".'")
        end = match.start() + len(word)
        if word.endswith("'s") and word[:-2] not in _CONTRACTED:
            word = word[:-2]
        if not word:
            continue
        if parts and "/" in word:
            found.extend(_parts(word, match.start(), end))
        else:
            found.append(Token(word, match.start(), end))
    return found


def _parts(word: str, start: int, end: int) -> list[Token]:
    """The "/"-joined parts of `word` (read at `start`), the last one's span reaching `end`."""
    found, at = [], start
    for part in word.split("/"):
        if part:
            found.append(Token(part, at, at + len(part)))
        at += len(part) + 1
    if found:
        found[-1] = Token(found[-1].text, found[-1].start, end)
    return found


def words(text: str, *, parts: bool = False) -> list[str]:
    """The words of `text`, in order, repeats kept (`parts`: see `tokens`)."""
    return [token.text for token in tokens(text, parts=parts)]


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
    """Each word followed by its parts when it joins several with "/" ("cv/nlp" -> "cv/nlp", "cv",
    "nlp"), so a text naming one of a pair still matches the pair. "&" joins one name ("t&s",
    "r&d"), whose letters are not words of their own."""
    out: list[str] = []
    for word in found:
        out.append(word)
        if "/" in word:
            out.extend(part for part in word.split("/") if part)
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


def remove_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` without the character spans (role names found by `tokens`), spaces tidied; spans that
    overlap an earlier one are skipped. A "/", "&" or "-" left alone between two removed names
    ("the PhD/e-commerce one") goes with them: it joined them."""
    if not spans:
        return text.strip()
    kept, last = [], 0
    for start, end in sorted(spans):
        if start >= last:
            gap = text[last:start]
            kept.append(" " if kept and _JOINER_GAP.fullmatch(gap) else gap)
            last = end
    kept.append(text[last:])
    return re.sub(r"\s+", " ", "".join(kept)).strip()
