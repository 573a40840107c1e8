"""What a key point's own sentence implies beyond its key terms, and sentences that turn it round.

Key terms are written per point by a person and often name the point's topic words rather than its
crux; a fluent wrong answer then says the point in its own words with the crux turned round ("more
data *increases* variance", "alpha 0.1", "an online store for training"). The point's own text says
which way each idea goes, which figures it gives and which side of a pair goes with which idea, so
these are read from the point (with the words of knowledge/grading/language.yaml) and a sentence
that holds every key-term group but says one of them the other way is contradicted:
- implied directions: a direction word next to a term ("*reduces* variance");
- loose directions: a direction about something the terms do not name ("*more* expensive");
- swapped pairs: both sides of a pair, each next to the other side's idea;
- figures: a number or big-O next to an idea replaced by another.
Measured with tests/core/test_grading_audit.py (docs/grading.md); each rule has a test in
tests/core/test_grading_rules.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core.grading.language import language
from bot.core.grading.terms import Group, GroupMatch, KeyTerms, Plain
from bot.core.text import STOPWORDS

if TYPE_CHECKING:
    from bot.core.grading.claims import Sentence


@dataclass(frozen=True)
class Implied:
    """What one key point's text implies (see the module docstring)."""

    ways: dict[int, int] = field(default_factory=dict)
    loose: dict[int, tuple[int, frozenset[str]]] = field(default_factory=dict)
    pairs: dict[int, tuple[int, int]] = field(default_factory=dict)
    figures: frozenset[str] = frozenset()
    placed: dict[int, frozenset[str]] = field(default_factory=dict)
    partners: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, terms: KeyTerms, point: Plain) -> Implied:
        matches = terms.match(point)
        figures = frozenset(w for w in point.words if _is_figure(w))
        return cls(implied_directions(terms, point, matches), loose_directions(point, matches),
                   paired_sides(point, matches), figures, figures_near(point, matches) if figures else {},
                   rival_partners(terms, point, matches))

    def turned_round(self, terms: KeyTerms, sentence: Sentence, matches: list[GroupMatch]) -> bool:
        """The sentence, which holds every group of the point, says one of the point's ideas the
        other way round."""
        return bool(
            (self.ways and _goes_the_other_way(self.ways, direction_words(terms, sentence, matches, self.ways)))
            or (self.loose and _turned_round(self.loose, sentence))
            or (self.pairs and _pair_swapped(self.pairs, sentence, matches))
            or (self.partners and _partners_swapped(self.partners, terms, sentence, matches))
            or (self.figures and (_other_figure(self.figures, sentence, matches)
                                  or _figure_replaced(self.placed, self.figures, sentence, matches))))


DIRECTION_REACH = 2  # a direction word this close to a term, in its clause, says which way the term goes


def implied_directions(terms: KeyTerms, text: Sentence | Plain, matches: list[GroupMatch],
                       only: dict[int, int] | None = None) -> dict[int, int]:
    """The side of each idea's direction (see `direction_words`)."""
    return {k: side for k, (side, _) in direction_words(terms, text, matches, only).items()}


def direction_words(terms: KeyTerms, text: Sentence | Plain, matches: list[GroupMatch],
                    only: dict[int, int] | None = None) -> dict[int, tuple[int, int]]:
    """Which way the text says each idea goes, for groups whose terms carry no relation of their own:
    +1 or -1 from the direction word nearest one of the group's terms (within DIRECTION_REACH words, in
    its clause, not part of another group's term). The key point's own text gives the point's way
    ("more data *reduces* variance"): the implied relations of a point nobody wrote a `~` for."""
    direction = language().direction
    taken = {k: [span for span in g.spans] for k, g in enumerate(matches)}
    found: dict[int, tuple[int, int]] = {}
    for k, spans in taken.items():
        if terms.groups[k].relation or (only is not None and k not in only):
            continue
        others = [span for j, sp in taken.items() if j != k for span in sp + list(matches[j].bound)]
        best: tuple[int, int, int] | None = None
        for a, b in spans:
            for i in range(max(0, a - DIRECTION_REACH - 1), min(len(text.words), b + DIRECTION_REACH + 1)):
                side = direction.get(text.words[i])
                if (side is None or text.clause_of[i] != text.clause_of[a]
                        or any(o[0] <= i < o[1] for o in others)):
                    continue
                distance = 0 if a <= i < b else (a - i - 1 if i < a else i - b)
                if best is None or distance < best[0]:
                    best = (distance, side, i)
        if best is not None:
            found[k] = (best[1], best[2])
    return found


def _goes_the_other_way(point: dict[int, int], said: dict[int, tuple[int, int]]) -> bool:
    """The sentence binds some idea the other way from the point. When every idea it binds is turned
    round by words of their own (two or more), it states the converse ("a *lower* threshold gives
    *lower* precision"), not a contradiction; one word turning two ideas ("downsampling *boosts*
    cost") is one turn."""
    turned = [k for k in said if said[k][0] != point[k]]
    kept = [k for k in said if said[k][0] == point[k]]
    return bool(turned) and (bool(kept) or len({said[k][1] for k in turned}) == 1)


