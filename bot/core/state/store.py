"""The persistent state of prepbot: one :class:`StateStore` per process.

Design choices, and why:

* **SQLAlchemy 2 Core, sync engine.** The Discord layer calls the store via
  ``asyncio.to_thread``; a sync engine with a connection pool is simplest to
  reason about there, and the same code runs on SQLite (default) and on
  PostgreSQL once ``DATABASE_URL`` points at one.
* **One engine, short transactions.** Every public method opens a connection,
  does its work in one transaction and returns plain dataclasses, so no
  database object ever crosses a thread boundary and locks are held briefly.
* **SQLite tuned for a multi-threaded bot.** WAL lets readers proceed while a
  writer commits; ``busy_timeout`` makes a writer wait instead of failing; and
  write transactions start with ``BEGIN IMMEDIATE`` so two read-then-write
  transactions cannot deadlock on lock upgrade (which SQLite reports as an
  immediate "database is locked" that no timeout can fix).
* **Caller supplies the clock.** Methods take ``now`` (aware UTC) or a local
  ``date`` so tests control time and the Discord layer decides which timezone a
  "day" is in (the guild's study-group timezone).
* **Ids are strings.** Discord snowflakes (ints accepted, stored as ``str``);
  the terminal chat uses ``"local"``.
* **A server database may restart.** On PostgreSQL the pool pings a connection
  before lending it, and a method that fails because the connection dropped is
  run again (backing off, for up to ``retry_seconds``) when that is safe: any
  failure before COMMIT was sent (the server rolled the transaction back), and
  for idempotent methods a failure during COMMIT too. Otherwise, or when the
  server stays away, :class:`StateUnavailable` reports it; nothing is dropped
  silently. SQLite errors are never retried (``busy_timeout`` covers locking).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from fsrs import Card, Rating, Scheduler, State
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from . import schema as t
from .errors import InvalidSetting, StateError, StateUnavailable
from .migrations import LATEST_VERSION, current_version, migrate
from .models import (
    AnswerRecord,
    CardState,
    DailyPost,
    FeedbackTotals,
    LeaderboardRow,
    Progress,
    StudyGroup,
    TopicProgress,
    Turn,
)

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

#: What a user sees when the database stays unreachable through the retries.
UNAVAILABLE = "The study database is unavailable right now; try again shortly."
#: ...and when the connection dropped while a non-idempotent write was committing.
UNCERTAIN = "The study database connection dropped while saving; that may not have been saved. Please check."

#: Anything accepted as a Discord id: snowflake int or string (``"local"``).
Snowflake = str | int

#: ``guild_id`` stored for activity that happens in DMs / the terminal chat.
#: Snowflakes are numeric, so this can never collide with a real guild.
DM_SCOPE = "dm"

#: File name of the default SQLite database inside the data directory.
DB_FILENAME = "state.sqlite3"

RATINGS: Mapping[str, Rating] = {
    "again": Rating.Again,
    "hard": Rating.Hard,
    "good": Rating.Good,
    "easy": Rating.Easy,
}
LEADERBOARD_PERIODS = ("week", "all")

_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")


# --------------------------------------------------------------------------- helpers


def _utc(now: datetime) -> datetime:
    """Normalise ``now`` to aware UTC; naive datetimes are a programming error."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime (use datetime.now(UTC))")
    return now.astimezone(UTC)


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else _utc(now)


def _id(value: Snowflake) -> str:
    """Normalise a Discord id (or ``"local"``) to its stored string form."""
    if value is None or isinstance(value, bool):
        raise ValueError(f"invalid id: {value!r}")
    text = str(value).strip()
    if not text:
        raise ValueError("id must not be empty")
    return text


def _scope(guild_id: Snowflake | None) -> str:
    return DM_SCOPE if guild_id is None else _id(guild_id)


def parse_rating(rating: str | Rating) -> Rating:
    """Map ``"again" | "hard" | "good" | "easy"`` (any case) to an FSRS rating."""
    if isinstance(rating, Rating):
        return rating
    found = RATINGS.get(str(rating).strip().lower())
    if found is None:
        raise InvalidSetting(f"'{rating}' isn't a rating I know. Rate the card again, hard, good or easy.")
    return found


def parse_post_time(text: str) -> str:
    """Validate a 24-hour ``HH:MM`` time and return it zero-padded."""
    match = _TIME_RE.match(str(text).strip())
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours < 24 and minutes < 60:
            return f"{hours:02d}:{minutes:02d}"
    raise InvalidSetting(f"'{text}' isn't a time I understand. Use 24-hour HH:MM, for example 09:30 or 18:00.")


