"""Offline feedback on an answer: which key points it covered (semantically), which it missed, the
job's own terms it used, and the words it leaned on most.

It reports only what it measured. A key point counts as covered when some sentence (or clause) of
the answer is close enough to it in embedding space; the sentence and its similarity are shown so
a person can judge the match. There is no overall score or grade: a number that looks like a mark
but is not one would mislead more than it helps.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.core.errors import PrepbotError
from bot.core.postings import Posting, PostingLine
from bot.core.postings.tech import find_tech

if TYPE_CHECKING:
    from bot.core.embeddings import CachedEmbeddings
    from bot.core.index import KnowledgeIndex
    from bot.core.questions import BankQuestion
    from bot.core.quiz import QuizQuestion

# A key point is covered when one sentence (or clause) of the answer states it. all-MiniLM-L6-v2
# similarity is dominated by topic: "Bias is when the model is biased" scores 0.77 against a precise
# definition of bias. So a unit's similarity to the key point is discounted by its similarity to the
# question itself (what merely talking about the topic earns):
#     match = cos(unit, key point) - QUESTION_DISCOUNT * cos(unit, question)
# and the key point is covered when its best unit's match reaches COVERED_MATCH.
# Calibrated on hand-written answers to 12 bank questions across all topics (CALIBRATION in
# tests/core/test_grading.py): a strong answer per question that states some key points and skips
# others, a vague on-topic answer, and an off-topic one: 124 (answer, key point) pairs, 48 of them
# stated, plus 62 off-topic pairs.
#   raw cosine alone: best threshold 0.61 -> 15 errors (9 stated points missed, 6 credited wrongly);
#                     stated points span 0.32-0.85, unstated on-topic ones reach 0.77.
#   with the discount (0.2 / 0.3 / 0.4 / 0.5 / 0.6 -> best 12 / 10 / 9 / 10 / 12 errors), at 0.4:
#     stated:   min 0.24, 10th pct 0.34, median 0.57;  unstated: max 0.55, 90th pct 0.33, median 0.08
#     threshold 0.36 / 0.38 / 0.40 / 0.42 / 0.44 -> 13 / 11 / 10 / 9 / 12 errors.
# 0.40 leaves a margin below the weakest stated points (0.42-0.43) for 10 errors (94.6% right): 5 of the
# 6 misses are behavioural rubric points ("takes personal ownership...") that a story states only
# implicitly, and the 4 wrongly credited are vague sentences close to a point's wording.
# After the behavioural key points were rewritten as first-person claims (knowledge/questions/
# behavioral.yaml), the same calibration set gives 5 errors: 4 credited wrongly, 1 stated point missed.
QUESTION_DISCOUNT = 0.4
COVERED_MATCH = 0.40
MAX_WORDS_ANALYSED = 600  # about four minutes of speech; the rest of a longer answer is not embedded
MAX_UNITS = 64  # sentences and clauses embedded per answer (keeps a 10,000-character answer fast)
MIN_UNIT_WORDS = 3  # a key point is a claim: one or two words cannot state one
SHORT_ANSWER_WORDS = 25
LONG_SENTENCE_WORDS = 22  # longer sentences are also compared clause by clause
TOP_WORDS = 5
JOB_TERMS = 12

_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|etc|vs|approx|cf)\.", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*|\s+[-*•]\s+|\s+\d+[.)]\s+")
_CLAUSE = re.compile(
    r"\s*[;:]\s*|,\s+(?=(?:and|but|so|which|while|because|whereas|then|since)\s)|\s+(?=(?:because|whereas)\s)",
    re.I,
)
_WORD = re.compile(r"[a-z0-9][a-z0-9+#']*(?:[-/][a-z0-9+#]+)*", re.I)
STOPWORDS = frozenset(
    "a about above after again against all also am an and any are as at be because been before being below "
    "between both but by can could did do does doing down during each either else even ever every few for from "
    "further had has have having he her here hers herself him himself his how however i if in into is it its "
    "itself just let like may me might more most much must my myself no nor not now of off on once one only or "
    "other our ours ourselves out over own per quite rather really same shall she should so some such than that "
    "the their theirs them themselves then there these they this those though through thus to too under until "
    "up upon us very via was we were what whatever when where whether which while who whom whose why will with "
    "within without would yet you your yours yourself yourselves i'd i'm i've i'll it's that's don't doesn't "
    "isn't aren't can't won't we're they're you're let's there's".split()
)
# Words every job posting uses; they say nothing about this job in particular.
_POSTING_FILLER = frozenset(
    "ability able across address applied apply areas based best bring build building candidate candidates "
    "company create critical current currently deliver demonstrated design develop developing development drive "
    "driving effective empower enhance ensure environment excellent experience experiences familiarity field "
    "fields following good great grow growth hands help high important improve improving including industry "
    "industry-leading innovative internship intern interns join key knowledge leading looking markets mission "
    "new opportunities opportunity organization own part passion platform position preferred problems product "
    "products proficient proficiency provide qualifications record related required requirements responsibilities "
    "role looking skills solid solution solutions solve strong student students support talented team teams "
    "things understanding use using various well work working world year years".split()
)


class EmptyAnswer(PrepbotError):
    """An answer with nothing in it to grade."""


@dataclass
class Feedback:
    """What the grader measured about one answer. No score: coverage is shown point by point."""

    question_id: str
    covered: list[tuple[str, str, float]] = field(default_factory=list)  # (key point, answer sentence, sim)
    missed: list[str] = field(default_factory=list)
    job_terms: list[str] = field(default_factory=list)
    top_words: list[tuple[str, int]] = field(default_factory=list)
    word_count: int = 0
    notes: list[str] = field(default_factory=list)
    critique: str | None = None  # the language model's short critique, when an LLM is configured

    def to_dict(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "covered": [{"key_point": p, "sentence": s, "similarity": round(sim, 3)} for p, s, sim in self.covered],
            "missed": list(self.missed),
            "job_terms": list(self.job_terms),
            "top_words": [{"word": w, "count": c} for w, c in self.top_words],
            "word_count": self.word_count,
            "notes": list(self.notes),
            "critique": self.critique,
        }

    def render(self) -> str:
        """Plain text: the same facts as `to_dict`, for a terminal or a chat message."""
        total = len(self.covered) + len(self.missed)
        lines = [f"Key points covered: {len(self.covered)} of {total}"]
        for point, sentence, similarity in self.covered:
            lines.append(f"  ✓ {point}")
            lines.append(f"      you said: “{_clip(sentence)}” (similarity {similarity:.2f})")
        for point in self.missed:
            lines.append(f"  ✗ {point}")
        if self.job_terms:
            lines.append(f"Terms from the job posting you used: {', '.join(self.job_terms)}")
        if self.top_words:
            lines.append("Words you used most: " + ", ".join(f"{w} ({c})" for w, c in self.top_words))
        lines.append(f"Word count: {self.word_count}")
        lines.extend(f"Note: {note}" for note in self.notes)
        if self.critique:
            lines.append(f"Critique (language model): {self.critique}")
        return "\n".join(lines)


class Grader:
    """Grades answers with the shared embedding model; `index` (optional) turns a role id into its
    posting for the job-terms check."""

    def __init__(self, embeddings: CachedEmbeddings, index: KnowledgeIndex | None = None,
                 threshold: float = COVERED_MATCH) -> None:
        self.embeddings = embeddings
        self.index = index
        self.threshold = threshold

    def grade(self, question: QuizQuestion | BankQuestion, answer: str, role: Posting | str | None = None
              ) -> Feedback:
        text = " ".join(answer.split()) if answer else ""
        if not text or not _WORD.search(text):
            raise EmptyAnswer("The answer is empty; write what you would say in the interview, in a few sentences.")
        words = _WORD.findall(text)
        feedback = Feedback(question.id, word_count=len(words), top_words=top_words(text))
        units, truncated = answer_units(answer)
        feedback.covered, feedback.missed = self._match(question.question, list(question.key_points), units)
        posting = self._posting(role)
        if posting is not None:
            feedback.job_terms = job_terms(text, posting)
        feedback.notes = _notes(len(words), len(units), truncated, feedback)
        return feedback

    def _match(self, question: str, key_points: list[str], units: list[str]
               ) -> tuple[list[tuple[str, str, float]], list[str]]:
        """Each key point's best unit; covered when its match (see COVERED_MATCH) is high enough.
        The similarity reported is the plain cosine, the number a person can check."""
        if not key_points:
            return [], []
        if not units:
            return [], list(key_points)
        similarity, match = self._scores(question, key_points, units)
        covered, missed = [], []
        for row, point in enumerate(key_points):
            best = int(match[row].argmax())
            if match[row, best] >= self.threshold:
                covered.append((point, units[best], float(similarity[row, best])))
            else:
                missed.append(point)
        return covered, missed

    def _scores(self, question: str, key_points: list[str], units: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(cosine of each key point to each unit, the same discounted by each unit's cosine to the question)."""
        points = np.asarray(self.embeddings.embed_documents(key_points), dtype=np.float32)
        vectors = np.asarray(self.embeddings.embed_documents(units), dtype=np.float32)
        asked = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        similarity = points @ vectors.T
        return similarity, similarity - QUESTION_DISCOUNT * (vectors @ asked)[None, :]

    def _posting(self, role: Posting | str | None) -> Posting | None:
        if role is None or isinstance(role, Posting):
            return role
        if self.index is None:
            return None
        return self.index.role(role) or next(iter(self.index.resolver.resolve_name(role).roles), None)

    def best_matches(self, question: str, key_points: list[str], answer: str) -> list[float]:
        """Each key point's best match score, before the threshold (for calibration and tests)."""
        units, _ = answer_units(answer)
        if not units:
            return [float("-inf") for _ in key_points]
        return [float(row.max()) for row in self._scores(question, key_points, units)[1]]


