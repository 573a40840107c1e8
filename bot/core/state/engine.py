"""The database under the store: one engine, short transactions, and retries after a dropped connection.

Design choices, and why:

* **SQLAlchemy 2 Core, sync engine.** The Discord layer calls the store via ``asyncio.to_thread``; a
  sync engine with a connection pool is simplest to reason about there, and the same code runs on
  SQLite (default) and on PostgreSQL once ``DATABASE_URL`` points at one.
* **One engine, short transactions.** Every public store method opens a connection, does its work in
  one transaction and returns plain dataclasses, so no database object crosses a thread boundary.
* **SQLite tuned for a multi-threaded bot.** WAL lets readers proceed while a writer commits;
  ``busy_timeout`` makes a writer wait instead of failing; and write transactions start with
  ``BEGIN IMMEDIATE`` so two read-then-write transactions cannot deadlock on lock upgrade (which
  SQLite reports as an immediate "database is locked" that no timeout can fix).
* **A server database may restart.** On PostgreSQL the pool pings a connection before lending it, and
  a method that fails because the connection dropped is run again (backing off, for up to
  ``retry_seconds``, with tenacity) when that is safe: any failure before COMMIT was sent (the
  server rolled the transaction back), and for idempotent methods a failure during COMMIT too.
  Otherwise, or when the server stays away, :class:`StateUnavailable` reports it; nothing is dropped
  silently. SQLite errors are never retried (``busy_timeout`` covers locking).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
import tenacity
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from .errors import StateUnavailable

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

#: What a user sees when the database stays unreachable through the retries.
UNAVAILABLE = "The study database is unavailable right now; try again shortly."
#: ...and when the connection dropped while a non-idempotent write was committing.
UNCERTAIN = "The study database connection dropped while saving; that may not have been saved. Please check."
FIRST_BACKOFF = 0.05  # seconds before the first retry; doubles each time
MAX_BACKOFF = 1.0


class Database:
    """The engine plus the transaction and retry rules every store method follows."""

    def __init__(self, url: sa.URL, *, busy_timeout_ms: int, retry_seconds: float) -> None:
        """Create the engine (no connection yet); raises `StateUnavailable` without a driver."""
        self.url = url
        self.retry_seconds = retry_seconds if url.get_backend_name() != "sqlite" else 0.0
        #: How many times a call was run again after a dropped connection (for diagnostics and tests).
        self.retries = 0
        try:
            self.engine, memory = _make_engine(url, busy_timeout_ms)
        except (sa.exc.NoSuchModuleError, ImportError) as err:
            raise StateUnavailable(f"No database driver for {where(url)} is installed ({err}).") from err
        # One shared in-memory connection: serialise access to it.
        self.serial: contextlib.AbstractContextManager[Any] = threading.RLock() if memory else contextlib.nullcontext()

    @contextlib.contextmanager
    def tx(self, *, write: bool = False) -> Iterator[Connection]:
        """One short transaction; writers take SQLite's write lock up front.

        A database error raised while committing is marked ``prepbot_during_commit``:
        the transaction may or may not have been applied (see :meth:`run`).
        """
        committing = False
        try:
            with self.serial, self.engine.connect() as conn:
                if write:
                    conn.execution_options(prepbot_begin="IMMEDIATE")
                with conn.begin():
                    yield conn
                    committing = True
        except sa.exc.DBAPIError as err:
            err.prepbot_during_commit = committing  # type: ignore[attr-defined]
            raise

    def run(self, name: str, idempotent: bool, call: Callable[[], Any]) -> Any:
        """Run ``call``; after a dropped server connection run it again while it is safe and time allows."""
        if not self.retry_seconds:
            return call()
        retryer = tenacity.Retrying(
            retry=tenacity.retry_if_exception(lambda err: _may_retry(err, idempotent)),
            stop=tenacity.stop_before_delay(self.retry_seconds),
            wait=tenacity.wait_exponential(multiplier=FIRST_BACKOFF, max=MAX_BACKOFF),
            before_sleep=functools.partial(self._note_retry, name),
            reraise=True,
        )
        try:
            return retryer(call)
        except sa.exc.DBAPIError as err:
            if not _dropped(err):
                raise
            if getattr(err, "prepbot_during_commit", False) and not idempotent:
                log.warning("%s: connection lost during COMMIT; not retried: %s", name, reason(err))
                raise StateUnavailable(UNCERTAIN) from err
            if name == "migrate":  # opening: the caller's StateUnavailable says it all
                raise
            log.warning("%s: database unreachable for %.1fs: %s", name, self.retry_seconds, reason(err))
            raise StateUnavailable(UNAVAILABLE) from err

    def _note_retry(self, name: str, state: tenacity.RetryCallState) -> None:
        self.retries += 1
        err = state.outcome.exception() if state.outcome else None
        log.info("%s: retrying after a dropped database connection: %s", name, reason(err) if err else "")

    # ----- portable writes ----------------------------------------------------------------------
    def insert_ignore(self, conn: Connection, table: sa.Table, values: dict[str, Any]) -> bool:
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

    def upsert(self, conn: Connection, table: sa.Table, values: dict[str, Any], keys: tuple[str, ...],
               update: Iterable[str] | None = None) -> None:
        """Insert ``values``, or update the ``update`` columns (default: all but ``keys``) if ``keys`` exist."""
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
        match = sa.and_(*(table.c[k] == values[k] for k in keys))
        if conn.execute(sa.update(table).where(match).values({c: values[c] for c in update_cols})).rowcount == 0:
            conn.execute(sa.insert(table).values(**values))

    def _dialect_insert(self, table: sa.Table) -> Any:
        name = self.engine.dialect.name
        if name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        elif name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            return None
        return insert(table)


class HasDatabase(Protocol):
    """What the area modules' methods need from the store they are mixed into."""

    _db: Database