def parse_timezone(name: str) -> str:
    """Validate an IANA timezone name and return its canonical spelling.

    Matching is case-insensitive (``europe/london`` -> ``Europe/London``)
    because people type these by hand in a slash command.
    """
    candidate = str(name).strip()
    try:
        ZoneInfo(candidate)
        return candidate
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    lowered = candidate.lower()
    for known in available_timezones():
        if known.lower() == lowered:
            return known
    raise InvalidSetting(
        f"'{name}' isn't a timezone I know. Use an IANA name such as Europe/London, America/New_York or UTC."
    )


def _streak(dates_desc: Iterable[date], *, newest_allowed: date, must_reach: date) -> int:
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


def _card_state(row: Mapping[str, Any]) -> CardState:
    card = row["card"]
    return CardState(
        user_id=row["user_id"],
        question_id=row["question_id"],
        due=row["due"],
        state=row["state"],
        stability=card.get("stability"),
        difficulty=card.get("difficulty"),
        reps=row["reps"],
        lapses=row["lapses"],
        last_review=row["last_review"],
        last_rating=row["last_rating"],
    )


def _answer(row: Mapping[str, Any]) -> AnswerRecord:
    return AnswerRecord(
        id=row["id"],
        user_id=row["user_id"],
        guild_id=row["guild_id"],
        question_id=row["question_id"],
        topic=row["topic"],
        answer=row["answer"],
        covered=row["covered"],
        total=row["total"],
        local_date=row["local_date"],
        created_at=row["created_at"],
    )


def _studygroup(row: Mapping[str, Any]) -> StudyGroup:
    return StudyGroup(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        post_time=row["post_time"],
        timezone=row["timezone"],
        enabled=bool(row["enabled"]),
    )


def _turn(row: Mapping[str, Any]) -> Turn:
    return Turn(
        id=row["id"],
        conversation_key=row["conversation_key"],
        speaker=row["speaker"],
        text=row["text"],
        created_at=row["created_at"],
    )


def _is_memory_sqlite(url: sa.URL) -> bool:
    return url.get_backend_name() == "sqlite" and (
        url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"
    )


