"""One PrepBot per test module, running against the fake Discord on 127.0.0.1.

`prep` is the module's bot (index: the session's seeded index; state: SQLite in a temp dir).
`h` is the same harness for one test, and after the test checks that the bot made no failing
request, acknowledged every interaction within 3 s, sent every message with allowed_mentions none,
and logged no error.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from bot.core.index import KnowledgeIndex
from tests.conftest import SEED_POSTINGS
from tests.discord.harness import Harness, make_services, make_settings, monotonic, running_prepbot


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def prep(request, tmp_path_factory) -> AsyncIterator[Harness]:
    """The module's bot. A module may set `SETTINGS = {...}` (environment names) to change settings,
    `SCHEDULER_INTERVAL` (seconds) to make the daily-question loop tick faster, and `OWN_INDEX = True`
    to get an index of its own (for tests that ingest) instead of the session's seeded one."""
    overrides = getattr(request.module, "SETTINGS", {})
    data_dir = tmp_path_factory.mktemp("prep-data")
    settings = make_settings(data_dir, **overrides)
    if getattr(request.module, "OWN_INDEX", False):
        index = KnowledgeIndex(data_dir / "index", "", embeddings=request.getfixturevalue("embeddings"))
        index.ingest([SEED_POSTINGS])
    else:
        index = request.getfixturevalue("seeded_index")
    interval = getattr(request.module, "SCHEDULER_INTERVAL", 30.0)
    async with running_prepbot(make_services(settings, index), scheduler_interval=interval) as harness:
        yield harness


@pytest.fixture
def h(prep: Harness, caplog: pytest.LogCaptureFixture) -> Iterator[Harness]:
    caplog.set_level(logging.WARNING)
    since = monotonic()
    prep.errors.clear()
    prep.failed.clear()
    prep.allowed_rest_errors.clear()
    yield prep
    prep.check_requests(since)
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged == [], [r.getMessage() for r in logged]
