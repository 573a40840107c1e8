"""The words the fit check compares: stems of content words, with degrees spelled one way.

Requirement lines and resume lines are reduced to the same kind of token so "recommender systems"
meets "recommendation model" and "M.S." meets "MS". What counts as filler, how degrees are spelled
and which resume headings hold evidence are data (knowledge/fit/vocabulary.yaml), not lists here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.core.lexical import STOPWORDS
from bot.core.text import words as text_words

VOCABULARY_FILE = Path(__file__).resolve().parents[3] / "knowledge" / "fit" / "vocabulary.yaml"
YEAR = re.compile(r"\b(?:19|20)\d\d\b")


@dataclass(frozen=True)
class Vocabulary:
    filler: frozenset[str]
    degree_of: dict[str, str]  # spelling without dots -> bachelor | master | phd
    example_markers: tuple[str, ...]
    evidence_headings: frozenset[str]
    listing_headings: frozenset[str]
    listing_labels: frozenset[str]
    abbreviations: tuple[tuple[str, tuple[str, ...]], ...]  # (abbreviation stem, stems of its words)


@cache
def vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    degree_of = {spelling: kind for kind, spellings in data["degrees"].items() for spelling in spellings}
    return Vocabulary(
        filler=frozenset(data["filler"].split()),
        degree_of=degree_of,
        example_markers=tuple(data["example_markers"]),
        evidence_headings=frozenset(data["sections"]["evidence"].split()),
        listing_headings=frozenset(data["sections"]["listing"].split()),
        listing_labels=frozenset(data["listing_labels"].split()),
        abbreviations=tuple((abbr, tuple(_plain_stem(w) for w in words.split()))
                            for abbr, words in data["abbreviations"].items()),
    )


@cache
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def _plain_stem(word: str) -> str:
    """Snowball, except agent nouns in -eer keep their ending ('engineer' is not 'engine')."""
    if word.endswith(("eer", "eers")):
        return word.removesuffix("s")
    return _stemmer().stemWord(word)


@cache
def stem(word: str) -> str:
    """One word's stem; degree spellings become their kind (bachelor/master/phd)."""
    bare = word.replace(".", "")
    kind = vocabulary().degree_of.get(bare)
    if kind:
        return kind
    if not bare.isalpha():
        return bare
    return _plain_stem(bare)


def words(text: str) -> list[str]:
    """The words of `text` by the one tokenizer (bot/core/text.py), a "/" pair as its parts
    ('two-tower' -> two, tower; 'CV/NLP' -> cv, nlp; 'Ph.D.' -> ph.d; 'C++' stays whole)."""
    return text_words(text, parts=True)


def content_stems(text: str) -> list[str]:
    """Stems of the words that name things, in order and without repeats (no stopwords, no filler)."""
    vocab = vocabulary()
    seen: dict[str, None] = {}
    for word in words(text):
        if word in STOPWORDS or word in vocab.filler or word.replace(".", "") in vocab.filler or "'" in word:
            continue  # a contraction ("you'll", "didn't") never names what a requirement asks for
        if word.isdigit() and not YEAR.fullmatch(word):
            continue
        if len(word) == 1 and word not in {"c", "r"}:
            continue
        seen.setdefault(stem(word), None)
    return list(seen)


def stems_of_line(text: str) -> frozenset[str]:
    """Every stem of a line (filler included: a resume line may use any word), with each
    abbreviation and its spelled-out words standing for each other ('ML' = 'machine learning')."""
    found = {stem(word) for word in words(text)}
    for abbr, spelled in vocabulary().abbreviations:
        if abbr in found:
            found.update(spelled)
        elif all(part in found for part in spelled):
            found.add(abbr)
    return frozenset(found)


def stem_matches(wanted: str, present: frozenset[str]) -> bool:
    """Exact stem, or a shared prefix of 6+ letters ('classif' / 'classifi')."""
    if wanted in present:
        return True
    if len(wanted) < 6:
        return False
    return any(len(other) >= 6 and (other.startswith(wanted) or wanted.startswith(other)) for other in present)