def _make_engine(database_url: str | sa.URL, busy_timeout_ms: int) -> tuple[Engine, bool]:
    """Create the process-wide engine; returns it and whether it is in-memory SQLite."""
    url = sa.make_url(database_url)
    memory = _is_memory_sqlite(url)
    kwargs: dict[str, Any] = {}
    if memory:
        # One shared connection so every thread sees the same in-memory database;
        # the store serialises access to it with a lock.
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    elif url.get_backend_name() != "sqlite":
        kwargs["pool_pre_ping"] = True  # a server restart leaves dead connections in the pool
        if url.get_backend_name() == "postgresql":
            kwargs["connect_args"] = {"connect_timeout": 5}  # an unreachable host fails fast, then retries
    engine = sa.create_engine(url, **kwargs)

    if url.get_backend_name() == "sqlite":

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy emit BEGIN itself (see _on_begin) so DDL is
            # transactional and writers can ask for BEGIN IMMEDIATE.
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            try:
                cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
                cursor.execute("PRAGMA foreign_keys = ON")
                if not memory:
                    cursor.execute("PRAGMA journal_mode = WAL")
                    cursor.execute("PRAGMA synchronous = NORMAL")
            finally:
                cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            mode = conn.get_execution_options().get("prepbot_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

    return engine, memory


def _where(url: sa.URL) -> str:
    """The database as a user should see it: a file path, or the URL without its password."""
    if url.get_backend_name() == "sqlite":
        return url.database or "memory"
    return url.render_as_string(hide_password=True)


def _reason(err: BaseException) -> str:
    """The first line of the driver's message (no SQL, no class names)."""
    inner = getattr(err, "orig", None) or err
    if isinstance(inner, OSError) and inner.strerror:
        return f"{inner.strerror}: {inner.filename}" if inner.filename else inner.strerror
    lines = str(inner).strip().splitlines()
    return lines[0][:200] if lines else type(inner).__name__


def _open_failure(url: sa.URL, err: BaseException) -> StateUnavailable:
    where = _where(url)
    if url.get_backend_name() == "sqlite":
        return StateUnavailable(
            f"The state database at {where} cannot be opened ({_reason(err)}). It holds study progress: restore "
            "it from a backup, or move it aside and prepbot starts a new, empty one."
        )
    return StateUnavailable(
        f"The state database at {where} is unreachable ({_reason(err)}). Check DATABASE_URL and that the "
        "database server is running."
    )


def _retrying(*, idempotent: bool) -> Callable[[F], F]:
    """Run the method again after a dropped server connection when that cannot duplicate a write.

    ``idempotent`` methods (reads, upserts, deletes, insert-if-absent) are retried whatever the
    phase of the failure; others only when the failure came before COMMIT was sent.
    """

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def run(self: StateStore, *args: Any, **kwargs: Any) -> Any:
            return self._with_retries(method.__name__, idempotent, lambda: method(self, *args, **kwargs))

        return run  # type: ignore[return-value]

    return decorate


# --------------------------------------------------------------------------- store


class StateStore:
    """All persistent bot state behind one thread-safe object.

    Create one per process and share it; every method is safe to call from
    worker threads (``asyncio.to_thread``). The schema is created or migrated
    on construction.
    """

    def __init__(
        self,
        database_url: str | sa.URL,
        *,
        scheduler: Scheduler | None = None,
        busy_timeout_ms: int = 15_000,
        max_turns_per_conversation: int = 200,
        retry_seconds: float = 10.0,
    ) -> None:
        """Open (and create or migrate) the database at ``database_url``.

        ``scheduler`` lets tests or settings tune FSRS (e.g. disable fuzzing);
        ``max_turns_per_conversation`` bounds conversation memory so a chatty
        channel cannot grow the database without limit; ``retry_seconds`` is how
        long a call keeps retrying a dropped server connection (not SQLite).

        Raises :class:`StateUnavailable` naming the database when it cannot be
        opened (a corrupt file, a folder that is not one, a server that is down).
        """
        try:
            url = sa.make_url(database_url)
        except sa.exc.ArgumentError as err:
            raise StateUnavailable(f"'{database_url}' is not a database URL ({err}).") from err
        self._retry_seconds = retry_seconds if url.get_backend_name() != "sqlite" else 0.0
        #: How many times a call was run again after a dropped connection (for diagnostics and tests).
        self.retries = 0
        try:
            self._engine, memory = _make_engine(url, busy_timeout_ms)
        except (sa.exc.NoSuchModuleError, ImportError) as err:
            raise StateUnavailable(f"No database driver for {_where(url)} is installed ({err}).") from err
        self._serial: contextlib.AbstractContextManager[Any] = threading.RLock() if memory else contextlib.nullcontext()
        self._scheduler = scheduler or Scheduler()
        self._max_turns = max_turns_per_conversation
        try:
            with self._serial:
                self._with_retries("migrate", True, lambda: migrate(self._engine))
        except StateError:
            self._engine.dispose()
            raise
        except (sa.exc.DBAPIError, OSError) as err:
            self._engine.dispose()
            raise _open_failure(url, err) from err

    @classmethod
    def for_data_dir(cls, path: str | Path, **kwargs: Any) -> StateStore:
        """Open the default SQLite store at ``<path>/state.sqlite3`` (creating ``path``)."""
        directory = Path(path)
        try:
            if directory.exists() and not directory.is_dir():
                raise NotADirectoryError(20, "not a folder", str(directory))
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise _open_failure(sa.make_url(f"sqlite:///{directory / DB_FILENAME}"), err) from err
        return cls(f"sqlite:///{(directory / DB_FILENAME).resolve()}", **kwargs)

    @classmethod
    def open(cls, database_url: str | None, data_dir: str | Path, **kwargs: Any) -> StateStore:
        """Use ``database_url`` when configured (e.g. PostgreSQL), else SQLite in ``data_dir``."""
        if database_url:
            return cls(database_url, **kwargs)
        return cls.for_data_dir(data_dir, **kwargs)

    # ----------------------------------------------------------------- plumbing

    @property
    def engine(self) -> Engine:
        """The underlying engine (for diagnostics and tests)."""
        return self._engine

    def close(self) -> None:
        """Release pooled connections. The store must not be used afterwards."""
        self._engine.dispose()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @_retrying(idempotent=True)
    def schema_version(self) -> int:
        """The schema version of the open database (equals ``LATEST_VERSION``)."""
        with self._tx() as conn:
            return current_version(conn)

    @contextlib.contextmanager
    def _tx(self, *, write: bool = False) -> Iterator[Connection]:
        """One short transaction; writers take SQLite's write lock up front.

        A database error raised while committing is marked ``prepbot_during_commit``:
        the transaction may or may not have been applied (see :meth:`_with_retries`).
        """
        committing = False
        try:
            with self._serial, self._engine.connect() as conn:
                if write:
                    conn.execution_options(prepbot_begin="IMMEDIATE")
                with conn.begin():
                    yield conn
                    committing = True
        except sa.exc.DBAPIError as err:
            err.prepbot_during_commit = committing  # type: ignore[attr-defined]
            raise

    def _with_retries(self, name: str, idempotent: bool, call: Callable[[], Any]) -> Any:
        """Run ``call``; after a dropped server connection run it again while it is safe and time allows."""
        deadline = time.monotonic() + self._retry_seconds
        delay = 0.05
        while True:
            try:
                return call()
            except sa.exc.DBAPIError as err:
                dropped = err.connection_invalidated or isinstance(err, sa.exc.OperationalError | sa.exc.InterfaceError)
                if not self._retry_seconds or not dropped:
                    raise
                if getattr(err, "prepbot_during_commit", False) and not idempotent:
                    log.warning("%s: connection lost during COMMIT; not retried: %s", name, _reason(err))
                    raise StateUnavailable(UNCERTAIN) from err
                if time.monotonic() + delay > deadline:
                    if name == "migrate":  # opening: the caller's StateUnavailable says it all
                        raise
                    log.warning("%s: database unreachable for %.1fs: %s", name, self._retry_seconds, _reason(err))
                    raise StateUnavailable(UNAVAILABLE) from err
                self.retries += 1
                log.info("%s: retrying after a dropped database connection: %s", name, _reason(err))
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    def _dialect_insert(self, table: sa.Table) -> Any:
        name = self._engine.dialect.name
        if name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        elif name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            return None
        return insert(table)

    def _insert_ignore(self, conn: Connection, table: sa.Table, values: dict[str, Any]) -> bool:
        """Insert unless the key exists; True if this call inserted the row."""
        stmt = self._dialect_insert(table)
        if stmt is not None:
            # preserve_rowcount: psycopg reports an INSERT's rowcount only while its cursor is open
            insert = stmt.values(**values).on_conflict_do_nothing().execution_options(preserve_rowcount=True)
            return conn.execute(insert).rowcount == 1
        try:
            with conn.begin_nested():
                conn.execute(sa.insert(table).values(**values))
        except IntegrityError:
            return False
        return True

    def _upsert(
        self,
        conn: Connection,
        table: sa.Table,
        values: dict[str, Any],
        keys: tuple[str, ...],
        update: Iterable[str] | None = None,
    ) -> None:
        """Insert ``values``, or update the ``update`` columns if ``keys`` exist."""
        update_cols = [c for c in (update if update is not None else values) if c not in keys]
        stmt = self._dialect_insert(table)
        if stmt is not None:
            stmt = stmt.values(**values)
            stmt = stmt.on_conflict_do_update(
                index_elements=[table.c[k] for k in keys],
                set_={c: stmt.excluded[c] for c in update_cols},
            )
            conn.execute(stmt)
            return
        where = sa.and_(*(table.c[k] == values[k] for k in keys))
        if conn.execute(sa.update(table).where(where).values({c: values[c] for c in update_cols})).rowcount == 0:
            conn.execute(sa.insert(table).values(**values))

    # ----------------------------------------------------------------- target role

    @_retrying(idempotent=True)
    def set_target_role(self, user_id: Snowflake, role_id: str, *, now: datetime | None = None) -> None:
        """Remember which job role (a knowledge-base role id) the user prepares for."""
        role = str(role_id).strip()
        if not role:
            raise InvalidSetting("Please choose a role.")
        with self._tx(write=True) as conn:
            self._upsert(
                conn,
                t.target_roles,
                {"user_id": _id(user_id), "role_id": role, "updated_at": _now(now)},
                keys=("user_id",),
            )

    @_retrying(idempotent=True)
    def get_target_role(self, user_id: Snowflake) -> str | None:
        """The user's target role id, or None if they never chose one."""
        with self._tx() as conn:
            return conn.execute(
                sa.select(t.target_roles.c.role_id).where(t.target_roles.c.user_id == _id(user_id))
            ).scalar()

    @_retrying(idempotent=True)
    def clear_target_role(self, user_id: Snowflake) -> bool:
        """Forget the user's target role; True if one was set."""
        with self._tx(write=True) as conn:
            res = conn.execute(sa.delete(t.target_roles).where(t.target_roles.c.user_id == _id(user_id)))
            return res.rowcount > 0

    # ----------------------------------------------------------------- spaced repetition

    @_retrying(idempotent=False)
    def review_card(self, user_id: Snowflake, question_id: str, rating: str | Rating, now: datetime) -> CardState:
        """Record a practice of ``question_id`` and reschedule it with FSRS.

        The card is created on first practice (due ``now``, then immediately
        reviewed), so callers never need a separate "add card" step. ``rating``
        is ``"again" | "hard" | "good" | "easy"``; anything else raises
        :class:`InvalidSetting` with a message fit for the user.
        """
        fsrs_rating = parse_rating(rating)
        now = _utc(now)
        uid, qid = _id(user_id), _id(question_id)
        c = t.cards.c
        with self._tx(write=True) as conn:
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
            self._upsert(conn, t.cards, values, keys=("user_id", "question_id"))
        return _card_state(values)

    @_retrying(idempotent=True)
    def get_card(self, user_id: Snowflake, question_id: str) -> CardState | None:
        """The user's card for ``question_id``, or None if never practised."""
        c = t.cards.c
        with self._tx() as conn:
            row = (
                conn.execute(sa.select(t.cards).where(c.user_id == _id(user_id), c.question_id == _id(question_id)))
                .mappings()
                .first()
            )
        return _card_state(row) if row else None

    @_retrying(idempotent=True)
    def due_cards(self, user_id: Snowflake, now: datetime, limit: int = 10) -> list[CardState]:
        """Cards due at ``now``, most overdue first (at most ``limit``)."""
        c = t.cards.c
        with self._tx() as conn:
            rows = conn.execute(
                sa.select(t.cards)
                .where(c.user_id == _id(user_id), c.due <= _utc(now))
                .order_by(c.due, c.question_id)
                .limit(limit)
            ).mappings()
            return [_card_state(r) for r in rows]

    @_retrying(idempotent=True)
    def card_counts(self, user_id: Snowflake, now: datetime) -> tuple[int, int]:
        """``(total, due)`` card counts for the user at ``now``."""
        with self._tx() as conn:
            return self._card_counts(conn, _id(user_id), _utc(now))

    def _card_counts(self, conn: Connection, uid: str, now: datetime) -> tuple[int, int]:
        c = t.cards.c
        total, due = conn.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(sa.case((c.due <= now, 1), else_=0)), 0)).where(
                c.user_id == uid
            )
        ).one()
        return int(total), int(due)

    # ----------------------------------------------------------------- answers

    @_retrying(idempotent=False)
    def record_answer(
        self,
        user_id: Snowflake,
        guild_id: Snowflake | None,
        question_id: str,
        topic: str,
        answer: str,
        covered: int,
        total: int,
        now: datetime,
        *,
        local_date: date | None = None,
    ) -> AnswerRecord:
        """Store a graded answer (``covered`` of ``total`` key points).

        ``guild_id`` is None for DMs and the terminal. ``local_date`` is the day
        the answer counts towards on weekly leaderboards; pass the guild's local
        date (see :meth:`StudyGroup.local_date`). It defaults to the UTC date.
        """
        now = _utc(now)
        if not 0 <= covered <= total:
            raise ValueError(f"covered ({covered}) must be between 0 and total ({total})")
        values = {
            "user_id": _id(user_id),
            "guild_id": None if guild_id is None else _id(guild_id),
            "question_id": _id(question_id),
            "topic": str(topic),
            "answer": str(answer),
            "covered": int(covered),
            "total": int(total),
            "local_date": local_date or now.date(),
            "created_at": now,
        }
        with self._tx(write=True) as conn:
            new_id = conn.execute(sa.insert(t.answers).values(**values)).inserted_primary_key[0]
        return _answer({"id": new_id, **values})

    @_retrying(idempotent=True)
    def recent_answers(self, user_id: Snowflake, limit: int = 10) -> list[AnswerRecord]:
        """The user's latest answers, newest first."""
        a = t.answers.c
        with self._tx() as conn:
            rows = conn.execute(
                sa.select(t.answers)
                .where(a.user_id == _id(user_id))
                .order_by(a.created_at.desc(), a.id.desc())
                .limit(limit)
            ).mappings()
            return [_answer(r) for r in rows]

    # ----------------------------------------------------------------- progress

    @_retrying(idempotent=True)
    def progress(self, user_id: Snowflake, now: datetime, *, today: date | None = None) -> Progress:
        """A consistent snapshot of the user's progress at ``now``.

        The streak spans all guilds and DMs. Pass ``today`` (the user's local
        date) when known; otherwise the UTC date is used, with one day of
        slack either way so that a streak is not broken by timezone skew.
        """
        now = _utc(now)
        uid = _id(user_id)
        a = t.answers.c
        coverage = sa.case((a.total > 0, sa.cast(a.covered, sa.Float) / a.total), else_=None)
        with self._tx() as conn:
            topic_rows = conn.execute(
                sa.select(a.topic, sa.func.count(), sa.func.avg(coverage))
                .where(a.user_id == uid)
                .group_by(a.topic)
                .order_by(sa.func.count().desc(), a.topic)
            ).all()
            cards_total, cards_due = self._card_counts(conn, uid, now)
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
            streak = _streak(dates, newest_allowed=base + timedelta(days=1), must_reach=base - timedelta(days=1))
        else:
            streak = _streak(dates, newest_allowed=today, must_reach=today - timedelta(days=1))
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

    # ----------------------------------------------------------------- streaks / leaderboard

    @_retrying(idempotent=True)
    def record_activity(self, guild_id: Snowflake | None, user_id: Snowflake, local_date: date) -> int:
        """Mark the user active on ``local_date`` in a guild (None = DMs).

        Returns the streak ending on ``local_date``: consecutive active days in
        that guild. Recording the same day twice counts once; a missed day
        starts the count again from 1.
        """
        scope, uid = _scope(guild_id), _id(user_id)
        with self._tx(write=True) as conn:
            self._insert_ignore(conn, t.activity, {"guild_id": scope, "user_id": uid, "local_date": local_date})
            return self._guild_streak(conn, scope, uid, local_date, must_reach=local_date)

    @_retrying(idempotent=True)
    def streak(self, guild_id: Snowflake | None, user_id: Snowflake, today: date) -> int:
        """The user's current streak in a guild as of ``today`` (alive if active today or yesterday)."""
        with self._tx() as conn:
            return self._guild_streak(conn, _scope(guild_id), _id(user_id), today, today - timedelta(days=1))

    def _guild_streak(self, conn: Connection, scope: str, uid: str, newest: date, must_reach: date) -> int:
        v = t.activity.c
        dates = conn.execute(
            sa.select(v.local_date)
            .where(v.guild_id == scope, v.user_id == uid, v.local_date <= newest)
            .order_by(v.local_date.desc())
        ).scalars()
        return _streak(dates, newest_allowed=newest, must_reach=must_reach)

    @_retrying(idempotent=True)
    def leaderboard(self, guild_id: Snowflake, period: str, today: date, limit: int = 10) -> list[LeaderboardRow]:
        """Top answerers in a guild, ranked by answers, then current streak, then id.

        ``period`` is ``"week"`` (the 7 local days ending ``today``, inclusive)
        or ``"all"``. Streaks are current as of ``today`` in this guild.
        """
        if period not in LEADERBOARD_PERIODS:
            raise InvalidSetting("The leaderboard period must be 'week' or 'all'.")
        scope = _id(guild_id)
        a = t.answers.c
        n_answers = sa.func.count().label("n")
        query = sa.select(a.user_id, n_answers).where(a.guild_id == scope)
        if period == "week":
            query = query.where(a.local_date >= today - timedelta(days=6), a.local_date <= today)
        query = query.group_by(a.user_id).order_by(n_answers.desc(), a.user_id)
        with self._tx() as conn:
            counts = conn.execute(query).all()
            if not counts or limit <= 0:
                return []
            # Only users who can still make the cut after streak tie-breaks need a streak.
            cutoff = counts[min(limit, len(counts)) - 1][1]
            rows = [
                LeaderboardRow(
                    user_id=uid,
                    answers=int(n),
                    streak=self._guild_streak(conn, scope, uid, today, today - timedelta(days=1)),
                )
                for uid, n in counts
                if n >= cutoff
            ]
        rows.sort(key=lambda r: (-r.answers, -r.streak, r.user_id))
        return rows[:limit]

    # ----------------------------------------------------------------- study groups

    @_retrying(idempotent=True)
    def set_studygroup(
        self,
        guild_id: Snowflake,
        channel_id: Snowflake,
        post_time: str,
        timezone: str,
        *,
        now: datetime | None = None,
    ) -> StudyGroup:
        """Enable (or reconfigure) the daily question for a guild.

        ``post_time`` is 24-hour ``HH:MM`` and ``timezone`` an IANA name; both
        are validated and raise :class:`InvalidSetting` with a message to show
        the admin who typed them.
        """
        group = StudyGroup(
            guild_id=_id(guild_id),
            channel_id=_id(channel_id),
            post_time=parse_post_time(post_time),
            timezone=parse_timezone(timezone),
            enabled=True,
        )
        with self._tx(write=True) as conn:
            self._upsert(
                conn,
                t.studygroups,
                {
                    "guild_id": group.guild_id,
                    "channel_id": group.channel_id,
                    "post_time": group.post_time,
                    "timezone": group.timezone,
                    "enabled": True,
                    "updated_at": _now(now),
                },
                keys=("guild_id",),
            )
        return group

    @_retrying(idempotent=True)
    def disable_studygroup(self, guild_id: Snowflake, *, now: datetime | None = None) -> bool:
        """Stop daily posts for a guild, keeping its settings; True if one was enabled."""
        s = t.studygroups.c
        with self._tx(write=True) as conn:
            res = conn.execute(
                sa.update(t.studygroups)
                .where(s.guild_id == _id(guild_id), s.enabled.is_(True))
                .values(enabled=False, updated_at=_now(now))
            )
            return res.rowcount > 0

    @_retrying(idempotent=True)
    def get_studygroup(self, guild_id: Snowflake) -> StudyGroup | None:
        """The guild's study-group settings (enabled or not), or None if never set."""
        with self._tx() as conn:
            row = (
                conn.execute(sa.select(t.studygroups).where(t.studygroups.c.guild_id == _id(guild_id)))
                .mappings()
                .first()
            )
        return _studygroup(row) if row else None

    @_retrying(idempotent=True)
    def enabled_studygroups(self) -> list[StudyGroup]:
        """All guilds with the daily question switched on (for the scheduler loop)."""
        s = t.studygroups.c
        with self._tx() as conn:
            rows = conn.execute(sa.select(t.studygroups).where(s.enabled.is_(True)).order_by(s.guild_id)).mappings()
            return [_studygroup(r) for r in rows]

    @_retrying(idempotent=False)
    def claim_daily_post(self, guild_id: Snowflake, local_date: date, *, now: datetime | None = None) -> bool:
        """Claim the right to post the daily question for ``guild_id`` on ``local_date``.

        True only for the first caller ever, even across threads and processes
        (enforced by the table's primary key, not by a check-then-insert).
        """
        with self._tx(write=True) as conn:
            return self._insert_ignore(
                conn,
                t.daily_posts,
                {"guild_id": _id(guild_id), "local_date": local_date, "claimed_at": _now(now)},
            )

    @_retrying(idempotent=False)
    def reclaim_stale_daily_post(
        self,
        guild_id: Snowflake,
        local_date: date,
        older_than: timedelta,
        *,
        now: datetime | None = None,
    ) -> bool:
        """Take over a claim that was never posted (no thread) and is older than ``older_than``.

        For a process that died between claiming and posting. One conditional UPDATE moves
        ``claimed_at`` to ``now``, so of several callers racing for the same stale claim exactly one
        gets True (the others then see a fresh claim); a fresh claim or a posted day gives False.
        """
        current = _now(now)
        d = t.daily_posts.c
        stmt = (
            sa.update(t.daily_posts)
            .where(
                d.guild_id == _id(guild_id),
                d.local_date == local_date,
                d.thread_id.is_(None),
                d.claimed_at < current - older_than,
            )
            .values(claimed_at=current)
            .execution_options(preserve_rowcount=True)
        )
        with self._tx(write=True) as conn:
            return conn.execute(stmt).rowcount == 1

    @_retrying(idempotent=True)
    def release_daily_post(self, guild_id: Snowflake, local_date: date) -> bool:
        """Undo a claim whose post failed (no thread recorded), so it can be retried."""
        d = t.daily_posts.c
        with self._tx(write=True) as conn:
            res = conn.execute(
                sa.delete(t.daily_posts).where(
                    d.guild_id == _id(guild_id), d.local_date == local_date, d.thread_id.is_(None)
                )
            )
            return res.rowcount > 0

    @_retrying(idempotent=True)
    def set_daily_thread(
        self,
        guild_id: Snowflake,
        local_date: date,
        thread_id: Snowflake,
        question_id: str,
        *,
        now: datetime | None = None,
    ) -> None:
        """Record the thread and question posted for a guild's day."""
        with self._tx(write=True) as conn:
            self._upsert(
                conn,
                t.daily_posts,
                {
                    "guild_id": _id(guild_id),
                    "local_date": local_date,
                    "thread_id": _id(thread_id),
                    "question_id": _id(question_id),
                    "claimed_at": _now(now),
                },
                keys=("guild_id", "local_date"),
                update=("thread_id", "question_id"),
            )

    @_retrying(idempotent=True)
    def get_daily_post(self, guild_id: Snowflake, local_date: date) -> DailyPost | None:
        """The claim/post record for a guild's day, or None if unclaimed."""
        d = t.daily_posts.c
        with self._tx() as conn:
            row = (
                conn.execute(sa.select(t.daily_posts).where(d.guild_id == _id(guild_id), d.local_date == local_date))
                .mappings()
                .first()
            )
        return DailyPost(**row) if row else None

    @_retrying(idempotent=True)
    def question_for_thread(self, thread_id: Snowflake) -> str | None:
        """The question a daily thread was opened for, so replies can be graded."""
        d = t.daily_posts.c
        with self._tx() as conn:
            return conn.execute(sa.select(d.question_id).where(d.thread_id == _id(thread_id))).scalar()

    @_retrying(idempotent=True)
    def asked_questions(self, guild_id: Snowflake) -> set[str]:
        """Question ids already posted in a guild, so the daily question doesn't repeat."""
        d = t.daily_posts.c
        with self._tx() as conn:
            return set(
                conn.execute(
                    sa.select(d.question_id).where(d.guild_id == _id(guild_id), d.question_id.is_not(None))
                ).scalars()
            )

    # ----------------------------------------------------------------- sessions

    @_retrying(idempotent=True)
    def save_session(self, user_id: Snowflake, kind: str, data: dict[str, Any], now: datetime) -> None:
        """Persist a user's in-progress session of ``kind`` (e.g. "mock") so it survives restarts.

        ``data`` must be JSON-serialisable; it is round-tripped through JSON
        here so what :meth:`load_session` returns is exactly what was stored.
        """
        try:
            payload = json.loads(json.dumps(data))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"session data must be JSON-serialisable: {exc}") from exc
        with self._tx(write=True) as conn:
            self._upsert(
                conn,
                t.sessions,
                {"user_id": _id(user_id), "kind": _id(kind), "data": payload, "updated_at": _utc(now)},
                keys=("user_id", "kind"),
            )

    @_retrying(idempotent=True)
    def load_session(self, user_id: Snowflake, kind: str) -> dict[str, Any] | None:
        """The saved session data, or None if there is no session of that kind."""
        s = t.sessions.c
        with self._tx() as conn:
            return conn.execute(sa.select(s.data).where(s.user_id == _id(user_id), s.kind == _id(kind))).scalar()

    @_retrying(idempotent=True)
    def clear_session(self, user_id: Snowflake, kind: str) -> bool:
        """Delete a session; True if one existed."""
        s = t.sessions.c
        with self._tx(write=True) as conn:
            res = conn.execute(sa.delete(t.sessions).where(s.user_id == _id(user_id), s.kind == _id(kind)))
            return res.rowcount > 0

    # ----------------------------------------------------------------- conversation memory

    @_retrying(idempotent=False)
    def append_turn(self, conversation_key: str, speaker: str, text: str, now: datetime) -> Turn:
        """Remember one line of a conversation (oldest lines beyond the cap are pruned)."""
        values = {
            "conversation_key": _id(conversation_key),
            "speaker": _id(speaker),
            "text": str(text),
            "created_at": _utc(now),
        }
        c = t.turns.c
        with self._tx(write=True) as conn:
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
        return _turn({"id": new_id, **values})

    @_retrying(idempotent=True)
    def recent_turns(self, conversation_key: str, limit: int = 6) -> list[Turn]:
        """The last ``limit`` turns, oldest first (ready to put in a prompt)."""
        c = t.turns.c
        with self._tx() as conn:
            rows = conn.execute(
                sa.select(t.turns).where(c.conversation_key == _id(conversation_key)).order_by(c.id.desc()).limit(limit)
            ).mappings()
            return [_turn(r) for r in reversed(list(rows))]

    @_retrying(idempotent=True)
    def clear_turns(self, conversation_key: str) -> int:
        """Forget a conversation; returns how many turns were deleted."""
        with self._tx(write=True) as conn:
            return conn.execute(sa.delete(t.turns).where(t.turns.c.conversation_key == _id(conversation_key))).rowcount

    # ----------------------------------------------------------------- feedback

    @_retrying(idempotent=True)
    def record_feedback(self, user_id: Snowflake, target_key: str, vote: int, now: datetime) -> FeedbackTotals:
        """Record a +1/-1 vote; a user's later vote on the same target replaces the earlier one.

        Returns the target's new totals so the caller can refresh button labels.
        """
        if vote not in (1, -1):
            raise ValueError("vote must be +1 or -1")
        key = _id(target_key)
        with self._tx(write=True) as conn:
            self._upsert(
                conn,
                t.feedback,
                {"user_id": _id(user_id), "target_key": key, "vote": int(vote), "updated_at": _utc(now)},
                keys=("user_id", "target_key"),
            )
            return self._feedback_totals(conn, key)

    @_retrying(idempotent=True)
    def feedback_totals(self, target_key: str) -> FeedbackTotals:
        """Up and down vote counts for one target."""
        with self._tx() as conn:
            return self._feedback_totals(conn, _id(target_key))

    def _feedback_totals(self, conn: Connection, key: str) -> FeedbackTotals:
        f = t.feedback.c
        up, down = conn.execute(
            sa.select(
                sa.func.coalesce(sa.func.sum(sa.case((f.vote > 0, 1), else_=0)), 0),
                sa.func.coalesce(sa.func.sum(sa.case((f.vote < 0, 1), else_=0)), 0),
            ).where(f.target_key == key)
        ).one()
        return FeedbackTotals(target_key=key, up=int(up), down=int(down))

    # ----------------------------------------------------------------- bot threads

    @_retrying(idempotent=True)
    def remember_bot_thread(self, thread_id: Snowflake, guild_id: Snowflake, *, now: datetime | None = None) -> None:
        """Note that the bot opened this thread (so it answers there without a mention)."""
        with self._tx(write=True) as conn:
            self._insert_ignore(
                conn,
                t.bot_threads,
                {"thread_id": _id(thread_id), "guild_id": _id(guild_id), "created_at": _now(now)},
            )

    @_retrying(idempotent=True)
    def is_bot_thread(self, thread_id: Snowflake) -> bool:
        """True if :meth:`remember_bot_thread` was called for this thread."""
        with self._tx() as conn:
            found = conn.execute(
                sa.select(t.bot_threads.c.thread_id).where(t.bot_threads.c.thread_id == _id(thread_id))
            ).first()
            return found is not None


__all__ = [
    "DB_FILENAME",
    "DM_SCOPE",
    "LATEST_VERSION",
    "RATINGS",
    "Snowflake",
    "StateStore",
    "parse_post_time",
    "parse_rating",
    "parse_timezone",
]
