"""The offline grader: which key points an answer *states*, which it contradicts, which it misses.

A point is credited only when one claim of the answer states it: every key-term group of the point
(written per point in the question bank) appears in the same clause, nothing in that clause flips
it (a negation, an opposite relation word, a wrong alternative, a different number), and the clause
asserts something rather than listing terms. Embedding similarity never decides correctness; it is
used only for questions that carry no key terms (posting questions written at run time), and then
the verdict says it rests on similarity ("discussed"), with the same claim and polarity checks.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

from bot.core.errors import PrepbotError
from bot.core.grading.claims import (
    AUXILIARIES,
    NEGATION_REACH,
    SCOPE_BREAKS,
    Sentence,
    clauses,
    read_sentence,
    sentences,
)
from bot.core.grading.feedback import CONTRADICTED, MISSING, STATED, Feedback, PointVerdict
from bot.core.grading.implied import Implied
from bot.core.grading.language import language, tokens
from bot.core.grading.terms import Group, GroupMatch, KeyTerms, Plain, cached_key_terms
from bot.core.grading.words import job_terms, top_words
from bot.core.postings import Posting

if TYPE_CHECKING:
    from bot.core.embeddings import CachedEmbeddings
    from bot.core.index import KnowledgeIndex
    from bot.core.questions import BankQuestion, QuestionBank
    from bot.core.quiz import QuizQuestion

# For questions without key terms only (see the module docstring): a clause "discusses" a point when
#     cos(clause, point) - QUESTION_DISCOUNT * cos(clause, question) >= COVERED_MATCH
# (calibrated on the 124 pairs of tests/core/test_grading.py before key terms existed).
QUESTION_DISCOUNT = 0.4
COVERED_MATCH = 0.40
SHORT_ANSWER_WORDS = 25
PRONOUNS = frozenset("it this that they these those its their".split())
_WORD = re.compile(r"[a-z0-9][a-z0-9+#']*(?:[-/][a-z0-9+#]+)*", re.I)


class EmptyAnswer(PrepbotError):
    """An answer with nothing in it to grade."""


class Grader:
    """Grades answers against key points; `index` (optional) turns a role id into its posting for the
    job-terms check, and `bank` supplies key terms for questions that arrive without them."""

    def __init__(self, embeddings: CachedEmbeddings | None, index: KnowledgeIndex | None = None,
                 threshold: float = COVERED_MATCH, bank: QuestionBank | None = None) -> None:
        self.embeddings = embeddings
        self.index = index
        self.threshold = threshold
        self.bank = bank

    def grade(self, question: QuizQuestion | BankQuestion, answer: str, role: Posting | str | None = None
              ) -> Feedback:
        text = " ".join(answer.split()) if answer else ""
        if not text or not _WORD.search(text):
            raise EmptyAnswer("The answer is empty; write what you would say in the interview, in a few sentences.")
        words = _WORD.findall(text)
        feedback = Feedback(question.id, word_count=len(words), top_words=top_words(text))
        found, truncated = sentences(answer)
        feedback.verdicts = self.verdicts(question, [read_sentence(s) for s in found])
        posting = self._posting(role)
        if posting is not None:
            feedback.job_terms = job_terms(text, posting)
        feedback.notes = _notes(len(words), len(found), truncated, feedback)
        return feedback

    # ----- verdicts ------------------------------------------------------------------------------
    def verdicts(self, question: QuizQuestion | BankQuestion, read: list[Sentence]) -> list[PointVerdict]:
        points = list(question.key_points)
        terms = self.key_terms(question)
        if terms is None:
            return self._by_similarity(question.question, points, read)
        return [point_verdict(point, kt, read, question.question) for point, kt in zip(points, terms, strict=True)]

    def key_terms(self, question: QuizQuestion | BankQuestion) -> list[KeyTerms] | None:
        """The question's key terms: its own, else the bank's for the same id and key points."""
        raw = getattr(question, "key_terms", None) or ()
        if not raw and self.bank is not None and question.id in self.bank:
            banked = self.bank.get(question.id)
            if tuple(banked.key_points) == tuple(question.key_points):
                raw = banked.key_terms
        if not raw or len(raw) != len(question.key_points):
            return None
        return [cached_key_terms(t) for t in raw]

    def _by_similarity(self, asked: str, points: list[str], read: list[Sentence]) -> list[PointVerdict]:
        """No key terms: the closest claim, if close enough, *discussed* the point. Nothing is ever
        contradicted or credited on a denial, since without terms agreement cannot be read."""
        claims = [c for s in read for c in clauses(s.text) if c.claim and not c.is_list]
        if not points or not claims or self.embeddings is None:
            return [PointVerdict(p, MISSING) for p in points]
        texts = [c.text for c in claims]
        vectors = np.asarray(self.embeddings.embed_documents(texts), dtype=np.float32)
        point_vectors = np.asarray(self.embeddings.embed_documents(points), dtype=np.float32)
        question_vector = np.asarray(self.embeddings.embed_query(asked), dtype=np.float32)
        match = point_vectors @ vectors.T - QUESTION_DISCOUNT * (vectors @ question_vector)[None, :]
        lang = language()
        verdicts = []
        for row, point in enumerate(points):
            best = int(match[row].argmax())
            same_polarity = (sum(map(lang.is_negation, tokens(point))) % 2
                             == sum(map(lang.is_negation, claims[best].words)) % 2)
            if match[row, best] >= self.threshold and same_polarity:
                verdicts.append(PointVerdict(point, STATED, claims[best].text, "similarity"))
            else:
                verdicts.append(PointVerdict(point, MISSING))
        return verdicts

    def _posting(self, role: Posting | str | None) -> Posting | None:
        if role is None or isinstance(role, Posting):
            return role
        if self.index is None:
            return None
        return self.index.role(role) or next(iter(self.index.resolver.resolve_name(role).roles), None)


def answer_units(answer: str) -> tuple[list[str], bool]:
    """The sentences the grader reads (for callers that show them), and whether text was cut."""
    return sentences(answer)


def point_polarity(terms: KeyTerms, point: str) -> frozenset[int]:
    """The groups the point itself denies (almost always none)."""
    text = Plain(tuple(tokens(point)))
    return _denied(terms.match(text), text)


def either_polarity(terms: KeyTerms, point: str) -> frozenset[int]:
    """Groups the point names both denied and not ("*concurrent* accesses ... are *never* data races",
    with both words in one group): an answer may say that idea either way."""
    text = Plain(tuple(tokens(point)))
    matches = terms.match(text)
    return _denied(matches, text, any_mention=True) - _denied(matches, text)


def _denied(matches: list[GroupMatch], text: Sentence | Plain, any_mention: bool = False) -> frozenset[int]:
    """Groups every occurrence of which a negation word denies ("it does not reduce variance"). A
    negation denies the first key term after it in its scope (up to the next comma or connective),
    within NEGATION_REACH words, and no other."""
    deciding = [g.bound or g.spans or g.flipped for g in matches]  # a relation group: its relation word
    consumed = {i for g in matches for a, b in g.spans + g.flipped + g.bound for i in range(a, b)}
    starts = sorted({a for spans in deciding for a, _ in spans})
    denied_starts = set()
    lang = language()
    for i, word in enumerate(text.words):
        if i in consumed or not lang.is_negation(word):
            continue
        if _denies_subject(text, i):
            # "sanity checks like overfitting a small batch weren't necessary": the whole subject.
            denied_starts.update(a for a in starts if a < i and text.scope_of[a] == text.scope_of[i])
        following = [a for a in starts if i < a and text.scope_of[a] == text.scope_of[i]
                     and _words_between(text, i, a) < NEGATION_REACH]
        if following:
            denied_starts.add(following[0])
            # "can't delete lazily": an idea right after the denied one is denied with it.
            ends = [b for spans in deciding for a, b in spans if a == following[0]]
            denied_starts.update(a for a in starts if ends and a >= max(ends) and text.scope_of[a] == text.scope_of[i]
                                 and all(w in lang.fillers for w in text.words[max(ends):a]))
            # Other mentions of that idea within its reach are denied with it ("never mix information
            # across examples": "mix" and "across examples" are one idea).
            # "not peek and stop early": "and" or "or" joining the same idea keeps it under the negation.
            # "doesn't use a Taylor expansion or Hessians": an idea joined by "or" in its scope is denied too.
            denied_starts.update(a for spans in deciding if any(s == following[0] for s, _ in spans)
                                 for a, _ in spans if a > following[0]
                                 and (_words_between(text, i, a) < NEGATION_REACH
                                      or {"or", "nor"} & set(text.words[following[0]:a]))
                                 and not any(w in SCOPE_BREAKS and w not in ("and", "or") for w in text.words[i + 1:a]))
            continue
        # Nothing of the point after it: the negation denies what it follows ("skew isn't an issue").
        before = [a for spans in deciding for a, b in spans if b <= i and text.scope_of[a] == text.scope_of[i]
                  and all(w in AUXILIARIES or w in lang.fillers for w in text.words[b:i])]
        if before:
            denied_starts.add(max(before))
    # A mention continuing a denied one is denied with it ("aren't RAII wrappers").
    for spans in deciding:
        for a, b in sorted(spans):
            if a in denied_starts:
                denied_starts.update(c for c, _ in spans if c == b)
    which = any if any_mention else all
    return frozenset(k for k, spans in enumerate(deciding) if spans and which(a in denied_starts for a, _ in spans))


def _denies_subject(text: Sentence | Plain, i: int) -> bool:
    """The negation at i denies a predicate that denies its subject: it is one ("irrelevant") or the
    next word past auxiliaries and fillers is one ("weren't *necessary*", "doesn't really *matter*")."""
    lang = language()
    if text.words[i] in lang.denial_predicates:
        return True
    rest = [w for w in text.words[i + 1:] if w not in AUXILIARIES and w not in lang.fillers]
    # "no matter what" is an idiom, not a denial
    return bool(rest) and rest[0] in lang.denial_predicates and rest[1:2] not in (["what"], ["how"], ["which"])


def _words_between(text: Sentence | Plain, i: int, j: int) -> int:
    """Words strictly between positions i and j, not counting fillers ("never *really* pinned down
    *a* root cause" is three words from its negation to "root cause")."""
    fillers = language().fillers
    return sum(1 for w in text.words[i + 1:j] if w not in fillers)


def topic_groups(terms: KeyTerms, asked: str) -> frozenset[int]:
    """Groups naming what the question itself is about ("HNSW" in a question on HNSW): an answer
    need not repeat its subject in every sentence."""
    text = Plain(tuple(tokens(asked)))
    return frozenset(k for k, g in enumerate(terms.match(text)) if g.found)


def point_verdict(point: str, terms: KeyTerms, read: list[Sentence], asked: str = "") -> PointVerdict:
    """Stated when one sentence that makes a claim has the point's groups (see `_read`) with the
    point's polarity; contradicted when one has the point's terms denied or flipped and none states
    it (STATED_OUTWEIGHS)."""
    polarity = point_polarity(terms, point)
    either = either_polarity(terms, point)
    topics = topic_groups(terms, asked) if asked else frozenset()
    own = Plain(tuple(tokens(point)))
    # "L2 ..., while L1 ...": both sides expected. A relation group is not exempted: it binds clause by
    # clause, so a point saying "large C ..., while small C ..." is still read part by part.
    own_rivals = frozenset(k for k in terms.rivals(own, terms.match(own), apart=False) if not terms.groups[k].relation)
    implied = Implied.of(terms, own)
    stated: str | None = None
    previous: Sentence | None = None
    contradicted: str | None = None
    for sentence in read:
        if sentence.claim:
            outcome = _read(terms, sentence, previous, polarity, topics, own_rivals, implied=implied, either=either)
            if outcome == CONTRADICTED and contradicted is None:
                contradicted = sentence.text
            if outcome == STATED and stated is None:
                stated = sentence.text
        previous = sentence
    if contradicted and not (STATED_OUTWEIGHS and stated):
        return PointVerdict(point, CONTRADICTED, contradicted)
    return PointVerdict(point, STATED, stated) if stated else PointVerdict(point, MISSING)


# A point one sentence states is credited even if another sentence seems to deny it: in a correct
# answer the "denial" is nearly always a sentence about the other side of a pair ("L2 rarely reaches
# zero" beside "L1 reaches exactly zero"); measured on the labelled set and on answers made of all the
# key points (no false flags with it, 25 without).
STATED_OUTWEIGHS = True
MIN_GROUPS_FOR_ONE_LEFT_OUT = 5  # a point of 4+ groups is stated by a claim with all but one of them


def _read(terms: KeyTerms, sentence: Sentence, previous: Sentence | None, polarity: frozenset[int],
          topics: frozenset[int] = frozenset(), own_rivals: frozenset[int] = frozenset(), split: bool = True,
          implied: Implied | None = None, either: frozenset[int] = frozenset()) -> str:
    """One sentence against one point: STATED, CONTRADICTED or MISSING.

    Stated: every group is found, except that (a) groups naming the question's subject may be left
    implied when at least two other groups are found, (b) a subject named in the sentence before may
    be referred to by a pronoun, and (c) a point of MIN_GROUPS_FOR_ONE_LEFT_OUT or more groups may
    miss one group; in all cases nothing is flipped, and negations match the point's own."""
    matches = terms.match(sentence)
    n = len(matches)
    denied = _denied(matches, sentence)
    # A denied opposite agrees with the point: "we don't recompute them" states "they never change".
    double = {k for k in denied if not matches[k].found and matches[k].flipped}
    found = [g.found or k in double for k, g in enumerate(matches)]
    flipped = sum(1 for k, g in enumerate(matches) if not found[k] and g.flipped)
    if not any(found) and not any(g.anchored for g in matches):
        return MISSING
    if _listed_together(matches, sentence):
        return MISSING
    agrees = (denied - double - either == polarity - either
              or _counterfactual(denied - double - either, polarity - either, sentence))
    if all(found):
        agreeing = tuple(span for k in double for span in matches[k].flipped)
        clauses_apart = split and agrees and len(set(sentence.clause_of)) > 1
        if clauses_apart and terms.rivals(sentence, matches, agreeing) - own_rivals:
            # "precision is X, recall is Y"
            return _by_clause(terms, sentence, polarity, own_rivals, implied, either)
        if agrees and implied is not None and implied.turned_round(terms, sentence, matches):
            return CONTRADICTED  # the point's own words the other way round (bot/core/grading/implied.py)
        return STATED if agrees else CONTRADICTED
    if flipped:
        # The point's groups there, some said the other way round (at least as many found as flipped,
        # so a sentence about another subject is not read as a denial); or an idea bound to the wrong
        # relation ("L1 is a Gaussian prior") in a sentence holding at least half of the point. The
        # question's subject and a pronoun's subject from the sentence before count as there ("It's
        # actually more stable with small batches" after a sentence on BatchNorm).
        anchored = any(g.anchored for g in matches)
        there = sum(found) + sum(1 for k in range(n) if not found[k] and not matches[k].flipped
                                 and (k in topics or _refers_back(terms.groups[k], sentence, previous)))
        whole = (there + flipped == n and there >= flipped) or (anchored and 2 * (there + flipped) >= n)
        return CONTRADICTED if whole and agrees else MISSING
    if not agrees:
        return MISSING
    absent = [k for k in range(n) if not found[k]]
    if (all(k in topics for k in absent) and sum(found[k] for k in range(n) if k not in topics) >= 2
            and not _about_the_other_side(terms, absent, sentence, previous)):
        return STATED
    if (len(absent) == 1 and sum(found) >= 2 and previous is not None and sentence.words
            and sentence.words[0] in PRONOUNS
            and KeyTerms((terms.groups[absent[0]],)).match(previous)[0].found):
        return STATED  # "It is also more stable ...": the subject was named just before
    if len(absent) == 1 and n >= MIN_GROUPS_FOR_ONE_LEFT_OUT:
        return STATED
    return MISSING


def _refers_back(group: Group, sentence: Sentence, previous: Sentence | None) -> bool:
    """The sentence starts with a pronoun and the sentence before names the group's idea."""
    return (previous is not None and bool(sentence.words) and sentence.words[0] in PRONOUNS
            and KeyTerms((group,)).match(previous)[0].found)


def _about_the_other_side(terms: KeyTerms, absent: list[int], sentence: Sentence, previous: Sentence | None) -> bool:
    """A sentence starting with a pronoun after one that names the other side of a left-out subject
    ("ROC-AUC is ... . It's highly sensitive to prevalence", for a point on PR-AUC written
    `pr-auc ! roc`): "it" is that other side, so the subject is not implied."""
    if previous is None or not sentence.words or sentence.words[0] not in PRONOUNS:
        return False
    for k in absent:
        group = terms.groups[k]
        if group.contrary and KeyTerms((Group(group.contrary),)).match(previous)[0].found \
                and not KeyTerms((Group(group.terms),)).match(previous)[0].found:
            return True
    return False


def _counterfactual(denied: frozenset[int], polarity: frozenset[int], sentence: Sentence) -> bool:
    """"Without a small temperature the softmax never gets peaked" states that a small temperature
    makes it peaked: two denials, one of them "without", agree with a point that denies neither."""
    return (len(denied ^ polarity) == 2 and "without" in sentence.words
            and not any(_denies_subject(sentence, i) for i, w in enumerate(sentence.words)
                        if language().is_negation(w)))


def _by_clause(terms: KeyTerms, sentence: Sentence, polarity: frozenset[int], own_rivals: frozenset[int],
               implied: Implied | None = None, either: frozenset[int] = frozenset()) -> str:
    """Read a sentence that names both sides of a pair part by part: each clause alone, and each run
    of neighbouring clauses none of which names the other side. Stated if a part free of the other
    side states the point, else contradicted if a part contradicts it."""
    numbers = sorted(set(sentence.clause_of))
    parts = {n: _part(sentence, [n]) for n in numbers}
    # A clause binding a relation idea the other way ("small C ...") is about the other side too.
    rival = {n for n in numbers if terms.rivals(parts[n], terms.match(parts[n])) - own_rivals
             or any(g.anchored for g in terms.match(parts[n]))}
    runs, run = [], []
    for n in numbers:
        if n in rival:
            runs.append(run)
            run = []
        else:
            run.append(n)
    runs.append(run)
    pieces = [(parts[n], n in rival) for n in numbers] + [(_part(sentence, r), False) for r in runs if len(r) > 1]
    outcomes = []
    for piece, about_other_side in pieces:
        outcome = _read(terms, piece, None, polarity, own_rivals=own_rivals, split=False, implied=implied,
                        either=either)
        # A clause naming the other side of the pair can contradict the point, never state it.
        outcomes.append(MISSING if about_other_side and outcome == STATED else outcome)
    return STATED if STATED in outcomes else CONTRADICTED if CONTRADICTED in outcomes else MISSING


def _part(sentence: Sentence, numbers: list[int]) -> Sentence:
    """The clauses `numbers` of a sentence as a sentence of their own."""
    keep = [i for i, c in enumerate(sentence.clause_of) if c in numbers]
    return Sentence(" ".join(sentence.clause_texts[n] for n in numbers), tuple(sentence.words[i] for i in keep),
                    tuple(sentence.clause_of[i] for i in keep), tuple(sentence.scope_of[i] for i in keep),
                    tuple(sentence.slot_of[i] for i in keep), tuple(sentence.clause_texts), True)


def _listed_together(matches: list[GroupMatch], sentence: Sentence) -> bool:
    """Two or more groups found only among the short items of one list ("bias, variance, L1, L2"):
    the list names them but states nothing about how they relate."""
    slots = []
    for group in matches:
        spans = group.spans or group.flipped
        owners = {sentence.slot_of[a] for a, _ in spans}
        if spans and len(owners) == 1 and -1 not in owners:
            slots.append(owners.pop())
    return len(slots) != len(set(slots))


def _notes(words: int, sentence_count: int, truncated: bool, feedback: Feedback) -> list[str]:
    from bot.core.grading.claims import MAX_UNITS, MAX_WORDS_ANALYSED

    notes = []
    if sentence_count == 0:
        notes.append(f"Your answer is very short ({words} word{'s' if words != 1 else ''}): a key point needs at "
                     f"least a full sentence, so none could be matched.")
    elif words < SHORT_ANSWER_WORDS:
        notes.append(f"Your answer is very short ({words} words); interview answers usually need a few sentences "
                     f"to cover the key points.")
    if truncated:
        notes.append(f"Long answer: only the first {MAX_WORDS_ANALYSED} words (at most {MAX_UNITS} sentences) "
                     f"were analysed. In an interview, aim for a focused two-to-three-minute answer.")
    if feedback.missed and not feedback.covered and not feedback.contradicted and sentence_count:
        notes.append("No sentence stated any key point; check the answer addresses this question.")
    if feedback.contradicted:
        notes.append("Some of what you said reads as the opposite of a key point: check the flagged points.")
    return notes
