"""An answer as claims: sentences, their clauses, and whether each clause asserts anything.

A key point is credited only by a clause that *states* it, so the answer is cut where one claim
ends and another begins ("L1 is a Gaussian prior and L2 is a uniform prior" is two claims), and a
bare list of terms ("bias, variance, L1, L2, dropout") is recognised as making no claim at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.grading.language import language, tokens, whole_numbers

MAX_WORDS_ANALYSED = 600  # about four minutes of speech; the rest of a longer answer is not read
MAX_UNITS = 64  # sentences read per answer (keeps a 10,000-character answer fast)
MIN_UNIT_WORDS = 3  # a key point is a claim: one or two words cannot state one
LIST_ITEM_WORDS = 3  # a list item is at most this many words...
LIST_SHARE = 0.6  # ...and a clause is a list when this share of its 3+ parts are such items
CLAIM_STOPWORD_SHARE = 0.1  # prose without a known verb still reads as a claim when this share are stopwords

_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|w\.r\.t|etc|vs|approx|cf|prob|resp)\.", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*|\s+[*•]\s+|\s+-\s+(?=[A-Z])|\s+\d+[.)]\s+(?=[A-Z])")
# Where a new claim may start: after ";" or ":", or at a coordinating word (the right side must
# then make a claim of its own, see `clauses`).
_BOUNDARY = re.compile(r"\s*[;:]\s+|,?\s+(?=(?:and|but|whereas|while|although|though|yet|or)\s)", re.I)
_LIST_SPLIT = re.compile(r"\s*(?:,|/|;|(?<![\w-])and(?![\w-])|(?<![\w-])or(?![\w-]))\s*", re.I)  # not "copy-and-swap"


@dataclass(frozen=True)
class Clause:
    """One claim-sized piece of a sentence and what the grader reads from it."""

    text: str
    sentence: str
    words: tuple[str, ...]
    claim: bool  # asserts something (has a verb, or reads as a sentence rather than a list)
    items: tuple[tuple[str, ...], ...] = ()  # the items' tokens, when the clause is a bare list

    @property
    def is_list(self) -> bool:
        return bool(self.items)


def sentences(answer: str) -> tuple[list[str], bool]:
    """Sentences of the first MAX_WORDS_ANALYSED words (at most MAX_UNITS); and whether text was cut."""
    words = answer.split()
    truncated = len(words) > MAX_WORDS_ANALYSED
    text = " ".join(words[:MAX_WORDS_ANALYSED]) if truncated else answer
    protected = _ABBREVIATIONS.sub(lambda m: m.group(1).replace(".", "\0") + "\0", text)
    found = []
    for raw in _SENTENCE_END.split(protected):
        sentence = raw.replace("\0", ".").strip(" -*•")
        if len(sentence.split()) >= MIN_UNIT_WORDS:
            found.append(sentence)
    unique = list(dict.fromkeys(found))
    if len(unique) > MAX_UNITS:
        unique, truncated = unique[:MAX_UNITS], True
    return unique, truncated


def clauses(sentence: str) -> list[Clause]:
    """The sentence cut into claims. A cut at "and"/"but"/";" is kept only when both sides make a
    claim on their own, so "precision and recall trade off" stays one clause."""
    pieces = [p for p in _BOUNDARY.split(sentence) if p and p.strip()]
    merged: list[str] = []
    for piece in pieces:
        text = piece.strip()
        if merged and not (_has_verb(tokens(text)) and _has_verb(tokens(merged[-1]))):
            merged[-1] = f"{merged[-1]} {text}"
        else:
            merged.append(text)
    return [_clause(text, sentence) for text in merged]


def _clause(text: str, sentence: str) -> Clause:
    words = tokens(text)
    items = _list_items(text)
    from bot.core.grading.words import STOPWORDS

    long_items = [w for item in items if len(item) > LIST_ITEM_WORDS for w in item] if items else words
    prose = bool(long_items) and sum(w in STOPWORDS for w in long_items) / len(long_items) >= CLAIM_STOPWORD_SHARE
    claim = _has_verb(words) or prose
    if items and all(_is_keyword(item) for item in items):
        claim = False  # "atomic, reference count, control block": a bare list asserts nothing
    return Clause(text, sentence, tuple(words), claim, items)


def _has_verb(words: list[str]) -> bool:
    verbs = language().claim_verbs
    return any(w in verbs or language().is_negation(w) for w in words)


def _list_items(text: str) -> tuple[tuple[str, ...], ...]:
    """The parts of a comma list ("bias, variance, L1, L2"), or () for prose."""
    parts = [tokens(p) for p in _LIST_SPLIT.split(text)]
    parts = [p for p in parts if p]
    if len(parts) < 3:
        return ()
    short = sum(len(p) <= LIST_ITEM_WORDS for p in parts)
    if short / len(parts) < LIST_SHARE:
        return ()
    return tuple(tuple(p) for p in parts)


@dataclass(frozen=True)
class Sentence:
    """A sentence as the grader reads it: its tokens, which clause each token is in, which negation
    scope (a negation reaches to the next comma or connective, never past it), and which bare list
    each token belongs to (-1: none). The keyword items of one list are one slot: naming several
    terms in a list states no relation between them."""

    text: str
    words: tuple[str, ...]
    clause_of: tuple[int, ...]
    scope_of: tuple[int, ...]
    slot_of: tuple[int, ...]
    clause_texts: tuple[str, ...]
    claim: bool

    @property
    def usable(self) -> tuple[bool, ...]:
        return (True,) * len(self.words)


# Words that start a new negation scope: "we don't recompute them, so it is cached" denies
# "recompute", not "cached"; "when it can't improve it goes down" denies "improve", not "goes down".
SCOPE_BREAKS = frozenset(
    "so because since which that and but while whereas although though then if when it they we i you he "
    "she this these those".split())
# Words that make a short list item a relation rather than a bare term ("times kv heads").
RELATION_WORDS = frozenset("times plus minus over divided per of by with to for from into than versus vs".split())
_PUNCTUATION = re.compile(r"[,;:()\[\]]")
_BIG_O = re.compile(r"\b[oO]\([^()]{1,24}\)")


def _segments(text: str) -> list[str]:
    """The text cut at punctuation (each piece its own negation scope), except inside big-O
    notation: "O(n log n)" is one expression, not a bracketed aside."""
    pieces, start = [], 0
    for match in _BIG_O.finditer(text):
        pieces.append(text[start:match.start()])
        pieces.append(match.group(0))
        start = match.end()
    pieces.append(text[start:])
    segments = [""]
    for number, piece in enumerate(pieces):
        if number % 2:
            segments[-1] += piece
        else:
            first, *rest = _PUNCTUATION.split(piece)
            segments[-1] += first
            segments.extend(rest)
    return segments


def read_sentence(sentence: str) -> Sentence:
    """Tokens of every clause, in order, with their clause, negation scope and list slot; the
    sentence makes a claim when some clause does."""
    words: list[str] = []
    clause_of: list[int] = []
    scope_of: list[int] = []
    slot_of: list[int] = []
    scope = 0
    found = clauses(whole_numbers(sentence))  # "10,000" is one figure, not a comma between two
    for number, clause in enumerate(found):
        pieces = ([(item, _is_keyword(item)) for item in clause.items] if clause.is_list else
                  [(tuple(tokens(seg)), False) for seg in _segments(clause.text)])
        for item, keyword in pieces:
            scope += 1
            for word in item:
                if word in SCOPE_BREAKS or word.partition("'")[0] in SCOPE_BREAKS:  # "I'd", "it's"
                    scope += 1
                words.append(word)
                clause_of.append(number)
                scope_of.append(scope)
                slot_of.append(number if keyword else -1)
    return Sentence(sentence, tuple(words), tuple(clause_of), tuple(scope_of), tuple(slot_of),
                    tuple(c.text for c in found), any(c.claim for c in found))


def _is_keyword(item: tuple[str, ...]) -> bool:
    """A bare term of a list: short, and nothing in it relates it to anything. Nouns that double as
    verbs ("reference count", "control block") do not make a claim; an auxiliary ("is", "can") does."""
    lang = language()
    return len(item) <= LIST_ITEM_WORDS and not any(
        w in RELATION_WORDS or w in AUXILIARIES or lang.is_negation(w) for w in item)


AUXILIARIES = frozenset(
    "is are was were be been being am has have had does do did can could will would should may might must "
    "shall".split())


NEGATION_REACH = 4  # a negation word denies the first key term at most this many words after it
