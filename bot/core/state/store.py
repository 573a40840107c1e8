"""The persistent state of prepbot: one :class:`StateStore` per process.

The store is one object composed of one class per area, each in its own module:

* :mod:`.cards`     target role and spaced-repetition cards (FSRS)
* :mod:`.progress`  answers, progress, streaks and leaderboards
* :mod:`.groups`    study groups and daily claims
* :mod:`.sessions`  sessions, conversation memory, votes on replies, bot threads

:mod:`.engine` holds the engine, transactions and retries (why SQLite is tuned as it is, and when a
call is run again after a dropped server connection); :mod:`.validators` checks ids, clocks and the
settings users type. Two rules hold everywhere:

* **Caller supplies the clock.** Methods take ``now`` (aware UTC) or a local ``date`` so tests
  control time and the Discord layer decides which timezone a "day" is in (the guild's).
* **Ids are strings.** Discord snowflakes (ints accepted, stored as ``str``); the terminal chat
  uses ``"local"``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fsrs import Scheduler
from sqlalchemy.engine import Engine

from .cards import CardsArea
from .engine import UNAVAILABLE, UNCERTAIN, Database, open_failure, retrying
from .errors import StateError, StateUnavailable
from .groups import GroupsArea
from .migrations import LATEST_VERSION, current_version, migrate
from .personal import PersonalArea
from .progress import LEADERBOARD_PERIODS, ProgressArea
from .sessions import SessionsArea
from .validators import DM_SCOPE, RATINGS, Snowflake, parse_post_time, parse_rating, parse_timezone

#: File name of the default SQLite database inside the data directory.
DB_FILENAME = "state.sqlite3"


class StateStore(CardsArea, ProgressArea, GroupsArea, SessionsArea, PersonalArea):
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
        self._db = Database(url, busy_timeout_ms=busy_timeout_ms, retry_seconds=retry_seconds)
        self._scheduler = scheduler or Scheduler()
        self._max_turns = max_turns_per_conversation
        try:
            with self._db.serial:
                self._db.run("migrate", True, lambda: migrate(self._db.engine))
        except StateError:
            self._db.engine.dispose()
            raise
        except (sa.exc.DBAPIError, OSError) as err:
            self._db.engine.dispose()
            raise open_failure(url, err) from err

    @classmethod
    def for_data_dir(cls, path: str | Path, **kwargs: Any) -> StateStore:
        """Open the default SQLite store at ``<path>/state.sqlite3`` (creating ``path``)."""
        directory = Path(path)
        try:
            if directory.exists() and not directory.is_dir():
                raise NotADirectoryError(20, "not a folder", str(directory))
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise open_failure(sa.make_url(f"sqlite:///{directory / DB_FILENAME}"), err) from err
        return cls(f"sqlite:///{(directory / DB_FILENAME).resolve()}", **kwargs)

    @classmethod
    def open(cls, database_url: str | None, data_dir: str | Path, **kwargs: Any) -> StateStore:
        """Use ``database_url`` when configured (e.g. PostgreSQL), else SQLite in ``data_dir``."""
        if database_url:
            return cls(database_url, **kwargs)
        return cls.for_data_dir(data_dir, **kwargs)

    @property
    def engine(self) -> Engine:
        """The underlying engine (for diagnostics and tests)."""
        return self._db.engine

    @property
    def retries(self) -> int:
        """How many times a call was run again after a dropped connection (for diagnostics and tests)."""
        return self._db.retries

    def close(self) -> None:
        """Release pooled connections. The store must not be used afterwards."""
        self._db.engine.dispose()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @retrying(idempotent=True)
    def schema_version(self) -> int:
        """The schema version of the open database (equals ``LATEST_VERSION``)."""
        with self._db.tx() as conn:
            return current_version(conn)


__all__ = [
    "DB_FILENAME",
    "DM_SCOPE",
    "LATEST_VERSION",
    "LEADERBOARD_PERIODS",
    "RATINGS",
    "UNAVAILABLE",
    "UNCERTAIN",
    "Snowflake",
    "StateStore",
    "parse_post_time",
    "parse_rating",
    "parse_timezone",
]
