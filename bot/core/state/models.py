"""Typed, immutable results returned by :class:`~bot.core.state.store.StateStore`.

Why dataclasses rather than ORM rows or dicts: callers (the Discord layer, the
terminal chat, the conversation engine) run in other threads and must not hold
database sessions, and typed fields keep a schema change from silently turning
into a ``KeyError`` far away from the database code. All datetimes are
timezone-aware UTC; all Discord ids are strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class CardState:
    """One user's spaced-repetition card for one question (FSRS scheduling).

    ``state`` is the FSRS state name: ``"learning"``, ``"review"`` or
    ``"relearning"``. ``reps`` counts reviews and ``lapses`` counts "again"
    ratings given to a card that had graduated to review, which is what a
    progress report wants to show.
    """

    user_id: str
    question_id: str
    due: datetime
    state: str
    stability: float | None
    difficulty: float | None
    reps: int
    lapses: int
    last_review: datetime | None
    last_rating: str | None

    def is_due(self, now: datetime) -> bool:
        """True when the card should be practised at ``now``."""
        return self.due <= now

    def overdue_by(self, now: datetime) -> timedelta:
        """How long past due the card is at ``now`` (negative when not yet due)."""
        return now - self.due


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """A graded answer: ``covered`` of ``total`` key points were hit."""

    id: int
    user_id: str
    guild_id: str | None
    question_id: str
    topic: str
    answer: str
    covered: int
    total: int
    local_date: date
    created_at: datetime

    @property
    def coverage(self) -> float | None:
        """Fraction of key points covered, or None when the question had none."""
        return self.covered / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class TopicProgress:
    """Per-topic summary: how many answers, and their mean key-point coverage."""

    topic: str
    answers: int
    mean_coverage: float | None


@dataclass(frozen=True, slots=True)
class Progress:
    """Everything a ``/progress`` reply needs, computed in one short transaction.

    ``topics`` maps topic id to its :class:`TopicProgress`, ordered by number
    of answers (most first). ``streak_days`` is the current run of consecutive
    active days across all guilds and DMs.
    """

    user_id: str
    answers: int
    topics: dict[str, TopicProgress]
    cards_total: int
    cards_due: int
    streak_days: int
    questions_practised: int
    last_active: date | None = None

    @property
    def mean_coverage(self) -> float | None:
        """Answer-weighted mean coverage over all topics that have a coverage."""
        scored = [t for t in self.topics.values() if t.mean_coverage is not None]
        n = sum(t.answers for t in scored)
        if not n:
            return None
        return sum(t.mean_coverage * t.answers for t in scored) / n  # type: ignore[operator]


@dataclass(frozen=True, slots=True)
class LeaderboardRow:
    """One leaderboard line; rows come back already ranked (index 0 is first)."""

    user_id: str
    answers: int
    streak: int
    quality: float | None = None  # mean key-point quality of the period's answers (0..1)


@dataclass(frozen=True, slots=True)
class StudyGroup:
    """A guild's daily-question configuration.

    ``post_time`` is normalised ``"HH:MM"`` (24-hour) in ``timezone`` (an IANA
    name). Helpers convert between UTC instants and the guild's local day so
    the scheduler never does timezone arithmetic itself.
    """

    guild_id: str
    channel_id: str
    post_time: str
    timezone: str
    enabled: bool

    @property
    def zone(self) -> ZoneInfo:
        """The guild's timezone as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)

    @property
    def time_of_day(self) -> time:
        """``post_time`` as a ``datetime.time``."""
        hours, minutes = self.post_time.split(":")
        return time(int(hours), int(minutes))

    def local_date(self, now: datetime) -> date:
        """The guild's calendar date at the UTC instant ``now``."""
        return now.astimezone(self.zone).date()

    def post_at(self, local_date: date) -> datetime:
        """The UTC instant at which the post for ``local_date`` is due."""
        local = datetime.combine(local_date, self.time_of_day, tzinfo=self.zone)
        return local.astimezone(ZoneInfo("UTC"))

    def is_post_due(self, now: datetime) -> bool:
        """True once today's (guild-local) post time has passed at ``now``."""
        return now >= self.post_at(self.local_date(now))


@dataclass(frozen=True, slots=True)
class Turn:
    """One remembered line of a conversation (``speaker`` is e.g. "user"/"bot")."""

    id: int
    conversation_key: str
    speaker: str
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class FeedbackTotals:
    """Thumbs-up/down counts for one feedback target (an answer, a hint, ...)."""

    target_key: str
    up: int = 0
    down: int = 0

    @property
    def score(self) -> int:
        """Net votes: ``up - down``."""
        return self.up - self.down


@dataclass(frozen=True, slots=True)
class DailyPost:
    """The daily study-group post for one guild and local date."""

    guild_id: str
    local_date: date
    thread_id: str | None
    question_id: str | None
    claimed_at: datetime = field(compare=False)
