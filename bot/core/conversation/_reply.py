"""What one conversation turn produces; the Discord layer and the terminal chat render it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core.citations import Citation

if TYPE_CHECKING:
    from bot.core.grading import Feedback
    from bot.core.quiz import QuizQuestion

KINDS = ("answer", "quiz", "mock_question", "feedback", "review", "help", "info", "error")


@dataclass
class Reply:
    """One bot message.

    `text` is markdown and may be long (the caller splits it). `question` is the practice question
    now waiting for an answer (quiz, review or mock), if any. `rate_question_id` is the question
    the user just practised: when set, offer Again/Hard/Good/Easy for it (`ConversationEngine.rate`).
    """

    text: str
    kind: str
    citations: list[Citation] = field(default_factory=list)
    question: QuizQuestion | None = None
    feedback: Feedback | None = None
    rate_question_id: str | None = None
