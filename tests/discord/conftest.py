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

from tests.discord.harness import Harness, make_services, make_settings, monotonic, running_prepbot


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def prep(seeded_index, tmp_path_factory) -> AsyncIterator[Harness]:
    settings = make_settings(tmp_path_factory.mktemp("prep-data"))
    async with running_prepbot(make_services(settings, seeded_index)) as harness:
        yield harness


@pytest.fixture
def h(prep: Harness, caplog: pytest.LogCaptureFixture) -> Iterator[Harness]:
    caplog.set_level(logging.WARNING)
    since = monotonic()
    prep.errors.clear()
    prep.failed.clear()
    yield prep
    prep.check_requests(since)
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged == [], [r.getMessage() for r in logged]