def _is_figure(word: str) -> bool:
    """A number or a big-O expression ("0.05", "95", "o(nlogn)")."""
    return word.replace(".", "").isdigit() or (word.startswith("o(") and word.endswith(")"))


def _other_figure(figures: frozenset[str], text: Sentence, matches: list[GroupMatch]) -> bool:
    """The sentence states the point with figures of its own and none of the point's ("alpha 0.1"
    where the point says 0.05, "O(n^2)" where it says O(n)): a figure next to one of the point's terms
    (within DIRECTION_REACH words, in its clause) that the point does not give, and none it does."""
    said = [i for i, w in enumerate(text.words) if _is_figure(w)]
    if not said or any(text.words[i] in figures for i in said):
        return False
    spans = [span for g in matches for span in g.spans + g.bound]
    for i in said:
        kind = text.words[i].startswith("o(")
        if not any(f.startswith("o(") == kind and ("." in f) == ("." in text.words[i]) for f in figures):
            continue
        if any(text.clause_of[a] == text.clause_of[i] and -DIRECTION_REACH - 1 <= i - a and i - b <= DIRECTION_REACH
               for a, b in spans):
            return True
    return False


def loose_directions(text: Plain, matches: list[GroupMatch]) -> dict[int, tuple[int, frozenset[str]]]:
    """The directions a key point states about something its terms do not name ("copying is *more*
    expensive", "a *slower* version"): per direction row (language.yaml `directions`), the side the
    point's words take and the words they qualify (their content-word neighbours), for rows it uses
    on one side only and with no word near any of its terms (those are implied directions, bound to
    the term)."""
    lang = language()
    spans = [span for g in matches for span in g.spans + g.bound]
    sides: dict[int, set[int]] = {}
    qualified: dict[int, set[str]] = {}
    for i, word in enumerate(text.words):
        way = lang.sides.get(word)
        if way is None or way[0] not in lang.directional_rows:
            continue
        sides.setdefault(way[0], set()).add(way[1])
        qualified.setdefault(way[0], set()).update(_neighbours(text.words, i))
        if any(a - DIRECTION_REACH - 1 <= i < b + DIRECTION_REACH for a, b in spans):
            sides[way[0]].add(0)  # bound to a term: not loose
    return {row: (found.pop(), frozenset(qualified[row])) for row, found in sides.items() if len(found) == 1}


def _neighbours(words: tuple[str, ...], i: int) -> set[str]:
    """The content words right beside a direction word (what it says goes up or down), as stems."""
    lang = language()

    def content(w: str) -> bool:
        return w not in STOPWORDS and len(w) > 2 and lang.sides.get(w, (None,))[0] not in lang.directional_rows

    return {w[:STEM] for w in words[max(0, i - 1):i] + words[i + 1:i + 2] if content(w)}


STEM = 5  # "expensive"/"expense": a neighbour is compared by its first letters


def _turned_round(loose: dict[int, tuple[int, frozenset[str]]], text: Sentence) -> bool:
    """The sentence uses a loose direction of the point only the other way round, about the same
    thing ("*less* expensive" for "*more* expensive"; "scales the loss *up*" is not about "*small*
    gradients"). A direction qualifying nothing in the point ("the work I dropped") is turned round by
    any word of its row."""
    sides = language().sides
    said: dict[int, set[int]] = {}
    for i, word in enumerate(text.words):
        way = sides.get(word)
        if way is not None and way[0] in loose:
            side, qualified = loose[way[0]]
            if way[1] == side or not qualified or _neighbours(text.words, i) & qualified:
                said.setdefault(way[0], set()).add(way[1])
    return any(found == {-loose[row][0]} for row, found in said.items())


PAIR_REACH = 3  # a side of a pair this close to a term, in its clause, belongs to that term's idea


def paired_sides(text: Sentence | Plain, matches: list[GroupMatch]) -> dict[int, tuple[int, int]]:
    """For each pair the text names both sides of (language.yaml opposites rows that are not
    directions: training/serving, online/offline, encoder/decoder, before/after), the groups each side
    is next to: row -> (group of the first side, group of the second side), when they differ."""
    lang = language()
    near: dict[int, dict[int, set[int]]] = {}
    for i, word in enumerate(text.words):
        way = lang.sides.get(word)
        if way is None or way[0] in lang.directional_rows:
            continue
        groups = near.setdefault(way[0], {1: set(), -1: set()})[way[1]]
        best = None
        for k, group in enumerate(matches):
            for a, b in group.spans:
                distance = 0 if a <= i < b else (a - i - 1 if i < a else i - b)
                if text.clause_of[a] != text.clause_of[i] or distance > PAIR_REACH:
                    continue
                if best is None or distance < best[0]:
                    best = (distance, k)
        groups.add(-1 if best is None else best[1])
    found = {}
    for row, by_side in near.items():
        first, second = by_side[1], by_side[-1]
        if len(first) == 1 and len(second) == 1 and first != second and -1 not in first | second:
            found[row] = (next(iter(first)), next(iter(second)))
    return found


