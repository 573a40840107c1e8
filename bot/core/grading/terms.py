"""Key terms: what a key point is about, written per point by a person in the question bank.

A key point's terms are groups separated by ";", each group the synonyms of one idea separated by
"|", optionally followed by "!" and wrong alternatives a candidate might say instead:

    "in-batch | batch negatives; popular | frequen; penaliz | pushed down | under-scor"
    "l1 | lasso; laplace | double exponential ! gaussian | normal"

A group may also bind an idea to a relation with "~": "bias ~ lower" is found when "bias" appears and
the relation word nearest to it in its clause is "lower" or a word on its side of the opposites
table ("reduces", "drops", "cuts"); when the
nearest is an opposite ("raises", "up", from knowledge/grading/language.yaml) or a wrong alternative,
the group is *contradicted*. A plain group is contradicted when it is absent but its opposite is
there: a wrong alternative, the same term with a relation word flipped ("more stable" -> "less
stable"), or a different number where the point gives one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Protocol

from bot.core.grading.language import language, tokens

MIN_PREFIX = 5  # a term word this long also matches words it begins ("penaliz" -> "penalizes")
MIN_STEMMED = 5  # a term word this long also matches other inflections of it
_SUFFIXES = ("s", "es", "ed", "d", "ing", "er", "ers")
_VERB_ENDINGS = ("ing", "ed", "es", "s")
Term = tuple[str, ...]
Span = tuple[int, int]


class KeyTermsError(ValueError):
    """A key-terms string that cannot be parsed (the bank loader reports it with the question id)."""


class Readable(Protocol):
    """What terms are matched against (a `claims.Sentence`, or any tokens)."""

    words: tuple[str, ...]
    usable: tuple[bool, ...]
    clause_of: tuple[int, ...]
    scope_of: tuple[int, ...]


@dataclass(frozen=True)
class Plain:
    """Plain tokens, all usable, one clause: for matching a key point's own text."""

    words: tuple[str, ...]

    @property
    def usable(self) -> tuple[bool, ...]:
        return (True,) * len(self.words)

    @property
    def clause_of(self) -> tuple[int, ...]:
        return (0,) * len(self.words)

    @property
    def scope_of(self) -> tuple[int, ...]:
        from bot.core.grading.claims import SCOPE_BREAKS

        scopes, scope = [], 0
        for word in self.words:
            scope += word in SCOPE_BREAKS
            scopes.append(scope)
        return tuple(scopes)


@dataclass(frozen=True)
class Group:
    """One idea of a key point: its synonyms, an optional bound relation, and its opposites."""

    terms: tuple[Term, ...]
    relation: tuple[Term, ...] = ()
    contrary: tuple[Term, ...] = ()

    @property
    def numbers(self) -> frozenset[str]:
        return frozenset(w for term in self.terms for w in term if _is_number(w))


@dataclass(frozen=True)
class GroupMatch:
    """Where a group was found (token spans), or where its opposite was."""

    spans: tuple[Span, ...] = ()
    flipped: tuple[Span, ...] = ()
    bound: tuple[Span, ...] = ()  # the relation words a relation group was decided by
    anchored: bool = False  # the group's own term is there (a flipped relation group)
    opposed: tuple[Span, ...] = ()  # a found relation group's heads bound the other way ("small C")

    @property
    def found(self) -> bool:
        return bool(self.spans)


@dataclass(frozen=True)
class KeyTerms:
    groups: tuple[Group, ...]
    source: str = ""

    def match(self, text: Readable) -> list[GroupMatch]:
        """Each group's occurrences in `text`, or its opposite's. A relation word right before
        another group's term modifies that term ("more complex"), so it is not read as this group's."""
        heads = [_find_all(group.terms, text) for group in self.groups]
        related = [k for k, g in enumerate(self.groups) if g.relation]
        return [_match_group(group, text, heads[k], [h for j, hs in enumerate(heads) if j != k for h in hs],
                             [h for j in related if j != k for h in heads[j]])
                for k, group in enumerate(self.groups)]

    def rivals(self, text: Readable, matches: list[GroupMatch], agreeing: tuple[Span, ...] = (),
               apart: bool = True) -> frozenset[int]:
        """Groups whose other side the text also names (recall beside precision, L2 beside L1): then
        which idea a word belongs to must be read clause by clause. `agreeing`: opposites a negation
        turns into agreement ("we don't recompute them"), which are not the other side. `apart`: only
        when the two sides sit in different clauses (else any mention of the other side counts)."""
        taken = [span for g in matches for span in g.spans + g.bound] + list(agreeing)
        taken += [span for group in self.groups for span in _find_all(group.terms, text)]
        found = set()
        for k, group in enumerate(self.groups):
            if apart and matches[k].found and _opposed_apart(matches[k], text):
                found.add(k)  # "large C overfits, while small C ...": the idea bound both ways, clause by clause
                continue
            other = [span for span in _find_all(_contrary_terms(group.terms, group.contrary), text)
                     if not any(_overlap(span, t) for t in taken)]
            if not other:
                continue
            own_clauses = {text.clause_of[a] for a, _ in _find_all(group.terms, text)}
            other_clauses = {text.clause_of[a] for a, _ in other}
            # The two sides sit in different clauses ("precision is X, and recall is Y"); when every
            # clause naming the other side also names this one, no clause is about the other side alone.
            if not apart or not own_clauses or (other_clauses - own_clauses and own_clauses - other_clauses):
                found.add(k)
        return frozenset(found)


