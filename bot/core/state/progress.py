"""Answers, progress and leaderboards: what a user answered, their streaks, and how a guild ranks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import schema as t
from .cards import card_counts
from .engine import Database, retrying
from .errors import InvalidSetting
from .models import AnswerRecord, LeaderboardRow, Progress, TopicProgress
from .validators import Snowflake, ident, scope, utc

LEADERBOARD_PERIODS = ("week", "all")


class ProgressArea:
    """The answer, progress, streak and leaderboard methods of :class:`StateStore`."""

    _db: Database

    # ----- answers ------------------------------------------------------------------------------
    @retrying(idempotent=False)
    def record_answer(self, user_id: Snowflake, guild_id: Snowflake | None, question_id: str, topic: str,
                      answer: str, covered: int, total: int, now: datetime, *,
                      local_date: date | None = None) -> AnswerRecord:
        """Store a graded answer (``covered`` of ``total`` key points).

        ``guild_id`` is None for DMs and the terminal. ``local_date`` is the day
        the answer counts towards on weekly leaderboards; pass the guild's local
        date (see :meth:`StudyGroup.local_date`). It defaults to the UTC date.
        """
        now = utc(now)
        if not 0 <= covered <= total:
            raise ValueError(f"covered ({covered}) must be between 0 and total ({total})")
        values = {
            "user_id": ident(user_id),
            "guild_id": None if guild_id is None else ident(guild_id),
            "question_id": ident(question_id),
            "topic": str(topic),
            "answer": str(answer),
            "covered": int(covered),
            "total": int(total),
            "local_date": local_date or now.date(),
            "created_at": now,
        }
        with self._db.tx(write=True) as conn:
            new_id = conn.execute(sa.insert(t.answers).values(**values)).inserted_primary_key[0]
        return AnswerRecord(id=new_id, **values)

    @retrying(idempotent=True)
    def recent_answers(self, user_id: Snowflake, limit: int = 10) -> list[AnswerRecord]:
        """The user's latest answers, newest first."""
        a = t.answers.c
        with self._db.tx() as conn:
            rows = conn.execute(
                sa.select(t.answers)
                .where(a.user_id == ident(user_id))
                .order_by(a.created_at.desc(), a.id.desc())
                .limit(limit)
            ).mappings()
            return [AnswerRecord(**r) for r in rows]

    # ----- progress -----------------------------------------------------------------------------
    @retrying(idempotent=True)
    def progress(self, user_id: Snowflake, now: datetime, *, today: date | None = None) -> Progress:
        """A consistent snapshot of the user's progress at ``now``.

        The streak spans all guilds and DMs. Pass ``today`` (the user's local
        date) when known; otherwise the UTC date is used, with one day of
        slack either way so that a streak is not broken by timezone skew.
        """
        now = utc(now)
        uid = ident(user_id)
        a = t.answers.c
        coverage = sa.case((a.total > 0, sa.cast(a.covered, sa.Float) / a.total), else_=None)
        with self._db.tx() as conn:
            topic_rows = conn.execute(
                sa.select(a.topic, sa.func.count(), sa.func.avg(coverage))
                .where(a.user_id == uid)
                .group_by(a.topic)
                .order_by(sa.func.count().desc(), a.topic)
            ).all()
            cards_total, cards_due = card_counts(conn, uid, now)
            practised = sa.union(
                sa.select(a.question_id).where(a.user_id == uid),
                sa.select(t.cards.c.question_id).where(t.cards.c.user_id == uid),
            ).subquery()
            questions = conn.execute(sa.select(sa.func.count()).select_from(practised)).scalar() or 0
            v = t.activity.c
            dates = list(
                conn.execute(
                    sa.select(v.local_date).where(v.user_id == uid).distinct().order_by(v.local_date.desc())
                ).scalars()
            )
        if today is None:
            base = now.date()
            streak = count_streak(dates, newest_allowed=base + timedelta(days=1), must_reach=base - timedelta(days=1))
        else:
            streak = count_streak(dates, newest_allowed=today, must_reach=today - timedelta(days=1))
        topics = {
            topic: TopicProgress(topic=topic, answers=int(n), mean_coverage=None if mean is None else float(mean))
            for topic, n, mean in topic_rows
        }
        return Progress(
            user_id=uid,
            answers=sum(tp.answers for tp in topics.values()),
            topics=topics,
            cards_total=cards_total,
            cards_due=cards_due,
            streak_days=streak,
            questions_practised=int(questions),
            last_active=dates[0] if dates else None,
        )

    # ----- streaks and leaderboard --------------------------------------------------------------
    @retrying(idempotent=True)
    def record_activity(self, guild_id: Snowflake | None, user_id: Snowflake, local_date: date) -> int:
        """Mark the user active on ``local_date`` in a guild (None = DMs).

        Returns the streak ending on ``local_date``: consecutive active days in
        that guild. Recording the same day twice counts once; a missed day
        starts the count again from 1.
        """
        place, uid = scope(guild_id), ident(user_id)
        with self._db.tx(write=True) as conn:
            self._db.insert_ignore(conn, t.activity, {"guild_id": place, "user_id": uid, "local_date": local_date})
            return _guild_streak(conn, place, uid, local_date, must_reach=local_date)

    @retrying(idempotent=True)
    def streak(self, guild_id: Snowflake | None, user_id: Snowflake, today: date) -> int:
        """The user's current streak in a guild as of ``today`` (alive if active today or yesterday)."""
        with self._db.tx() as conn:
            return _guild_streak(conn, scope(guild_id), ident(user_id), today, today - timedelta(days=1))

    @retrying(idempotent=True)
    def leaderboard(self, guild_id: Snowflake, period: str, today: date, limit: int = 10, *,
                    min_answers: int = 1) -> list[LeaderboardRow]:
        """The guild's board: members ranked by the quality of their answers, not their number.

        Quality is the grader's per-answer score (key points credited, contradicted ones counting
        against: what ``covered / total`` stores) averaged over the period; a member needs
        ``min_answers`` answers in it to appear, and the current streak breaks ties, then the number
        of answers, then the id. Members who hid themselves (``set_leaderboard_hidden``) never appear.
        ``period`` is ``"week"`` (the 7 local days ending ``today``, inclusive) or ``"all"``.
        Volume-ranked boards get gamed by many quick answers; an average of quality does not.
        """
        if period not in LEADERBOARD_PERIODS:
            raise InvalidSetting("The leaderboard period must be 'week' or 'all'.")
        place = ident(guild_id)
        a = t.answers.c
        n_answers = sa.func.count().label("n")
        score = sa.func.avg(sa.case((a.total > 0, sa.cast(a.covered, sa.Float) / a.total), else_=None)).label("q")
        hidden = sa.select(t.leaderboard_optout.c.user_id).where(t.leaderboard_optout.c.guild_id == place)
        query = sa.select(a.user_id, n_answers, score).where(a.guild_id == place, a.user_id.not_in(hidden))
        if period == "week":
            query = query.where(a.local_date >= today - timedelta(days=6), a.local_date <= today)
        query = query.group_by(a.user_id).having(n_answers >= max(1, min_answers))
        with self._db.tx() as conn:
            counts = conn.execute(query).all()
            if not counts or limit <= 0:
                return []
            qualities = sorted((float(q or 0.0) for _, _, q in counts), reverse=True)
            cutoff = qualities[min(limit, len(qualities)) - 1]  # below it no tie-break can reach the top
            rows = [LeaderboardRow(user_id=uid, answers=int(n),
                                   streak=_guild_streak(conn, place, uid, today, today - timedelta(days=1))
                                   if float(q or 0.0) >= cutoff else 0,
                                   quality=None if q is None else float(q))
                    for uid, n, q in counts]
        rows.sort(key=lambda r: (-(r.quality or 0.0), -r.streak, -r.answers, r.user_id))
        return rows[:limit]


def _guild_streak(conn: Connection, place: str, uid: str, newest: date, must_reach: date) -> int:
    v = t.activity.c
    dates = conn.execute(
        sa.select(v.local_date)
        .where(v.guild_id == place, v.user_id == uid, v.local_date <= newest)
        .order_by(v.local_date.desc())
    ).scalars()
    return count_streak(dates, newest_allowed=newest, must_reach=must_reach)


def count_streak(dates_desc: Iterable[date], *, newest_allowed: date, must_reach: date) -> int:
    """Length of the run of consecutive days ending at the newest active day.

    Dates after ``newest_allowed`` are ignored; the run counts only if its
    newest day is on or after ``must_reach`` (otherwise the streak is broken).
    ``dates_desc`` must be distinct and sorted newest first.
    """
    count = 0
    expected: date | None = None
    for day in dates_desc:
        if day > newest_allowed:
            continue
        if expected is None:
            if day < must_reach:
                return 0
        elif day != expected:
            break
        count += 1
        expected = day - timedelta(days=1)
    return count