def _pair_swapped(pairs: dict[int, tuple[int, int]], text: Sentence, matches: list[GroupMatch]) -> bool:
    """The sentence names both sides of a pair of the point, each next to the idea the point puts the
    other side next to ("an online store for training and an offline store for inference")."""
    said = paired_sides(text, matches)
    return any(said.get(row) == (second, first) for row, (first, second) in pairs.items())


def rival_partners(terms: KeyTerms, text: Sentence | Plain, matches: list[GroupMatch]
                   ) -> dict[tuple[int, int], tuple[int, int]]:
    """For two groups that are each other's wrong alternative (`fp16 ! fp32` and `fp32 ! fp16`: the two
    sides the point compares), the other group each side is next to: (side, side) -> (its idea, its
    idea), when they differ ("matmuls run in *fp16*, while softmax ... runs in *fp32*")."""
    found = {}
    for x, y in _rival_groups(terms):
        near_x, near_y = _nearest_group(text, matches, x, (x, y)), _nearest_group(text, matches, y, (x, y))
        if near_x is not None and near_y is not None and near_x != near_y:
            found[(x, y)] = (near_x, near_y)
    return found


def _rival_groups(terms: KeyTerms) -> list[tuple[int, int]]:
    """Groups naming the two sides of one comparison: one lists the other as its wrong alternative, or
    both name a figure of one kind ("fp16" / "fp32", "O(log n)" / "O(1)")."""
    groups = terms.groups
    return [(x, y) for x in range(len(groups)) for y in range(x + 1, len(groups))
            if set(groups[x].contrary) & set(groups[y].terms) or set(groups[y].contrary) & set(groups[x].terms)
            or _kinds(groups[x]) & _kinds(groups[y])]


def _kinds(group: Group) -> frozenset[str]:
    """The figure kinds a group names: "fp16" -> "fp#", "O(log n)" -> "o(" (a bare number is no kind: two
    numbers are compared as figures, not as sides)."""
    kinds = set()
    for term in group.terms:
        for word in term:
            if word.startswith("o(") and word.endswith(")"):
                kinds.add("o(")
            elif any(c.isdigit() for c in word) and any(c.isalpha() for c in word):
                kinds.add(re.sub(r"\d+", "#", word))
    return frozenset(kinds)


def _nearest_group(text: Sentence | Plain, matches: list[GroupMatch], side: int, skip: tuple[int, ...]) -> int | None:
    """The group whose terms sit nearest the side's terms, within PAIR_REACH words in their clause."""
    best: tuple[int, int] | None = None
    for a, b in matches[side].spans:
        for k, group in enumerate(matches):
            if k in skip:
                continue
            for c, d in group.spans:
                distance = max(c - b, a - d, 0)
                if text.clause_of[a] == text.clause_of[c] and distance <= PAIR_REACH \
                        and (best is None or distance < best[0]):
                    best = (distance, k)
    return None if best is None else best[1]


def _partners_swapped(partners: dict[tuple[int, int], tuple[int, int]], terms: KeyTerms, text: Sentence,
                      matches: list[GroupMatch]) -> bool:
    """The sentence puts each side the point compares next to the other side's idea ("everything goes
    to *fp16*, *softmax* included; only the *matmuls* stay in *fp32*")."""
    said = rival_partners(terms, text, matches)
    return any(said.get(sides) == (near_y, near_x) for sides, (near_x, near_y) in partners.items())


FIGURE_REACH = 4  # a figure this close to a term, in its clause, is that idea's ("500 comparisons at alpha 0.05")


def figures_near(text: Sentence | Plain, matches: list[GroupMatch]) -> dict[int, frozenset[str]]:
    """Per group, the figure nearest its terms, within FIGURE_REACH words in their clause ("alpha
    *0.05*"); the nearest only, so the figure of the next idea ("and *80* percent power") is not taken."""
    found = {}
    for k, group in enumerate(matches):
        best: tuple[int, str] | None = None
        for a, b in group.spans:
            for i in range(max(0, a - FIGURE_REACH - 1), min(len(text.words), b + FIGURE_REACH + 1)):
                if not _is_figure(text.words[i]) or text.clause_of[i] != text.clause_of[a]:
                    continue
                distance = 0 if a <= i < b else (a - i - 1 if i < a else i - b)
                if best is None or distance < best[0]:
                    best = (distance, text.words[i])
        if best is not None:
            found[k] = frozenset((best[1],))
    return found


def _figure_replaced(placed: dict[int, frozenset[str]], figures: frozenset[str], text: Sentence,
                     matches: list[GroupMatch]) -> bool:
    """An idea the point gives a figure for ("alpha 0.05") has another figure of the same kind next to
    it in the sentence ("alpha 0.1") and not the point's: the point with its number changed."""
    for k, said in figures_near(text, matches).items():
        own = placed.get(k)
        if not own or said & own:
            continue
        if any(f not in figures and any(_same_figure_kind(f, o) for o in own) for f in said):
            return True
    return False


def _same_figure_kind(a: str, b: str) -> bool:
    return a.startswith("o(") == b.startswith("o(") and ("." in a) == ("." in b)