def parse_key_terms(text: str) -> KeyTerms:
    """Parse the bank's key-terms string; raises KeyTermsError naming what is wrong."""
    groups = []
    for raw_group in text.split(";"):
        if not raw_group.strip():
            raise KeyTermsError(f"an empty group in '{text}'")
        said, _, wrong = raw_group.partition("!")
        head, _, relation = said.partition("~")
        terms = _terms(head)
        if not terms:
            raise KeyTermsError(f"a group with no terms in '{text}'")
        if "~" in said and not _terms(relation):
            raise KeyTermsError(f"'~' with no relation words after it in '{text}'")
        groups.append(Group(terms, _terms(relation), _terms(wrong)))
    return KeyTerms(tuple(groups), text)


def _terms(text: str) -> tuple[Term, ...]:
    return tuple(t for t in (tuple(tokens(s)) for s in text.split("|")) if t)


@cache
def cached_key_terms(text: str) -> KeyTerms:
    return parse_key_terms(text)


def word_matches(term_word: str, token: str) -> bool:
    """A term word matches a token equal to it or an inflection of it ("sum" -> "summing", "use" ->
    "using"), or (when long) a token it begins."""
    if token == term_word:
        return True
    if _is_number(term_word):
        return False
    if len(term_word) >= MIN_PREFIX and token.startswith(term_word):
        return True
    if token in _inflections(term_word):
        return True
    # Another inflection of the same word ("depends" -> "depending", "squeezes" -> "squeezing"); a bare
    # form is not widened ("parameters" stays plural, "biased" is not "bias": terms are written that way).
    base = _inflected_base(term_word)
    return len(term_word) >= MIN_STEMMED and base is not None and base == _inflected_base(token)


@cache
def _inflected_base(word: str) -> str | None:
    """The word without its inflection ("depending" -> "depend", "squeezes" -> "squeez"), or None for a
    word with none."""
    for ending in _VERB_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3 and word.isalpha() and not word.endswith("ss"):
            return word[: -len(ending)].removesuffix("e")
    return None


@cache
def _inflections(word: str) -> frozenset[str]:
    forms = {word + s for s in _SUFFIXES}
    if word[-1:].isalpha():
        forms.update(word + word[-1] + s for s in ("ing", "ed", "er"))  # sum -> summing
    if word.endswith("e"):
        forms.update(word[:-1] + s for s in ("ing", "ed", "er"))  # use -> using
    if word.endswith("y"):
        forms.update({word[:-1] + "ies", word[:-1] + "ied"})
    if word.endswith("er") and len(word) > 4:
        forms.add(word[:-2] + "est")  # larger -> largest, bigger -> biggest
    return frozenset(forms)


ARTICLES = frozenset(("a", "an", "the"))
# Adverbs a multi-word term is also found across ("vision encoder *still* stays frozen").
INSERTABLE = ARTICLES | frozenset(("still", "also", "really", "actually", "just", "even", "very", "quite", "usually",
                                   "typically", "always", "then"))


def find_term(term: Term, text: Readable) -> list[Span]:
    """Every (start, end) where the term's words appear in order in usable tokens, consecutively
    except for articles ("without centering" is found in "without the centering")."""
    words, usable = text.words, text.usable
    found = []
    for i in range(len(words)):
        j = i
        for k, term_word in enumerate(term):
            while k and j < len(words) and words[j] in INSERTABLE and term_word not in INSERTABLE:
                j += 1
            if j >= len(words) or not usable[j] or not word_matches(term_word, words[j]):
                break
            j += 1
        else:
            found.append((i, j))
    return found


def _find_all(terms: tuple[Term, ...], text: Readable) -> list[Span]:
    return [span for term in terms for span in find_term(term, text)]


