"""Study groups and daily claims: a guild's daily-question settings and who posts each day's question.

Claims are what keep several bot processes (shards) from posting twice: the first insert of a
(guild, local date) row wins, enforced by the primary key rather than a check-then-insert.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from . import schema as t
from .engine import Database, retrying, select_model
from .models import DailyPost, StudyGroup
from .validators import Snowflake, ident, now_or, parse_post_time, parse_timezone


class GroupsArea:
    """The study-group and daily-post methods of :class:`StateStore`."""

    _db: Database

    # ----- study groups -------------------------------------------------------------------------
    @retrying(idempotent=True)
    def set_studygroup(self, guild_id: Snowflake, channel_id: Snowflake, post_time: str, timezone: str, *,
                       now: datetime | None = None) -> StudyGroup:
        """Enable (or reconfigure) the daily question for a guild.

        ``post_time`` is 24-hour ``HH:MM`` and ``timezone`` an IANA name; both
        are validated and raise :class:`InvalidSetting` with a message to show
        the admin who typed them.
        """
        group = StudyGroup(guild_id=ident(guild_id), channel_id=ident(channel_id),
                           post_time=parse_post_time(post_time), timezone=parse_timezone(timezone), enabled=True)
        values = {"guild_id": group.guild_id, "channel_id": group.channel_id, "post_time": group.post_time,
                  "timezone": group.timezone, "enabled": True, "updated_at": now_or(now)}
        with self._db.tx(write=True) as conn:
            self._db.upsert(conn, t.studygroups, values, keys=("guild_id",))
        return group

    @retrying(idempotent=True)
    def disable_studygroup(self, guild_id: Snowflake, *, now: datetime | None = None) -> bool:
        """Stop daily posts for a guild, keeping its settings; True if one was enabled."""
        s = t.studygroups.c
        with self._db.tx(write=True) as conn:
            res = conn.execute(
                sa.update(t.studygroups)
                .where(s.guild_id == ident(guild_id), s.enabled.is_(True))
                .values(enabled=False, updated_at=now_or(now))
            )
            return res.rowcount > 0

    @retrying(idempotent=True)
    def get_studygroup(self, guild_id: Snowflake) -> StudyGroup | None:
        """The guild's study-group settings (enabled or not), or None if never set."""
        query = select_model(StudyGroup, t.studygroups).where(t.studygroups.c.guild_id == ident(guild_id))
        with self._db.tx() as conn:
            row = conn.execute(query).mappings().first()
        return StudyGroup(**row) if row else None

    @retrying(idempotent=True)
    def enabled_studygroups(self) -> list[StudyGroup]:
        """All guilds with the daily question switched on (for the scheduler loop)."""
        s = t.studygroups.c
        query = select_model(StudyGroup, t.studygroups).where(s.enabled.is_(True)).order_by(s.guild_id)
        with self._db.tx() as conn:
            return [StudyGroup(**r) for r in conn.execute(query).mappings()]

    # ----- daily claims -------------------------------------------------------------------------
    @retrying(idempotent=False)
    def claim_daily_post(self, guild_id: Snowflake, local_date: date, *, now: datetime | None = None) -> bool:
        """Claim the right to post the daily question for ``guild_id`` on ``local_date``.

        True only for the first caller ever, even across threads and processes
        (enforced by the table's primary key, not by a check-then-insert).
        """
        with self._db.tx(write=True) as conn:
            return self._db.insert_ignore(
                conn, t.daily_posts, {"guild_id": ident(guild_id), "local_date": local_date, "claimed_at": now_or(now)}
            )

    @retrying(idempotent=False)
    def reclaim_stale_daily_post(self, guild_id: Snowflake, local_date: date, older_than: timedelta, *,
                                 now: datetime | None = None) -> bool:
        """Take over a claim that was never posted (no thread) and is older than ``older_than``.

        For a process that died between claiming and posting. One conditional UPDATE moves
        ``claimed_at`` to ``now``, so of several callers racing for the same stale claim exactly one
        gets True (the others then see a fresh claim); a fresh claim or a posted day gives False.
        """
        current = now_or(now)
        d = t.daily_posts.c
        stmt = (
            sa.update(t.daily_posts)
            .where(
                d.guild_id == ident(guild_id),
                d.local_date == local_date,
                d.thread_id.is_(None),
                d.claimed_at < current - older_than,
            )
            .values(claimed_at=current)
            .execution_options(preserve_rowcount=True)
        )
        with self._db.tx(write=True) as conn:
            return conn.execute(stmt).rowcount == 1

    @retrying(idempotent=True)
    def release_daily_post(self, guild_id: Snowflake, local_date: date) -> bool:
        """Undo a claim whose post failed (no thread recorded), so it can be retried."""
        d = t.daily_posts.c
        with self._db.tx(write=True) as conn:
            res = conn.execute(
                sa.delete(t.daily_posts).where(
                    d.guild_id == ident(guild_id), d.local_date == local_date, d.thread_id.is_(None)
                )
            )
            return res.rowcount > 0

    @retrying(idempotent=True)
    def set_daily_thread(self, guild_id: Snowflake, local_date: date, thread_id: Snowflake, question_id: str, *,
                         now: datetime | None = None) -> None:
        """Record the thread and question posted for a guild's day."""
        values = {"guild_id": ident(guild_id), "local_date": local_date, "thread_id": ident(thread_id),
                  "question_id": ident(question_id), "claimed_at": now_or(now)}
        with self._db.tx(write=True) as conn:
            self._db.upsert(conn, t.daily_posts, values, keys=("guild_id", "local_date"),
                            update=("thread_id", "question_id"))

    @retrying(idempotent=True)
    def get_daily_post(self, guild_id: Snowflake, local_date: date) -> DailyPost | None:
        """The claim/post record for a guild's day, or None if unclaimed."""
        d = t.daily_posts.c
        query = select_model(DailyPost, t.daily_posts).where(d.guild_id == ident(guild_id), d.local_date == local_date)
        with self._db.tx() as conn:
            row = conn.execute(query).mappings().first()
        return DailyPost(**row) if row else None

    @retrying(idempotent=True)
    def question_for_thread(self, thread_id: Snowflake) -> str | None:
        """The question a daily thread was opened for, so replies can be graded."""
        d = t.daily_posts.c
        with self._db.tx() as conn:
            return conn.execute(sa.select(d.question_id).where(d.thread_id == ident(thread_id))).scalar()

    @retrying(idempotent=True)
    def asked_questions(self, guild_id: Snowflake) -> set[str]:
        """Question ids already posted in a guild, so the daily question doesn't repeat."""
        d = t.daily_posts.c
        with self._db.tx() as conn:
            return set(
                conn.execute(
                    sa.select(d.question_id).where(d.guild_id == ident(guild_id), d.question_id.is_not(None))
                ).scalars()
            )
