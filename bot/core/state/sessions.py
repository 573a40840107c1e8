"""Sessions and conversation memory: in-progress sessions (a mock interview), remembered turns,
votes on the bot's replies, and the threads the bot opened (where it answers without a mention)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from . import schema as t
from .engine import Database, retrying
from .models import FeedbackTotals, Turn
from .validators import Snowflake, ident, now_or, utc


class SessionsArea:
    """The session, conversation, feedback and bot-thread methods of :class:`StateStore`."""

    _db: Database
    _max_turns: int

    # ----- sessions -----------------------------------------------------------------------------
    @retrying(idempotent=True)
    def save_session(self, user_id: Snowflake, kind: str, data: dict[str, Any], now: datetime) -> None:
        """Persist a user's in-progress session of ``kind`` (e.g. "mock") so it survives restarts.

        ``data`` must be JSON-serialisable; it is round-tripped through JSON
        here so what :meth:`load_session` returns is exactly what was stored.
        """
        try:
            payload = json.loads(json.dumps(data))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"session data must be JSON-serialisable: {exc}") from exc
        values = {"user_id": ident(user_id), "kind": ident(kind), "data": payload, "updated_at": utc(now)}
        with self._db.tx(write=True) as conn:
            self._db.upsert(conn, t.sessions, values, keys=("user_id", "kind"))

    @retrying(idempotent=True)
    def load_session(self, user_id: Snowflake, kind: str) -> dict[str, Any] | None:
        """The saved session data, or None if there is no session of that kind."""
        s = t.sessions.c
        with self._db.tx() as conn:
            return conn.execute(sa.select(s.data).where(s.user_id == ident(user_id), s.kind == ident(kind))).scalar()

    @retrying(idempotent=True)
    def clear_session(self, user_id: Snowflake, kind: str) -> bool:
        """Delete a session; True if one existed."""
        s = t.sessions.c
        with self._db.tx(write=True) as conn:
            res = conn.execute(sa.delete(t.sessions).where(s.user_id == ident(user_id), s.kind == ident(kind)))
            return res.rowcount > 0

    # ----- conversation memory ------------------------------------------------------------------
    @retrying(idempotent=False)
    def append_turn(self, conversation_key: str, speaker: str, text: str, now: datetime) -> Turn:
        """Remember one line of a conversation (oldest lines beyond the cap are pruned)."""
        values = {"conversation_key": ident(conversation_key), "speaker": ident(speaker), "text": str(text),
                  "created_at": utc(now)}
        c = t.turns.c
        with self._db.tx(write=True) as conn:
            new_id = conn.execute(sa.insert(t.turns).values(**values)).inserted_primary_key[0]
            cutoff = (
                sa.select(c.id)
                .where(c.conversation_key == values["conversation_key"])
                .order_by(c.id.desc())
                .offset(self._max_turns)
                .limit(1)
                .scalar_subquery()
            )
            conn.execute(sa.delete(t.turns).where(c.conversation_key == values["conversation_key"], c.id <= cutoff))
        return Turn(id=new_id, **values)

    @retrying(idempotent=True)
    def recent_turns(self, conversation_key: str, limit: int = 6) -> list[Turn]:
        """The last ``limit`` turns, oldest first (ready to put in a prompt)."""
        c = t.turns.c
        with self._db.tx() as conn:
            rows = conn.execute(
                sa.select(t.turns).where(c.conversation_key == ident(conversation_key)).order_by(c.id.desc())
                .limit(limit)
            ).mappings()
            return [Turn(**r) for r in reversed(list(rows))]

    @retrying(idempotent=True)
    def clear_turns(self, conversation_key: str) -> int:
        """Forget a conversation; returns how many turns were deleted."""
        query = sa.delete(t.turns).where(t.turns.c.conversation_key == ident(conversation_key))
        with self._db.tx(write=True) as conn:
            return conn.execute(query).rowcount

    # ----- votes on replies ---------------------------------------------------------------------
    @retrying(idempotent=True)
    def record_feedback(self, user_id: Snowflake, target_key: str, vote: int, now: datetime) -> FeedbackTotals:
        """Record a +1/-1 vote; a user's later vote on the same target replaces the earlier one.

        Returns the target's new totals so the caller can refresh button labels.
        """
        if vote not in (1, -1):
            raise ValueError("vote must be +1 or -1")
        key = ident(target_key)
        values = {"user_id": ident(user_id), "target_key": key, "vote": int(vote), "updated_at": utc(now)}
        with self._db.tx(write=True) as conn:
            self._db.upsert(conn, t.feedback, values, keys=("user_id", "target_key"))
            return _feedback_totals(conn, key)

    @retrying(idempotent=True)
    def feedback_totals(self, target_key: str) -> FeedbackTotals:
        """Up and down vote counts for one target."""
        with self._db.tx() as conn:
            return _feedback_totals(conn, ident(target_key))

    # ----- bot threads --------------------------------------------------------------------------
    @retrying(idempotent=True)
    def remember_bot_thread(self, thread_id: Snowflake, guild_id: Snowflake, *, now: datetime | None = None) -> None:
        """Note that the bot opened this thread (so it answers there without a mention)."""
        values = {"thread_id": ident(thread_id), "guild_id": ident(guild_id), "created_at": now_or(now)}
        with self._db.tx(write=True) as conn:
            self._db.insert_ignore(conn, t.bot_threads, values)

    @retrying(idempotent=True)
    def is_bot_thread(self, thread_id: Snowflake) -> bool:
        """True if :meth:`remember_bot_thread` was called for this thread."""
        with self._db.tx() as conn:
            found = conn.execute(
                sa.select(t.bot_threads.c.thread_id).where(t.bot_threads.c.thread_id == ident(thread_id))
            ).first()
            return found is not None


def _feedback_totals(conn: Connection, key: str) -> FeedbackTotals:
    f = t.feedback.c
    up, down = conn.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(sa.case((f.vote > 0, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((f.vote < 0, 1), else_=0)), 0),
        ).where(f.target_key == key)
    ).one()
    return FeedbackTotals(target_key=key, up=int(up), down=int(down))