def retrying(*, idempotent: bool) -> Callable[[F], F]:
    """Run the store method again after a dropped server connection when that cannot duplicate a write.

    ``idempotent`` methods (reads, upserts, deletes, insert-if-absent) are retried whatever the
    phase of the failure; others only when the failure came before COMMIT was sent.
    """

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def run(self: HasDatabase, *args: Any, **kwargs: Any) -> Any:
            return self._db.run(method.__name__, idempotent, lambda: method(self, *args, **kwargs))

        return run  # type: ignore[return-value]

    return decorate


def select_model(model: type, table: sa.Table) -> sa.Select[Any]:
    """SELECT the columns of ``table`` that ``model``'s fields name, so each row maps as ``model(**row)``."""
    return sa.select(*(table.c[f.name] for f in dataclasses.fields(model)))


# ----- opening ---------------------------------------------------------------------------------------
def _dropped(err: BaseException) -> bool:
    """A lost or refused server connection (as opposed to a bad query or a constraint)."""
    return isinstance(err, sa.exc.DBAPIError) and (
        err.connection_invalidated or isinstance(err, sa.exc.OperationalError | sa.exc.InterfaceError))


def _may_retry(err: BaseException, idempotent: bool) -> bool:
    return _dropped(err) and (idempotent or not getattr(err, "prepbot_during_commit", False))


def _is_memory_sqlite(url: sa.URL) -> bool:
    return url.get_backend_name() == "sqlite" and (
        url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"
    )


def _make_engine(url: sa.URL, busy_timeout_ms: int) -> tuple[Engine, bool]:
    """Create the process-wide engine; returns it and whether it is in-memory SQLite."""
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


def where(url: sa.URL) -> str:
    """The database as a user should see it: a file path, or the URL without its password."""
    if url.get_backend_name() == "sqlite":
        return url.database or "memory"
    return url.render_as_string(hide_password=True)


def reason(err: BaseException) -> str:
    """The first line of the driver's message (no SQL, no class names)."""
    inner = getattr(err, "orig", None) or err
    if isinstance(inner, OSError) and inner.strerror:
        return f"{inner.strerror}: {inner.filename}" if inner.filename else inner.strerror
    lines = str(inner).strip().splitlines()
    return lines[0][:200] if lines else type(inner).__name__


def open_failure(url: sa.URL, err: BaseException) -> StateUnavailable:
    """The one-line message for a database that cannot be opened, saying what to do about it."""
    place = where(url)
    if url.get_backend_name() == "sqlite":
        return StateUnavailable(
            f"The state database at {place} cannot be opened ({reason(err)}). It holds study progress: restore "
            "it from a backup, or move it aside and prepbot starts a new, empty one."
        )
    return StateUnavailable(
        f"The state database at {place} is unreachable ({reason(err)}). Check DATABASE_URL and that the "
        "database server is running."
    )
