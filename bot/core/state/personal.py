"""Personal state for fit checks and study plans: new review cards from fit gaps, kept resumes,
time zone and daily plan DM preferences, saved plans with once-only daily DM claims, leaderboard
opt-outs, and `forget_user`, which deletes every row about a person in one transaction.

Resumes are personal data: a row exists only after the person pressed "keep my resume"; the fit
check itself never writes one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from fsrs import Card

from . import schema as t
from .engine import Database, retrying
from .validators import Snowflake, ident, now_or, parse_post_time, parse_timezone, utc

DEFAULT_PLAN_DM_TIME = "08:00"


@dataclass(frozen=True, slots=True)
class UserPrefs:
    user_id: str
    timezone: str | None
    plan_dm: bool
    plan_dm_time: str


@dataclass(frozen=True, slots=True)
class SavedPlan:
    user_id: str
    role_id: str
    interview_date: date
    minutes: int
    data: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class KeptResume:
    user_id: str
    filename: str
    text: str
    kept_at: datetime


class PersonalArea:
    """The fit/plan/forget methods of :class:`StateStore`."""

    _db: Database

    # ----- cards from fit gaps ------------------------------------------------------------------
    @retrying(idempotent=True)
    def add_new_cards(self, user_id: Snowflake, question_ids: list[str], now: datetime) -> list[str]:
        """Schedule never-practised questions as new cards due `now`; returns the ids added (a card
        the user already has is left alone, so its review history is never reset)."""
        now = utc(now)
        uid = ident(user_id)
        added = []
        with self._db.tx(write=True) as conn:
            for number, qid in enumerate(dict.fromkeys(ident(q) for q in question_ids)):
                # An explicit id: py-fsrs otherwise sleeps a millisecond per card to make its id unique.
                card = Card(card_id=int(now.timestamp() * 1000) * 100 + number, due=now)
                values = {"user_id": uid, "question_id": qid, "card": card.to_dict(), "due": now,
                          "state": card.state.name.lower(), "last_review": None, "last_rating": None,
                          "reps": 0, "lapses": 0, "created_at": now, "updated_at": now}
                if self._db.insert_ignore(conn, t.cards, values):
                    added.append(qid)
        return added

    @retrying(idempotent=True)
    def card_ids(self, user_id: Snowflake) -> set[str]:
        """Question ids the user has a card for."""
        with self._db.tx() as conn:
            return set(conn.execute(sa.select(t.cards.c.question_id).where(t.cards.c.user_id == ident(user_id)))
                       .scalars())

    @retrying(idempotent=True)
    def all_cards(self, user_id: Snowflake) -> list[dict[str, Any]]:
        """Every card of the user as (question id, FSRS card dict) rows, for plan simulation."""
        c = t.cards.c
        with self._db.tx() as conn:
            rows = conn.execute(sa.select(c.question_id, c.card).where(c.user_id == ident(user_id))
                                .order_by(c.question_id)).all()
        return [{"question_id": qid, "card": card} for qid, card in rows]

    # ----- resumes (only when the person asked to keep one) --------------------------------------
    @retrying(idempotent=True)
    def keep_resume(self, user_id: Snowflake, filename: str, text: str, now: datetime) -> None:
        with self._db.tx(write=True) as conn:
            self._db.upsert(conn, t.resumes, {"user_id": ident(user_id), "filename": str(filename)[:255],
                                              "text": str(text), "kept_at": utc(now)}, keys=("user_id",))

    @retrying(idempotent=True)
    def kept_resume(self, user_id: Snowflake) -> KeptResume | None:
        row = self._users_row(t.resumes, user_id)
        return KeptResume(**row) if row else None

    @retrying(idempotent=True)
    def drop_resume(self, user_id: Snowflake) -> bool:
        with self._db.tx(write=True) as conn:
            return conn.execute(sa.delete(t.resumes).where(t.resumes.c.user_id == ident(user_id))).rowcount > 0

    # ----- preferences --------------------------------------------------------------------------
    @retrying(idempotent=True)
    def user_prefs(self, user_id: Snowflake) -> UserPrefs:
        """The user's preferences (defaults when never set)."""
        row = self._users_row(t.user_prefs, user_id)
        if row is None:
            return UserPrefs(ident(user_id), None, False, DEFAULT_PLAN_DM_TIME)
        return UserPrefs(row["user_id"], row["timezone"], bool(row["plan_dm"]), row["plan_dm_time"])

    @retrying(idempotent=True)
    def set_user_prefs(self, user_id: Snowflake, *, timezone: str | None = None, plan_dm: bool | None = None,
                       plan_dm_time: str | None = None, now: datetime | None = None) -> UserPrefs:
        """Change the given preferences (validated; `InvalidSetting` for a bad time or zone)."""
        current = self.user_prefs(user_id)
        updated = UserPrefs(
            current.user_id,
            parse_timezone(timezone) if timezone else current.timezone,
            current.plan_dm if plan_dm is None else bool(plan_dm),
            parse_post_time(plan_dm_time) if plan_dm_time else current.plan_dm_time,
        )
        with self._db.tx(write=True) as conn:
            self._db.upsert(conn, t.user_prefs, {"user_id": updated.user_id, "timezone": updated.timezone,
                                                 "plan_dm": updated.plan_dm, "plan_dm_time": updated.plan_dm_time,
                                                 "updated_at": now_or(now)}, keys=("user_id",))
        return updated

    # ----- plans --------------------------------------------------------------------------------
    @retrying(idempotent=True)
    def save_plan(self, user_id: Snowflake, role_id: str, interview_date: date, minutes: int,
                  data: dict[str, Any], now: datetime) -> None:
        with self._db.tx(write=True) as conn:
            self._db.upsert(conn, t.plans, {"user_id": ident(user_id), "role_id": str(role_id),
                                            "interview_date": interview_date, "minutes": int(minutes),
                                            "data": data, "created_at": utc(now)}, keys=("user_id",))

    @retrying(idempotent=True)
    def saved_plan(self, user_id: Snowflake) -> SavedPlan | None:
        row = self._users_row(t.plans, user_id)
        return SavedPlan(**row) if row else None

    def _users_row(self, table: sa.Table, user_id: Snowflake) -> sa.RowMapping | None:
        """The user's one row of a table keyed by user (resumes, preferences, plans), None when absent."""
        with self._db.tx() as conn:
            return conn.execute(sa.select(table).where(table.c.user_id == ident(user_id))).mappings().first()

    @retrying(idempotent=True)
    def plan_dm_subscribers(self) -> list[tuple[UserPrefs, SavedPlan]]:
        """Users who asked for the daily plan DM and have a plan and a time zone (scheduler loop)."""
        p, s = t.user_prefs.c, t.plans.c
        query = (sa.select(t.user_prefs, t.plans).join(t.plans, s.user_id == p.user_id)
                 .where(p.plan_dm.is_(True), p.timezone.is_not(None)).order_by(p.user_id))
        with self._db.tx() as conn:
            rows = conn.execute(query).mappings().all()
        return [(UserPrefs(r["user_id"], r["timezone"], True, r["plan_dm_time"]),
                 SavedPlan(r["user_id"], r["role_id"], r["interview_date"], r["minutes"], r["data"],
                           r["created_at"])) for r in rows]

    @retrying(idempotent=False)
    def claim_plan_dm(self, user_id: Snowflake, local_date: date, *, now: datetime | None = None) -> bool:
        """True for exactly one caller per user and local day, across threads and processes."""
        with self._db.tx(write=True) as conn:
            return self._db.insert_ignore(conn, t.plan_dm_posts, {"user_id": ident(user_id),
                                                                  "local_date": local_date,
                                                                  "claimed_at": now_or(now)})

    @retrying(idempotent=True)
    def mark_plan_dm_sent(self, user_id: Snowflake, local_date: date, *, now: datetime | None = None) -> None:
        d = t.plan_dm_posts.c
        with self._db.tx(write=True) as conn:
            conn.execute(sa.update(t.plan_dm_posts).where(d.user_id == ident(user_id), d.local_date == local_date)
                         .values(sent_at=now_or(now)))

    @retrying(idempotent=True)
    def release_plan_dm(self, user_id: Snowflake, local_date: date) -> bool:
        """Undo a claim whose DM failed (never one that was sent), so the next tick retries."""
        d = t.plan_dm_posts.c
        with self._db.tx(write=True) as conn:
            return conn.execute(sa.delete(t.plan_dm_posts).where(
                d.user_id == ident(user_id), d.local_date == local_date, d.sent_at.is_(None))).rowcount > 0

    # ----- leaderboard opt-out ------------------------------------------------------------------
    @retrying(idempotent=True)
    def set_leaderboard_hidden(self, guild_id: Snowflake, user_id: Snowflake, hidden: bool,
                               *, now: datetime | None = None) -> None:
        o = t.leaderboard_optout.c
        with self._db.tx(write=True) as conn:
            if hidden:
                self._db.insert_ignore(conn, t.leaderboard_optout, {"guild_id": ident(guild_id),
                                                                    "user_id": ident(user_id),
                                                                    "created_at": now_or(now)})
            else:
                conn.execute(sa.delete(t.leaderboard_optout).where(o.guild_id == ident(guild_id),
                                                                   o.user_id == ident(user_id)))

    @retrying(idempotent=True)
    def leaderboard_hidden(self, guild_id: Snowflake) -> set[str]:
        o = t.leaderboard_optout.c
        with self._db.tx() as conn:
            return set(conn.execute(sa.select(o.user_id).where(o.guild_id == ident(guild_id))).scalars())

    # ----- forget -------------------------------------------------------------------------------
    @retrying(idempotent=True)
    def forget_user(self, user_id: Snowflake, pending_scope: str | None = None,
                    now: datetime | None = None) -> dict[str, int]:
        """Delete every row about the user (cards, answers, activity, sessions, their DM
        conversation, votes, target role, resume, preferences, plan, DM claims, opt-outs) in one
        transaction: all of it goes, or none. `pending_scope` (their postings' scope key) is recorded
        in the same transaction as a deletion the vector store still owes (`pending_forgets`).
        Returns the rows deleted per table."""
        uid = ident(user_id)
        by_user = (t.cards, t.answers, t.activity, t.sessions, t.feedback, t.target_roles, t.resumes,
                   t.user_prefs, t.plans, t.plan_dm_posts, t.leaderboard_optout)
        deleted: dict[str, int] = {}
        with self._db.tx(write=True) as conn:
            for table in by_user:
                deleted[table.name] = conn.execute(sa.delete(table).where(table.c.user_id == uid)).rowcount
            deleted["turns"] = conn.execute(
                sa.delete(t.turns).where(t.turns.c.conversation_key == f"dm:{uid}")).rowcount
            if pending_scope:
                self._db.upsert(conn, t.pending_forgets, {"scope_key": pending_scope, "requested_at": now_or(now)},
                                keys=("scope_key",))
        return deleted

    @retrying(idempotent=True)
    def pending_forgets(self) -> list[str]:
        """Scope keys whose postings are still to be deleted from the vector store, oldest first."""
        p = t.pending_forgets.c
        with self._db.tx() as conn:
            return list(conn.execute(sa.select(p.scope_key).order_by(p.requested_at, p.scope_key)).scalars())

    @retrying(idempotent=True)
    def forget_done(self, scope_key: str) -> None:
        """The vector store holds nothing of `scope_key` any more."""
        with self._db.tx(write=True) as conn:
            conn.execute(sa.delete(t.pending_forgets).where(t.pending_forgets.c.scope_key == scope_key))
