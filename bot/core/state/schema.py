"""Current table definitions (SQLAlchemy Core) used by the store's queries.

These describe the schema *after* all migrations in
:mod:`bot.core.state.migrations` have run. Migrations keep their own frozen
copies of the tables they create, so editing a table here never rewrites
history; a test checks that a freshly migrated database matches this file.

Portability notes (SQLite today, PostgreSQL later via ``DATABASE_URL``):

* Discord snowflakes are stored as strings (``ID``): they exceed 2**53, are
  never used arithmetically, and the terminal user is the string ``"local"``.
* Timestamps use :class:`UTCDateTime`, which refuses naive datetimes and
  always hands back aware UTC values, because SQLite drops tzinfo silently.
* Autoincrement keys are ``BigInteger`` on PostgreSQL and ``INTEGER`` on
  SQLite (the only type SQLite will alias to its rowid).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData()

#: Width for Discord snowflakes and other short identifiers.
ID = sa.String(64)
#: Width for question ids, conversation keys, feedback targets.
KEY = sa.String(255)
#: Autoincrement primary key type that works on SQLite and PostgreSQL.
AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp column that stores UTC and returns aware UTC datetimes."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("timestamps must be timezone-aware (UTC)")
        value = value.astimezone(UTC)
        # SQLite has no timezone support: store the naive UTC wall time so that
        # string comparison in SQL orders correctly.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", UTCDateTime, nullable=False),
)

target_roles = sa.Table(
    "target_roles",
    metadata,
    sa.Column("user_id", ID, primary_key=True),
    sa.Column("role_id", KEY, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

cards = sa.Table(
    "cards",
    metadata,
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

answers = sa.Table(
    "answers",
    metadata,
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

activity = sa.Table(
    "activity",
    metadata,
    sa.Column("guild_id", ID, primary_key=True),
    sa.Column("user_id", ID, primary_key=True),
    sa.Column("local_date", sa.Date, primary_key=True),
    sa.Index("ix_activity_user_date", "user_id", "local_date"),
)

studygroups = sa.Table(
    "studygroups",
    metadata,
    sa.Column("guild_id", ID, primary_key=True),
    sa.Column("channel_id", ID, nullable=False),
    sa.Column("post_time", sa.String(5), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

daily_posts = sa.Table(
    "daily_posts",
    metadata,
    sa.Column("guild_id", ID, primary_key=True),
    sa.Column("local_date", sa.Date, primary_key=True),
    sa.Column("thread_id", ID, unique=True),
    sa.Column("question_id", KEY),
    sa.Column("claimed_at", UTCDateTime, nullable=False),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("user_id", ID, primary_key=True),
    sa.Column("kind", sa.String(64), primary_key=True),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

turns = sa.Table(
    "turns",
    metadata,
    sa.Column("id", AUTO_ID, primary_key=True, autoincrement=True),
    sa.Column("conversation_key", KEY, nullable=False),
    sa.Column("speaker", sa.String(32), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_turns_key_id", "conversation_key", "id"),
)

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("user_id", ID, primary_key=True),
    sa.Column("target_key", KEY, primary_key=True),
    sa.Column("vote", sa.SmallInteger, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Index("ix_feedback_target", "target_key"),
)

bot_threads = sa.Table(
    "bot_threads",
    metadata,
    sa.Column("thread_id", ID, primary_key=True),
    sa.Column("guild_id", ID, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)


# ----- v3: fit check, study plans, leaderboard opt-out (issue 13) ---------------------------------
resumes = sa.Table(
    "resumes",
    metadata,
    sa.Column("user_id", ID, primary_key=True),
    sa.Column("filename", KEY, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("kept_at", UTCDateTime, nullable=False),
)

user_prefs = sa.Table(
    "user_prefs",
    metadata,
    sa.Column("user_id", ID, primary_key=True),
    sa.Column("timezone", sa.String(64)),
    sa.Column("plan_dm", sa.Boolean, nullable=False),
    sa.Column("plan_dm_time", sa.String(5), nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

plans = sa.Table(
    "plans",
    metadata,
    sa.Column("user_id", ID, primary_key=True),
    sa.Column("role_id", KEY, nullable=False),
    sa.Column("interview_date", sa.Date, nullable=False),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

plan_dm_posts = sa.Table(
    "plan_dm_posts",
    metadata,
    sa.Column("user_id", ID, primary_key=True),
    sa.Column("local_date", sa.Date, primary_key=True),
    sa.Column("claimed_at", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime),
)

leaderboard_optout = sa.Table(
    "leaderboard_optout",
    metadata,
    sa.Column("guild_id", ID, primary_key=True),
    sa.Column("user_id", ID, primary_key=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

pending_forgets = sa.Table(  # postings /forget still has to delete from the vector store
    "pending_forgets",
    metadata,
    sa.Column("scope_key", KEY, primary_key=True),
    sa.Column("requested_at", UTCDateTime, nullable=False),
)
