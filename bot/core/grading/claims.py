"""An answer as claims: sentences, their clauses, and whether each clause asserts anything.

A key point is credited only by a clause that *states* it, so the answer is cut where one claim
ends and another begins ("L1 is a Gaussian prior and L2 is a uniform prior" is two claims), and a
bare list of terms ("bias, variance, L1, L2, dropout") is recognised as making no claim at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.grading.language import language, tokens

MAX_WORDS_ANALYSED = 600  # about four minutes of speech; the rest of a longer answer is not read
MAX_UNITS = 64  # sentences read per answer (keeps a 10,000-character answer fast)
MIN_UNIT_WORDS = 3  # a key point is a claim: one or two words cannot state one
LIST_ITEM_WORDS = 3  # a list item is at most this many words...
LIST_SHARE = 0.6  # ...and a clause is a list when this share of its 3+ parts are such items
FUNCTION_WORDS = frozenset(
    "the a an to of by so that it this which than because when if then we i you they their its each every "
    "our my since".split())

_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|vs|approx|cf)\.", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*|\s+[-*•]\s+|\s+\d+[.)]\s+")
# Where a new claim may start: after ";" or ":", or at a coordinating word (the right side must
# then make a claim of its own, see `clauses`).
_BOUNDARY = re.compile(r"\s*[;:]\s+|,?\s+(?=(?:and|but|whereas|while|although|though|yet|or)\s)", re.I)
_LIST_SPLIT = re.compile(r"\s*(?:,|/|;|\band\b|\bor\b)\s*", re.I)


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
    claim = _has_verb(words) or sum(w in FUNCTION_WORDS for w in words) >= 2
    return Clause(text, sentence, tuple(words), claim and not (items and not _has_verb(words)), items)


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
    """A sentence as the grader reads it: its tokens, which clause each token is in, and which tokens
    can state anything (words inside a bare list of terms cannot)."""

    text: str
    words: tuple[str, ...]
    clause_of: tuple[int, ...]
    usable: tuple[bool, ...]
    clause_texts: tuple[str, ...]
    claim: bool

    def clause_text(self, position: int) -> str:
        return self.clause_texts[self.clause_of[position]] if self.clause_texts else self.text


def read_sentence(sentence: str) -> Sentence:
    """Tokens of every clause, in order. A listed clause's words are unusable unless its item has a
    verb of its own; the sentence makes a claim when some clause does."""
    words: list[str] = []
    clause_of: list[int] = []
    usable: list[bool] = []
    texts = []
    for number, clause in enumerate(_all_clauses(sentence)):
        texts.append(clause.text)
        ok_items = {i for i, item in enumerate(clause.items) if _has_verb(list(item))}
        if clause.is_list:
            for i, item in enumerate(clause.items):
                words.extend(item)
                clause_of.extend([number] * len(item))
                usable.extend([i in ok_items] * len(item))
        else:
            words.extend(clause.words)
            clause_of.extend([number] * len(clause.words))
            usable.extend([clause.claim] * len(clause.words))
    return Sentence(sentence, tuple(words), tuple(clause_of), tuple(usable), tuple(texts), any(usable))


def _all_clauses(sentence: str) -> list[Clause]:
    """Every piece between boundaries, even verbless ones (for negation scope and list spotting),
    except that a piece joins the one before when it has no verb and is not part of a list."""
    return clauses(sentence)


NEGATION_REACH = 5  # a negation word denies what starts within this many words after it


def negated(position: int, sentence: Sentence, consumed: set[int]) -> bool:
    """Whether a negation word shortly before `position`, in the same clause, denies it."""
    lang = language()
    clause = sentence.clause_of[position]
    for i in range(max(0, position - NEGATION_REACH), position):
        if i not in consumed and sentence.clause_of[i] == clause and lang.is_negation(sentence.words[i]):
            return True
    return False
