"""Quizzes and feedback with an LLM: model-written posting questions and a short critique.

Both wrap the offline engines and only ever add to them: when the model fails, the quiz and the
feedback are exactly what the offline engines give (the caller is told via a note).
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Iterable

from langchain_core.runnables import Runnable

from bot.core.grading import Feedback, Grader
from bot.core.llm.judge import JUDGE_BASIS, judge
from bot.core.llm.practice import critique, generate_posting_questions
from bot.core.postings import Posting
from bot.core.quiz import Quiz, QuizMaker, QuizQuestion

log = logging.getLogger(__name__)
MODEL_SHARE = 4  # at most one question in four is model-written; the rest stay offline and reproducible
REMEMBERED = 2000  # model-written questions kept in memory so `question(id)` finds them mid-quiz


class LLMQuizMaker(QuizMaker):
    """A `QuizMaker` whose role quizzes include questions the model wrote from the posting's lines."""

    def __init__(self, offline: QuizMaker, model: Runnable) -> None:
        self.__dict__.update(offline.__dict__)
        self.model = model
        self._written: dict[str, QuizQuestion] = {}
        self._lock = threading.Lock()

    def make_quiz(self, role: str | None = None, topic: str | None = None, difficulty: str | None = None,
                  n: int = 5, seed: int | None = None, exclude: Iterable[str] = frozenset()) -> Quiz:
        quiz = super().make_quiz(role, topic, difficulty, n, seed, exclude)
        if quiz.role is None or n < 2:
            return quiz
        written = [q for q in self._write(quiz.role, max(1, n // MODEL_SHARE))
                   if (topic is None or q.topic == topic) and (difficulty is None or q.difficulty == difficulty)
                   and q.id not in set(exclude)]
        if not written:
            return quiz
        keep = quiz.questions[: n - len(written)]
        mixed = keep + written
        random.Random(seed).shuffle(mixed)
        return Quiz(quiz.role, mixed)

    def question(self, question_id: str) -> QuizQuestion:
        with self._lock:
            found = self._written.get(question_id.strip())
        return found if found is not None else super().question(question_id)

    def _write(self, posting: Posting, count: int) -> list[QuizQuestion]:
        items = generate_posting_questions(self.model, posting, count, topics=self.bank.topics())
        questions = [
            QuizQuestion(item["id"], item["topic"] or self._topic_of(item["line"]), item["difficulty"],
                         item["question"], f"Written by the language model from the posting. {item['why']}",
                         tuple(item["key_points"]), (), "posting", posting.role_id)
            for item in items
        ]
        with self._lock:
            for question in questions:
                self._written[question.id] = question
            while len(self._written) > REMEMBERED:
                self._written.pop(next(iter(self._written)))
        return questions

    def _topic_of(self, line: str) -> str:
        """The model gave no valid topic: classify the posting line as template questions are."""
        return self.profiler.scorer.classify([line])[0]


class LLMGrader(Grader):
    """A `Grader` whose verdicts come from the language-model judge (each resting on a quote checked
    to be verbatim in the answer), plus the model's short critique. On a timeout or bad output the
    offline grader's verdicts stand and a note says so."""

    def __init__(self, offline: Grader, model: Runnable) -> None:
        self.__dict__.update(offline.__dict__)
        self.model = model

    def grade(self, question, answer: str, role: Posting | str | None = None) -> Feedback:
        feedback = super().grade(question, answer, role)
        try:
            verdicts = judge(self.model, question.question, list(question.key_points), answer)
        except Exception as err:  # timeout, HTTP error, unusable JSON (BadJudgement)
            log.warning("judge unavailable, offline verdicts kept: %s: %s", type(err).__name__, err)
            feedback.notes.append("The language model could not judge this answer, so these verdicts are the "
                                  "offline grader's.")
        else:
            feedback.verdicts, feedback.judge = verdicts, JUDGE_BASIS
            feedback.notes = [n for n in feedback.notes if not n.startswith(OFFLINE_ONLY_NOTES)]
        summary = (f"covered: {[p for p, _, _ in feedback.covered]}; contradicted: "
                   f"{[p for p, _ in feedback.contradicted]}; missed: {feedback.missed}")
        text = critique(self.model, question.question, list(question.key_points), answer, summary)
        if text:
            feedback.critique = text
        else:
            feedback.notes.append("The language model was unavailable, so there is no critique this time.")
        return feedback


# Offline notes about which points were stated: the judge's verdicts replace them.
OFFLINE_ONLY_NOTES = ("No sentence stated", "Some of what you said reads as the opposite")