# ----- the answer's parts ----------------------------------------------------------------------------
def answer_units(answer: str) -> tuple[list[str], bool]:
    """Sentences of the first MAX_WORDS_ANALYSED words, plus the clauses of long sentences.

    A key point is usually one claim; a long spoken sentence often strings several together, and
    comparing the whole sentence would blur each of them. Returns (units, whether text was cut)."""
    words = answer.split()
    truncated = len(words) > MAX_WORDS_ANALYSED
    text = " ".join(words[:MAX_WORDS_ANALYSED]) if truncated else answer
    protected = _ABBREVIATIONS.sub(lambda m: m.group(1).replace(".", "\0") + "\0", text)
    units: list[str] = []
    for raw in _SENTENCE_END.split(protected):
        sentence = raw.replace("\0", ".").strip(" -*•")
        if len(sentence.split()) < MIN_UNIT_WORDS:
            continue
        units.append(sentence)
        if len(sentence.split()) > LONG_SENTENCE_WORDS:
            units.extend(c.strip() for c in _CLAUSE.split(sentence) if len(c.split()) >= MIN_UNIT_WORDS
                         and c.strip() != sentence)
    unique = list(dict.fromkeys(units))
    if len(unique) > MAX_UNITS:
        unique, truncated = unique[:MAX_UNITS], True
    return unique, truncated


