"""FOR TESTS AND BENCHMARKS ONLY: run `prepbot` in a subprocess against the fake Discord.

    python -m tests.fakediscord.prepbot_process run --shard-count 2 --shard-ids 0

is `prepbot run --shard-count 2 --shard-ids 0` with every REST call and the gateway connection sent
to the servers named by the environment, so the shipped entry point (bot/cli_discord.py) carries no
test hooks:

- PREPBOT_DISCORD_API_BASE: the fake's REST base URL (`FakeDiscord.http_base`);
- PREPBOT_DISCORD_GATEWAY: the fake's gateway WebSocket URL (`FakeDiscord.ws_url`);
- PREPBOT_LAG_REPORT=<file> (benchmarks): a 10 ms ticker measures how long the bot's event loop is
  blocked and writes `{"pid", "shard_ids", "ticks": [[unix_time, drift_seconds], ...]}` to <file>
  when the bot stops (SIGTERM or Ctrl-C), so a benchmark can take the worst drift in its window.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

TICK = 0.010


class LagTicker:
    """A 10 ms ticker on the running loop; each tick's lateness is how long the loop was blocked.
    With a `path`, `stop` writes the ticks there as JSON (for a benchmark reading another process)."""

    def __init__(self, path: Path | None = None, shard_ids: list[int] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.shard_ids = shard_ids
        self.ticks: list[tuple[float, float]] = []
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        expected = loop.time() + TICK
        while True:
            await asyncio.sleep(max(0.0, expected - loop.time()))
            now = loop.time()
            self.ticks.append((time.time(), max(0.0, now - expected)))
            expected = max(expected + TICK, now)

    @property
    def drifts(self) -> list[float]:
        """Each tick's lateness in seconds."""
        return [drift for _, drift in self.ticks]

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self.path is None:
            return
        report = {"pid": os.getpid(), "shard_ids": self.shard_ids,
                  "ticks": [[round(t, 4), round(d, 5)] for t, d in self.ticks]}
        self.path.write_text(json.dumps(report))

    def __enter__(self) -> LagTicker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def point_at(api: str | None, gateway: str | None) -> None:
    """Send discord.py's REST calls to `api` and its gateway connection to `gateway`."""
    import discord.gateway
    import discord.http
    import yarl

    if api:
        discord.http.Route.BASE = api.rstrip("/")
    if gateway:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)


def with_lag_report(start_bot: Callable[..., Coroutine[Any, Any, None]], path: Path) -> Callable[..., Any]:
    """`start_bot` with a `LagTicker` running on its loop for as long as the bot runs."""

    async def start(*args: Any, shard_ids: list[int] | None = None, **kwargs: Any) -> None:
        ticker = LagTicker(path, shard_ids)
        ticker.start()
        try:
            await start_bot(*args, shard_ids=shard_ids, **kwargs)
        finally:
            ticker.stop()

    return start


def main(argv: list[str]) -> int:
    """Point discord.py at the fake, wrap `prepbot run` with the lag ticker if asked, run `prepbot`."""
    point_at(os.environ.get("PREPBOT_DISCORD_API_BASE"), os.environ.get("PREPBOT_DISCORD_GATEWAY"))
    from bot import cli, cli_discord

    if report := os.environ.get("PREPBOT_LAG_REPORT"):
        cli_discord.start_bot = with_lag_report(cli_discord.start_bot, Path(report))
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
