"""Ordered schema migrations, applied automatically when a store opens.

Why hand-rolled rather than Alembic: the bot must upgrade its own SQLite file
on start-up with no operator step, and the schema is small. Each migration is
a function ``(Connection) -> None``; its position in :data:`MIGRATIONS` (1-based)
is its version. The ``schema_version`` table records one row per applied
version, so opening an older database applies exactly the missing ones, in
order, inside one transaction.

Rules for adding a migration:

* Append a function; never edit or reorder one that has shipped.
* Define the tables a migration creates *inside* it (a frozen copy), not by
  referencing :mod:`bot.core.state.schema`, so later edits to the current
  schema cannot change what an old migration does.
* Update :mod:`bot.core.state.schema` to match; ``test_state`` checks that a
  migrated database has every table and column the current schema declares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .errors import StateError
from .schema import AUTO_ID, ID, KEY, UTCDateTime, schema_version

Migration = Callable[[Connection], None]

# An arbitrary constant: the PostgreSQL advisory-lock key serialising migrations
# when several bot processes start at once.
_PG_MIGRATION_LOCK = 0x70726570  # "prep"


def _v1_study_state(conn: Connection) -> None:
    """v1: target roles, FSRS cards, graded answers, activity, study groups."""
    md = sa.MetaData()
    sa.Table(
        "target_roles",
        md,
        sa.Column("user_id", ID, primary_key=True),
        sa.Column("role_id", KEY, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "cards",
        md,
        sa.Column("user_id", ID, primary_key=True),
        sa.Column("question_id", KEY, primary_key=True),
        sa.Column("card", sa.JSON, nullable=False),
        sa.Column("due", UTCDateTime, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("last_review", UTCDateTime),
        sa.Column("last_rating", sa.String(8)),
        sa.Column("reps", sa.Integer, nullable=False, server_default="0"),
        sa.Column("lapses", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Index("ix_cards_user_due", "user_id", "due"),
    )
    sa.Table(
        "answers",
        md,
        sa.Column("id", AUTO_ID, primary_key=True, autoincrement=True),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("guild_id", ID),
        sa.Column("question_id", KEY, nullable=False),
        sa.Column("topic", KEY, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("covered", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("local_date", sa.Date, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Index("ix_answers_user_created", "user_id", "created_at"),
        sa.Index("ix_answers_guild_date", "guild_id", "local_date"),
    )
    sa.Table(
        "activity",
        md,
        sa.Column("guild_id", ID, primary_key=True),
        sa.Column("user_id", ID, primary_key=True),
        sa.Column("local_date", sa.Date, primary_key=True),
        sa.Index("ix_activity_user_date", "user_id", "local_date"),
    )
    sa.Table(
        "studygroups",
        md,
        sa.Column("guild_id", ID, primary_key=True),
        sa.Column("channel_id", ID, nullable=False),
        sa.Column("post_time", sa.String(5), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "daily_posts",
        md,
        sa.Column("guild_id", ID, primary_key=True),
        sa.Column("local_date", sa.Date, primary_key=True),
        sa.Column("thread_id", ID, unique=True),
        sa.Column("question_id", KEY),
        sa.Column("claimed_at", UTCDateTime, nullable=False),
    )
    md.create_all(conn)


def _v2_conversation_state(conn: Connection) -> None:
    """v2: state that must survive restarts: sessions, turns, feedback, threads."""
    md = sa.MetaData()
    sa.Table(
        "sessions",
        md,
        sa.Column("user_id", ID, primary_key=True),
        sa.Column("kind", sa.String(64), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "turns",
        md,
        sa.Column("id", AUTO_ID, primary_key=True, autoincrement=True),
        sa.Column("conversation_key", KEY, nullable=False),
        sa.Column("speaker", sa.String(32), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Index("ix_turns_key_id", "conversation_key", "id"),
    )
    sa.Table(
        "feedback",
        md,
        sa.Column("user_id", ID, primary_key=True),
        sa.Column("target_key", KEY, primary_key=True),
        sa.Column("vote", sa.SmallInteger, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Index("ix_feedback_target", "target_key"),
    )
    sa.Table(
        "bot_threads",
        md,
        sa.Column("thread_id", ID, primary_key=True),
        sa.Column("guild_id", ID, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    md.create_all(conn)


def _v3_fit_and_plans(conn: Connection) -> None:
    """v3: kept resumes, user preferences (timezone, plan DM), study plans and their daily DM claims,
    and leaderboard opt-outs (issue 13)."""
    md = sa.MetaData()
    sa.Table(
        "resumes",
        md,
        sa.Column("user_id", ID, primary_key=True),
        sa.Column("filename", KEY, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("kept_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "user_prefs",
        md,
        sa.Column("user_id", ID, primary_key=True),
        sa.Column("timezone", sa.String(64)),
        sa.Column("plan_dm", sa.Boolean, nullable=False),
        sa.Column("plan_dm_time", sa.String(5), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "plans",
        md,
        sa.Column("user_id", ID, primary_key=True),
        sa.Column("role_id", KEY, nullable=False),
        sa.Column("interview_date", sa.Date, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    sa.Table(
        "plan_dm_posts",
        md,
        sa.Column("user_id", ID, primary_key=True),
        sa.Column("local_date", sa.Date, primary_key=True),
        sa.Column("claimed_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime),
    )
    sa.Table(
        "leaderboard_optout",
        md,
        sa.Column("guild_id", ID, primary_key=True),
        sa.Column("user_id", ID, primary_key=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    md.create_all(conn)


def _v4_pending_forgets(conn: Connection) -> None:
    """v4: scopes whose postings `/forget` must still delete from the vector store (issue 12): written
    in the same transaction as the deleted rows, removed once the vectors are gone, so a store that
    was down at the time is retried until the deletion is done."""
    md = sa.MetaData()
    sa.Table(
        "pending_forgets",
        md,
        sa.Column("scope_key", KEY, primary_key=True),
        sa.Column("requested_at", UTCDateTime, nullable=False),
    )
    md.create_all(conn)


#: Every migration, oldest first. Version N is ``MIGRATIONS[N - 1]``.
MIGRATIONS: Sequence[Migration] = (
    _v1_study_state,
    _v2_conversation_state,
    _v3_fit_and_plans,
    _v4_pending_forgets,
)

#: The schema version this code writes and expects.
LATEST_VERSION = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    """The highest applied version, or 0 for an empty database."""
    if not sa.inspect(conn).has_table(schema_version.name):
        return 0
    return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar() or 0


def migrate(engine: Engine, target: int | None = None) -> int:
    """Bring the database at ``engine`` up to ``target`` (default: latest).

    Runs in a single write transaction that is serialised across processes
    (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL), so two bot
    processes starting together cannot both apply a migration. Returns the
    version the database is at afterwards.

    Raises :class:`StateError` if the database is newer than this code: running
    old code against a newer schema could corrupt it, so we refuse to start.
    """
    target = LATEST_VERSION if target is None else target
    if not 0 <= target <= LATEST_VERSION:
        raise ValueError(f"target version must be between 0 and {LATEST_VERSION}")
    with engine.connect() as conn:
        conn.execution_options(prepbot_begin="IMMEDIATE")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
            schema_version.create(conn, checkfirst=True)
            version = current_version(conn)
            if version > LATEST_VERSION:
                raise StateError(
                    f"The state database is at schema version {version}, but this version of prepbot "
                    f"only knows up to {LATEST_VERSION}. Please upgrade prepbot."
                )
            for number in range(version + 1, target + 1):
                MIGRATIONS[number - 1](conn)
                conn.execute(sa.insert(schema_version).values(version=number, applied_at=datetime.now(UTC)))
            return max(version, target)
