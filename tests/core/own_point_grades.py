"""Every key point of the bank graded as an answer to its own question, once per test session.

Two checks read these 1,393 gradings (a point is credited by its own terms; a point rarely credits
its siblings), and grading the whole bank takes seconds, so it is done once and shared."""

from __future__ import annotations

from functools import cache

from bot.config import Settings
from bot.core.grading import Grader
from bot.core.grading.feedback import PointVerdict
from bot.core.questions import QuestionBank


@cache
def own_point_verdicts() -> dict[tuple[str, int], list[PointVerdict]]:
    """(question id, key point number) -> the verdicts on every point of that question when the answer
    is that key point's own sentence."""
    bank = QuestionBank.load(Settings().questions_dir)
    grader = Grader(None, bank=bank)
    return {(question.id, number): grader.grade(question, point).verdicts
            for question in bank for number, point in enumerate(question.key_points)}
