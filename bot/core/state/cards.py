"""Cards and target role: what a user prepares for and when each question is due again (FSRS)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from fsrs import Card, Rating, Scheduler, State
from sqlalchemy.engine import Connection

from . import schema as t
from .engine import Database, retrying
from .errors import InvalidSetting
from .models import CardState
from .validators import Snowflake, ident, now_or, parse_rating, utc


class CardsArea:
    """The target-role and spaced-repetition methods of :class:`StateStore`."""

    _db: Database
    _scheduler: Scheduler

    # ----- target role --------------------------------------------------------------------------
    @retrying(idempotent=True)
    def set_target_role(self, user_id: Snowflake, role_id: str, *, now: datetime | None = None) -> None:
        """Remember which job role (a knowledge-base role id) the user prepares for."""
        role = str(role_id).strip()
        if not role:
            raise InvalidSetting("Please choose a role.")
        with self._db.tx(write=True) as conn:
            self._db.upsert(conn, t.target_roles, {"user_id": ident(user_id), "role_id": role,
                                                   "updated_at": now_or(now)}, keys=("user_id",))

    @retrying(idempotent=True)
    def get_target_role(self, user_id: Snowflake) -> str | None:
        """The user's target role id, or None if they never chose one."""
        with self._db.tx() as conn:
            return conn.execute(
                sa.select(t.target_roles.c.role_id).where(t.target_roles.c.user_id == ident(user_id))
            ).scalar()

    @retrying(idempotent=True)
    def clear_target_role(self, user_id: Snowflake) -> bool:
        """Forget the user's target role; True if one was set."""
        with self._db.tx(write=True) as conn:
            res = conn.execute(sa.delete(t.target_roles).where(t.target_roles.c.user_id == ident(user_id)))
            return res.rowcount > 0

    # ----- spaced repetition --------------------------------------------------------------------
    @retrying(idempotent=False)
    def review_card(self, user_id: Snowflake, question_id: str, rating: str | Rating, now: datetime) -> CardState:
        """Record a practice of ``question_id`` and reschedule it with FSRS.

        The card is created on first practice (due ``now``, then immediately
        reviewed), so callers never need a separate "add card" step. ``rating``
        is ``"again" | "hard" | "good" | "easy"``; anything else raises
        :class:`InvalidSetting` with a message fit for the user.
        """
        fsrs_rating = parse_rating(rating)
        now = utc(now)
        uid, qid = ident(user_id), ident(question_id)
        c = t.cards.c
        with self._db.tx(write=True) as conn:
            row = (
                conn.execute(sa.select(t.cards).where(c.user_id == uid, c.question_id == qid).with_for_update())
                .mappings()
                .first()
            )
            if row is None:
                card, reps, lapses, created_at = Card(due=now), 0, 0, now
            else:
                card = Card.from_dict(row["card"])
                reps, lapses, created_at = row["reps"], row["lapses"], row["created_at"]
            graduated = card.state == State.Review
            card, _log = self._scheduler.review_card(card, fsrs_rating, review_datetime=now)
            reps += 1
            if graduated and fsrs_rating == Rating.Again:
                lapses += 1
            values = {
                "user_id": uid,
                "question_id": qid,
                "card": card.to_dict(),
                "due": card.due,
                "state": card.state.name.lower(),
                "last_review": now,
                "last_rating": fsrs_rating.name.lower(),
                "reps": reps,
                "lapses": lapses,
                "created_at": created_at,
                "updated_at": now,
            }
            self._db.upsert(conn, t.cards, values, keys=("user_id", "question_id"))
        return _card_state(values)

    @retrying(idempotent=True)
    def get_card(self, user_id: Snowflake, question_id: str) -> CardState | None:
        """The user's card for ``question_id``, or None if never practised."""
        c = t.cards.c
        with self._db.tx() as conn:
            row = (
                conn.execute(sa.select(t.cards).where(c.user_id == ident(user_id), c.question_id == ident(question_id)))
                .mappings()
                .first()
            )
        return _card_state(row) if row else None

    @retrying(idempotent=True)
    def due_cards(self, user_id: Snowflake, now: datetime, limit: int = 10) -> list[CardState]:
        """Cards due at ``now``, most overdue first (at most ``limit``)."""
        c = t.cards.c
        with self._db.tx() as conn:
            rows = conn.execute(
                sa.select(t.cards)
                .where(c.user_id == ident(user_id), c.due <= utc(now))
                .order_by(c.due, c.question_id)
                .limit(limit)
            ).mappings()
            return [_card_state(r) for r in rows]

    @retrying(idempotent=True)
    def card_counts(self, user_id: Snowflake, now: datetime) -> tuple[int, int]:
        """``(total, due)`` card counts for the user at ``now``."""
        with self._db.tx() as conn:
            return card_counts(conn, ident(user_id), utc(now))


def card_counts(conn: Connection, uid: str, now: datetime) -> tuple[int, int]:
    """``(total, due)`` inside an open transaction (progress reads it in the same snapshot)."""
    c = t.cards.c
    total, due = conn.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((c.due <= now, 1), else_=0)), 0)).where(
            c.user_id == uid
        )
    ).one()
    return int(total), int(due)


def _card_state(row: Mapping[str, Any]) -> CardState:
    """A card row as a `CardState`; stability and difficulty live inside the FSRS card's JSON."""
    card = row["card"]
    fields = {name: row[name] for name in ("user_id", "question_id", "due", "state", "reps", "lapses",
                                           "last_review", "last_rating")}
    return CardState(**fields, stability=card.get("stability"), difficulty=card.get("difficulty"))