def _match_group(group: Group, text: Readable, spans: list[Span], others: list[Span], rival_heads: list[Span]
                 ) -> GroupMatch:
    if group.relation:
        return _bind(group, spans, text, others, rival_heads) if spans else GroupMatch()
    if spans:
        return GroupMatch(tuple(spans))
    # An opposite inside another group's term is that term ("per item" is not "user" flipped).
    flipped = [f for f in _find_all(_contrary_terms(group.terms, group.contrary), text)
               if not any(_overlap(f, o) for o in others)]
    numbers = group.numbers
    if numbers and not flipped:
        flipped = [(i, i + 1) for i, w in enumerate(text.words) if text.usable[i] and _is_number(w)
                   and w not in numbers and _same_kind(w, numbers)]
    return GroupMatch((), tuple(flipped))


def _bind(group: Group, heads: list[Span], text: Readable, others: list[Span], rival_heads: list[Span]
          ) -> GroupMatch:
    """A relation group: the relation word nearest a head occurrence in its clause decides. A relation
    word nearer another relation group's idea belongs to that idea ("raising the threshold buys
    precision": "raising" is the threshold's, not precision's)."""
    relation = _alike_terms(group.relation)
    said = [(span, True) for span in _find_all(relation, text)]
    opposite = [(span, False) for span in _find_all(_contrary_terms(relation, group.contrary), text)]
    # A relation word inside the idea's own term ("higher training error") binds to it.
    inside = [(c, h) for c in said for h in heads if h[0] <= c[0][0] and c[0][1] <= h[1]]
    if inside:
        return GroupMatch(tuple(h for _, h in inside), bound=tuple(c[0] for c, _ in inside))
    candidates = [c for c in said + opposite if not any(_overlap(c[0], h) for h in heads)
                  and not any(_overlap(c[0], o) or c[0][1] == o[0] for o in others)
                  and not _nearer_rival(c[0], heads, rival_heads, text)]
    found, flipped = [], []
    for head in heads:
        clause = text.clause_of[head[0]]
        near = [c for c in candidates if text.clause_of[c[0][0]] == clause]
        if not near:
            continue
        (span, agrees) = min(near, key=lambda c: (_distance(c[0], head), c[1]))  # ties: the opposite
        (found if agrees else flipped).append(head + span)
    if found:
        return GroupMatch(tuple((s[0], s[1]) for s in found), bound=tuple((s[2], s[3]) for s in found),
                          opposed=tuple((s[0], s[1]) for s in flipped))
    return GroupMatch((), tuple((s[0], s[1]) for s in flipped), tuple((s[2], s[3]) for s in flipped),
                      anchored=bool(flipped))


def _opposed_apart(match: GroupMatch, text: Readable) -> bool:
    """A relation group bound one way in some clauses and the other way in others ("large C ...,
    while small C ..."): which way the sentence says it must be read clause by clause."""
    agree = {text.clause_of[a] for a, _ in match.spans}
    oppose = {text.clause_of[a] for a, _ in match.opposed}
    return bool(oppose - agree) and bool(agree)


def _nearer_rival(span: Span, heads: list[Span], rival_heads: list[Span], text: Readable) -> bool:
    clause = text.clause_of[span[0]]
    own = [_distance(span, h) for h in heads if text.clause_of[h[0]] == clause]
    rival = [_distance(span, r) for r in rival_heads if text.clause_of[r[0]] == clause and not _overlap(span, r)]
    return bool(own and rival) and min(rival) < min(own)


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _distance(a: Span, b: Span) -> int:
    return max(a[0] - b[1], b[0] - a[1], 0)


@cache
def _alike_terms(terms: tuple[Term, ...]) -> tuple[Term, ...]:
    """Relation terms plus, for a one-word relation, the words on its side of the opposites table
    ("lower" also means "reduces", "drops", "cuts")."""
    alike = language().alike
    found = list(terms)
    for term in terms:
        if len(term) == 1:
            found.extend((w,) for w in sorted(alike.get(term[0], ())))
    return tuple(dict.fromkeys(found))


@cache
def _contrary_terms(terms: tuple[Term, ...], contrary: tuple[Term, ...]) -> tuple[Term, ...]:
    """The hand-written wrong alternatives, plus each term with one relation word flipped."""
    opposites = language().opposites
    found = list(contrary)
    for term in terms:
        for k, word in enumerate(term):
            for other in sorted(opposites.get(word, ())):
                found.append(term[:k] + (other,) + term[k + 1:])
            if word.startswith("un") and word[2:] in opposites:  # unstable -> stable
                found.append(term[:k] + (word[2:],) + term[k + 1:])
    said = set(terms)
    return tuple(t for t in dict.fromkeys(found) if t not in said)


def _is_number(word: str) -> bool:
    return any(c.isdigit() for c in word) and word.replace(".", "").isdigit()


def _same_kind(word: str, numbers: frozenset[str]) -> bool:
    """A different number of the same kind (a decimal for a decimal, an integer for an integer)."""
    return any(("." in word) == ("." in n) for n in numbers)
