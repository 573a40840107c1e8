"""The writer: turns a posting's requirement lines into questions, each tied to a bank topic.

Why both the bank and the posting: the bank holds reviewed, deep questions, but only on the topics
the team wrote about. A posting about something the bank covers thinly (search ranking with BM25,
say) still deserves questions about its own stack, so each responsibility or qualification line is
turned into one or more questions by a template chosen by what the line is about.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from bot.core.fit.requirements import LOGISTICS_FIELDS
from bot.core.postings import SECTION_TITLES, Posting
from bot.core.postings.memo import PerPosting
from bot.core.profile import CACHED_ROLES, RoleProfiler
from bot.core.questions import QuestionBank
from bot.core.quiz.focus import LABEL_PRIOR, quiz_weights
from bot.core.quiz.lines import Focus, read_line
from bot.core.quiz.model import QuizQuestion, clip, posting_question_id
from bot.core.quiz.templates import DIFFICULTY, PUBLICATION, draft_for
from bot.core.text import compounds, content_words, singular, with_parts

POSTING_SECTIONS = ("responsibilities", "minimum_qualifications", "preferred_qualifications")
CLAUSE_WEIGHT = 0.3  # the rest of the line, next to the item itself, when classifying an item's topic
BORROWED_POINTS = 2  # key points taken from the bank's questions on the same topic
CONTEXT_BONUS = 0.3  # key points that also share the line's other words ("recommendation") rank higher

#: Words every ML key point uses; sharing them says nothing about sharing a subject.
_ML_FILLER = frozenset("using use used uses based e.g etc including model models learning machine data system "
                       "systems".split())


def _tokens(passage: str) -> set[str]:
    """The distinctive words of `passage`, singular ("cold-start" matches "cold start")."""
    found = with_parts(content_words(passage)) + compounds(passage)
    return {singular(word) for word in found if word not in _ML_FILLER and len(word) > 1}


def _logistics_lines(posting: Posting) -> set[tuple[str, int]]:
    """Lines that state pay, place, dates or how to apply (the parser's field evidence), and notes
    written as paragraphs among a section's bullets: an interviewer asks about none of them."""
    skipped = {(line.text, line.line_no) for name in LOGISTICS_FIELDS for line in posting.evidence.get(name, [])}
    for section in POSTING_SECTIONS:
        lines = [line for line in posting.section_lines(section) if line.kind != "header"]
        if sum(1 for line in lines if line.kind == "bullet") >= 2:
            skipped |= {(line.text, line.line_no) for line in lines if line.kind != "bullet"}
    return skipped


class PostingQuestionWriter:
    """Turns a posting's requirement lines into questions; cached per posting version."""

    def __init__(self, bank: QuestionBank, profiler: RoleProfiler) -> None:
        self.bank = bank
        self.profiler = profiler
        self._written = PerPosting(self._build, CACHED_ROLES)
        self._points = [(q.topic, point) for q in bank for point in q.key_points]
        self._point_tokens = [_tokens(point) for _, point in self._points]
        counts = Counter(t for tokens in self._point_tokens for t in tokens)
        self._idf = {t: math.log(len(self._points) / c) for t, c in counts.items()}

    def questions(self, posting: Posting) -> list[QuizQuestion]:
        """The posting's questions, written once per posting version."""
        return self._written(posting)

    def _build(self, posting: Posting) -> list[QuizQuestion]:
        skipped = _logistics_lines(posting)
        focuses = [f for line in posting.lines
                   if line.section in POSTING_SECTIONS and line.kind != "header"
                   and (line.text, line.line_no) not in skipped for f in read_line(line)]
        if not focuses:
            return []
        scores = self.profiler.scorer.scores([f.item or f.lead for f in focuses] + [f.clause for f in focuses])
        ids = self.profiler.scorer.ids
        weights = quiz_weights(posting, self.profiler.profile(posting), self.profiler.scorer)
        prior = LABEL_PRIOR * np.asarray([weights.get(topic, 0.0) for topic in ids], dtype=np.float32)
        questions = []
        for number, focus in enumerate(focuses):
            context = CLAUSE_WEIGHT if focus.item else 1.0  # a listed item decides its own topic
            # The role's subject is the prior: a line naming no topic is about what the role is about.
            combined = scores[number] + context * scores[len(focuses) + number] + prior
            behavioral = focus.kind == "collaboration" or PUBLICATION.search(focus.clause)
            topic = "behavioral" if behavioral and "behavioral" in ids else ids[int(combined.argmax())]
            question = self._question(focus, topic, posting)
            if question is not None:  # a line with no subject to ask about gets no question
                questions.append(question)
        return questions

    def _question(self, focus: Focus, topic: str, posting: Posting) -> QuizQuestion | None:
        draft = draft_for(focus, posting)
        if draft is None:
            return None
        points = list(draft.key_points)
        if focus.kind == "research" and focus.item:
            points = points[: 6 - BORROWED_POINTS] + self._borrow(focus, topic, points)
        section = SECTION_TITLES.get(focus.line.section, focus.line.section)
        return QuizQuestion(
            id=posting_question_id(posting.role_id, focus.line.line_no, focus.k),
            topic=topic,
            difficulty=DIFFICULTY[focus.kind],
            question=draft.question,
            why=f"Built from the posting ({section}): “{clip(focus.line.text, 300)}”",
            key_points=tuple(points[:6]),
            follow_ups=draft.follow_ups,
            source="posting",
            role_id=posting.role_id,
        )

    def _borrow(self, focus: Focus, topic: str, already: list[str]) -> list[str]:
        """The bank's key points on this topic that share the focus's distinctive words (the bank's
        reviewed facts make a posting question gradeable on substance, not just structure)."""
        wanted = _tokens(focus.item or "")
        if not wanted:
            return []
        needed = min(2, len(wanted))  # "cold start" needs both words, not any key point saying "start"
        context = _tokens(focus.clause) - wanted
        ranked = []
        for number, ((point_topic, point), tokens) in enumerate(zip(self._points, self._point_tokens, strict=True)):
            shared = wanted & tokens
            if len(shared) < needed:
                continue
            score = sum(self._idf.get(t, 0.0) for t in shared) + CONTEXT_BONUS * sum(
                self._idf.get(t, 0.0) for t in tokens & context)
            ranked.append((point_topic != topic, -score, number, point))  # the question's own topic first
        ranked.sort()
        borrowed: list[str] = []
        for *_, point in ranked:
            if point not in already and point not in borrowed:
                borrowed.append(point)
            if len(borrowed) == BORROWED_POINTS:
                break
        return borrowed