def _notes(words: int, units: int, truncated: bool, feedback: Feedback) -> list[str]:
    notes = []
    if units == 0:
        notes.append(f"Your answer is very short ({words} word{'s' if words != 1 else ''}): a key point needs at "
                     f"least a full sentence, so none could be matched.")
    elif words < SHORT_ANSWER_WORDS:
        notes.append(f"Your answer is very short ({words} words); interview answers usually need a few sentences "
                     f"to cover the key points.")
    if truncated:
        notes.append(f"Long answer: only the first {MAX_WORDS_ANALYSED} words (at most {MAX_UNITS} sentences and "
                     f"clauses) were analysed. In an interview, aim for a focused two-to-three-minute answer.")
    if feedback.missed and not feedback.covered and units:
        notes.append("No sentence came close to any key point; check the answer addresses this question.")
    return notes


# ----- words -----------------------------------------------------------------------------------------
def _normal(word: str) -> str:
    word = word.lower().strip("'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def top_words(text: str) -> list[tuple[str, int]]:
    """The non-stopword words used more than once, most used first (ties alphabetically)."""
    counts = Counter(w.lower() for w in _WORD.findall(text) if w.lower() not in STOPWORDS and len(w) > 1
                     and not w.isdigit())
    repeated = [(w, c) for w, c in counts.items() if c > 1]
    return sorted(repeated, key=lambda item: (-item[1], item[0]))[:TOP_WORDS]


def job_terms(answer: str, posting: Posting) -> list[str]:
    """Terms from the posting that the answer used: its technologies, then its distinctive phrases
    and words (job-ad filler such as "experience" or "solutions" is left out)."""
    lines = [line for line in posting.lines if line.kind != "header" and line.section != "logistics"]
    tech, _ = find_tech(posting.lines)
    used_tech, _ = find_tech([PostingLine(answer, "other", 0)])
    found = [name for name in used_tech if name in tech]
    answer_words = [_normal(w) for w in _WORD.findall(answer)]
    answer_set = set(answer_words)
    answer_pairs = {f"{a} {b}" for a, b in zip(answer_words, answer_words[1:], strict=False)}
    phrases, singles = _posting_vocabulary(lines)
    for phrase in phrases:
        if phrase in answer_pairs and phrase not in found:
            found.append(phrase)
    covered_by_phrase = {word for phrase in found for word in phrase.split()}
    taken = {t.lower() for t in found}
    for word in singles:
        if word in answer_set and word not in covered_by_phrase and word not in taken:
            found.append(word)
    return found[:JOB_TERMS]


# Single words too common in ML answers to show that the answer used this job's language.
_GENERIC_SINGLES = frozenset(
    "user users model models system systems data machine learning time performance algorithm algorithms "
    "training train quality results result large scale".split()
)


def _posting_vocabulary(lines: list[PostingLine]) -> tuple[list[str], list[str]]:
    """(two-word phrases, single words) of the posting that carry meaning, in order of appearance."""
    phrases: list[str] = []
    singles: list[str] = []
    for line in lines:
        words = [_normal(w) for w in _WORD.findall(line.text)]
        for a, b in zip(words, words[1:], strict=False):
            if _meaningful(a) and _meaningful(b):
                phrase = f"{a} {b}"
                if phrase not in phrases:
                    phrases.append(phrase)
        for word in words:
            if _meaningful(word) and len(word) >= 4 and word not in _GENERIC_SINGLES and word not in singles:
                singles.append(word)
    return phrases, singles


def _meaningful(word: str) -> bool:
    return word not in STOPWORDS and word not in _POSTING_FILLER and not word.isdigit() and len(word) > 1


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
