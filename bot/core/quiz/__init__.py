"""Quizzes tailored to a role: bank questions drawn by the role's topic weights, mixed with
questions built from the role's own requirement lines.

In: a question bank and the indexed postings. Out: `Quiz`es of `QuizQuestion`s with stable ids.
- model.py      the quiz, its questions and their ids (`posting-<role_id>-<line_no>-<k>`)
- draw.py       drawing from the bank by topic weight; spreading posting questions over lines
- lines.py      reading a requirement line into what it asks for (`Focus`)
- templates.py  question templates; reviewed tool questions come from knowledge/quiz/tool_guides.yaml
- writer.py     `PostingQuestionWriter`: a posting's lines -> questions tied to bank topics
- maker.py      `QuizMaker`: the entry point callers use
"""

from bot.core.quiz.maker import MAX_QUESTIONS, QuizMaker
from bot.core.quiz.model import (
    MAX_ID_CHARS,
    AmbiguousRole,
    InvalidQuizRequest,
    Quiz,
    QuizQuestion,
    parse_posting_id,
    posting_question_id,
)

__all__ = [
    "MAX_ID_CHARS",
    "MAX_QUESTIONS",
    "AmbiguousRole",
    "InvalidQuizRequest",
    "Quiz",
    "QuizMaker",
    "QuizQuestion",
    "parse_posting_id",
    "posting_question_id",
]
