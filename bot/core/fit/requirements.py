"""A requirement line as groups of terms that must all be shown, each group a set of alternatives.

"Strong Python and deep experience with JAX or PyTorch" needs Python AND (JAX OR PyTorch);
"Spark or another distributed data processing framework" needs one of two phrases; examples in
parentheses or after "such as" are further ways to satisfy the phrase they illustrate ("vector
search libraries such as Faiss": a line naming Faiss shows it). A phrase that is all filler ("or
a related field") makes its group optional, which is what such a phrase means.

Words weigh by how rare they are in English (wordfreq): "recommender" says more than "systems",
so a line about a "recommendation model" covers "recommender systems" while one about "systems"
does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.core.fit.vocab import YEAR, content_stems, stem, stem_matches, vocabulary, words
from bot.core.postings import Posting, PostingLine

REQUIREMENT_SECTIONS = {"minimum_qualifications": "minimum", "preferred_qualifications": "preferred"}
# Fields whose evidence lines are logistics (pay, dates, place), not something a candidate shows.
LOGISTICS_FIELDS = ("pay", "duration", "start_dates", "locations", "work_mode", "employment_type",
                    "application_limit")
MAX_REQUIREMENT_WORDS = 45
PHRASE_COVERAGE = 0.6  # share of a phrase's weight a line must name
STRONG_WORD = 2.0  # a phrase is never shown by common words alone ("first", "new", "open")
DEGREE_OR_YEAR_WEIGHT = 4.0
_BOUNDARY = re.compile(r";|,?\s+and\s+|\s+in\s+|\s+with\s+|\s*&\s*")
_EXAMPLE = re.compile(r"<ex(\d+)>")


@dataclass(frozen=True)
class Phrase:
    terms: tuple[tuple[str, float], ...]  # (stem, weight)

    @property
    def weight(self) -> float:
        return sum(w for _, w in self.terms)

    def covered_by(self, stems: frozenset[str]) -> bool:
        hit = [w for s, w in self.terms if stem_matches(s, stems)]
        return bool(hit) and max(hit) >= min(STRONG_WORD, max(w for _, w in self.terms)) \
            and sum(hit) >= PHRASE_COVERAGE * self.weight


@dataclass(frozen=True)
class Group:
    """Alternatives: a line showing any one phrase shows the group."""

    phrases: tuple[Phrase, ...]

    @property
    def weight(self) -> float:
        return max(p.weight for p in self.phrases)

    def covered_by(self, stems: frozenset[str]) -> bool:
        return any(p.covered_by(stems) for p in self.phrases)


@dataclass(frozen=True)
class Requirement:
    kind: str  # minimum | preferred
    line: PostingLine
    groups: tuple[Group, ...]


def posting_requirements(posting: Posting) -> list[Requirement]:
    """Every requirement line of the posting's minimum and preferred sections, in posting order."""
    logistics = {id(line) for name in LOGISTICS_FIELDS for line in posting.evidence.get(name, [])}
    logistics_keys = {(line.text, line.line_no) for name in LOGISTICS_FIELDS for line in posting.evidence.get(name, [])}
    found: list[Requirement] = []
    for section, kind in REQUIREMENT_SECTIONS.items():
        lines = [line for line in posting.section_lines(section) if line.kind != "header"]
        has_bullets = sum(1 for line in lines if line.kind == "bullet") >= 2
        for line in lines:
            if id(line) in logistics or (line.text, line.line_no) in logistics_keys:
                continue
            if has_bullets and line.kind != "bullet":
                continue  # a paragraph among bullets is a note (equal opportunity, process), not a requirement
            if line.text.rstrip().endswith((":", "?")):
                continue
            if len(line.text.split()) > MAX_REQUIREMENT_WORDS:
                continue
            groups = parse_requirement(line.text)
            if groups:
                found.append(Requirement(kind, line, groups))
    return found


@cache
def parse_requirement(text: str) -> tuple[Group, ...]:
    """The groups a line needs (all of them), each a set of alternative phrases."""
    lowered = " " + re.sub(r"^(?:[•*-]|o)\s+", "", text.lower().strip()) + " "
    examples: list[str] = []

    def stash(match: re.Match[str]) -> str:
        examples.append(match.group(1))
        return f" <ex{len(examples) - 1}> "

    lowered = re.sub(r"\(([^)]*)\)", stash, lowered)
    head, colon, tail = lowered.partition(":")
    if colon and len(head.split()) <= 8 and tail.strip():
        lowered = tail  # "Understanding of core ML: classification, embeddings, ..." asks for the list
    markers = "|".join(re.escape(m) for m in vocabulary().example_markers)
    marker = re.search(rf"\s(?:{markers})\s", lowered)
    if marker:
        examples.append(lowered[marker.end():])
        lowered = lowered[: marker.start()] + f" <ex{len(examples) - 1}> "
    groups: list[Group] = []
    for chunk in _BOUNDARY.split(lowered):
        attached = [examples[int(n)] for n in _EXAMPLE.findall(chunk)]
        chunk = _EXAMPLE.sub(" ", chunk)
        pieces = re.split(r",|\s+or\s+|/", chunk) if re.search(r"\sor\s|/", chunk) else chunk.split(",")
        alternatives = bool(re.search(r"\sor\s|/", chunk))
        phrases = [_phrase(piece) for piece in pieces if piece.strip()]
        extra = [_phrase(item) for example in attached for item in re.split(r",|\s+or\s+|\s+and\s+|/", example)]
        extra = [p for p in extra if p is not None]
        if alternatives:
            if any(p is None for p in phrases):
                continue  # "... or a related field": any field will do
            groups.append(Group(tuple(phrases) + tuple(extra)))  # type: ignore[arg-type]
            continue
        real = [p for p in phrases if p is not None]
        if not real and extra:
            if groups:  # examples of the previous group ("Understanding of core ML: classification, ...")
                groups[-1] = Group(groups[-1].phrases + tuple(extra))
            else:
                groups.append(Group(tuple(extra)))
            continue
        for number, phrase in enumerate(real):
            alts = (phrase, *extra) if number == len(real) - 1 else (phrase,)
            groups.append(Group(alts))
    return tuple(groups)


def _phrase(text: str) -> Phrase | None:
    stems = content_stems(text)
    if not stems:
        return None
    weights: dict[str, float] = {}
    for word in words(text):
        key = stem(word)
        if key in stems and key not in weights:
            weights[key] = _weight(word, key)
    return Phrase(tuple((s, weights.get(s, 1.0)) for s in stems))


@cache
def _weight(word: str, key: str) -> float:
    """Rarer words say more about what is asked: 7 - Zipf frequency, between 1 and 6."""
    if key in ("bachelor", "master", "phd") or YEAR.fullmatch(word):
        return DEGREE_OR_YEAR_WEIGHT
    from wordfreq import zipf_frequency

    return min(6.0, max(1.0, 7.0 - zipf_frequency(word.replace(".", ""), "en")))
