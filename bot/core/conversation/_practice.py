"""What quizzes, reviews and mock interviews share: picking questions, grading an answer (recorded
with the day's activity), resolving roles, and the self-ratings that turn practice into FSRS cards.

A graded question waits for the user's rating ("again/hard/good/easy", or a button). If the user
moves on without rating, it is scheduled from its coverage at their next turn, so every practised
question becomes a card and a rating is never applied twice by accident.
"""

from __future__ import annotations

import zlib
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.core.conversation._sessions import RATINGS, Pending, suggested_rating
from bot.core.errors import PrepbotError, RoleNotFound, checked_text
from bot.core.roles import role_names
from bot.core.state import RATINGS as RATING_NAMES
from bot.core.state import CardState

if TYPE_CHECKING:
    from bot.core.conversation._needs import ConversationServices
    from bot.core.grading import Feedback, Grader
    from bot.core.index import KnowledgeIndex
    from bot.core.postings import Posting
    from bot.core.quiz import QuizMaker, QuizQuestion
    from bot.core.state import StateStore

MAX_ANSWER_CHARS = 4000
RECENT_EXCLUDED = 30  # recently answered questions a new quiz avoids, while others are left


class InvalidRating(PrepbotError):
    """A self-rating that is not again / hard / good / easy."""


class Practice:
    """Shared by the quiz, review and mock-interview flows; holds no per-user state in memory."""

    def __init__(self, services: ConversationServices, quiz_maker: QuizMaker, grader: Grader) -> None:
        self.services = services
        self.quiz_maker = quiz_maker
        self.grader = grader

    @property
    def state(self) -> StateStore:
        return self.services.state

    @property
    def index(self) -> KnowledgeIndex:
        return self.services.index

    # ----- questions ----------------------------------------------------------------------------
    def question(self, question_id: str) -> QuizQuestion:
        return self.quiz_maker.question(question_id)

    def pick(self, user_id: str, *, role: str | None, topic: str | None = None, difficulty: str | None = None,
             n: int = 5, seed: int = 0, exclude: set[str] | frozenset[str] = frozenset()) -> list[QuizQuestion]:
        """Questions not recently answered when there are enough of them, else any that fit."""
        recent = {a.question_id for a in self.state.recent_answers(user_id, RECENT_EXCLUDED)}
        return self.quiz_maker.pick(recent=recent, exclude=exclude, role=role, topic=topic, difficulty=difficulty, n=n,
                                    seed=seed)

    # ----- grading ------------------------------------------------------------------------------
    def grade(self, user_id: str, question: QuizQuestion, answer: str, now: datetime, *, role: str | None,
              guild_id: str | None = None, local_date: date | None = None, record: bool = True) -> Feedback:
        """Grade, and (with `record`) store the answer and the day's activity and offer a rating."""
        text = validate_answer(answer)
        role_id = role or question.role_id
        posting = self.index.role(role_id) if role_id else None  # a Posting lets the grader find job terms
        feedback = self.grader.grade(question, text, role=posting)
        # A contradicted point counts against the answer, so progress never rewards a wrong one.
        covered, total = max(0, len(feedback.covered) - len(feedback.contradicted)), feedback.total
        day = local_date or now.date()
        self.state.record_activity(guild_id, user_id, day)
        if record:
            self.state.record_answer(user_id, guild_id, question.id, question.topic, text, covered, total, now,
                                     local_date=day)
            self.offer(user_id, question.id, feedback.quality, now, suggested=feedback.suggested_rating())
        return feedback

    # ----- roles --------------------------------------------------------------------------------
    def resolve_roles(self, text: str) -> list[Posting]:
        """Every role `text` names (ids or words); RoleNotFound when it names none."""
        found = self.index.resolver.resolve_name(text)
        if not found.roles:
            raise RoleNotFound(text, role_names(self.index.roles()))
        return found.roles

    def target_role(self, user_id: str) -> Posting | None:
        """The user's target role, if set and still indexed."""
        role_id = self.state.get_target_role(user_id)
        return self.index.role(role_id) if role_id else None

    # ----- self-ratings -------------------------------------------------------------------------
    def offer(self, user_id: str, question_id: str, coverage: float, now: datetime, suggested: str | None = None
              ) -> None:
        """Wait for the user's rating; `suggested` (the grader's, capped at "hard" when a point was
        contradicted) schedules the card if none comes."""
        waiting = [p for p in self._pending(user_id) if p.question_id != question_id]
        waiting.append(Pending(question_id, suggested or suggested_rating(coverage), now.isoformat()))
        self._save_pending(user_id, waiting, now)

    def awaiting_rating(self, user_id: str) -> str | None:
        """The question a bare "good" would rate: the most recently practised unrated one."""
        waiting = self._pending(user_id)
        return waiting[-1].question_id if waiting else None

    def rate(self, user_id: str, question_id: str, rating: str, now: datetime) -> CardState:
        name = rating.strip().lower()
        if name not in RATING_NAMES:
            raise InvalidRating(f"'{rating}' is not a rating; use again, hard, good or easy.")
        waiting = self._pending(user_id)
        if any(p.question_id == question_id for p in waiting):
            self._save_pending(user_id, [p for p in waiting if p.question_id != question_id], now)
        self.question(question_id)  # unknown ids are refused before a card is made for them
        return self.state.review_card(user_id, question_id, name, now)

    def settle(self, user_id: str, now: datetime) -> None:
        """Schedule every question still waiting for a rating with the rating its coverage suggests."""
        waiting = self._pending(user_id)
        if not waiting:
            return
        for pending in waiting:
            self.state.review_card(user_id, pending.question_id, pending.suggested, datetime.fromisoformat(pending.at))
        self.state.clear_session(user_id, RATINGS)

    def _pending(self, user_id: str) -> list[Pending]:
        data = self.state.load_session(user_id, RATINGS) or {}
        return [Pending.from_dict(p) for p in data.get("pending", [])]

    def _save_pending(self, user_id: str, waiting: list[Pending], now: datetime) -> None:
        if waiting:
            self.state.save_session(user_id, RATINGS, {"pending": [p.to_dict() for p in waiting]}, now)
        else:
            self.state.clear_session(user_id, RATINGS)


def validate_answer(answer: str) -> str:
    """The answer stripped, or InvalidQuestion when it is empty or over MAX_ANSWER_CHARS."""
    return checked_text(answer, "answer", MAX_ANSWER_CHARS, "write what you would say in the interview.")


def seed_for(user_id: str, now: datetime) -> int:
    """A different but reproducible question order per user and moment."""
    return zlib.crc32(f"{user_id}:{now.isoformat()}".encode())
