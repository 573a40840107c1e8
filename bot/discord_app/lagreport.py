"""FOR BENCHMARKS ONLY: the event-loop lag of a running bot process, written to a file on exit.

`prepbot run` starts `LagTicker` when PREPBOT_LAG_REPORT names a file: a 10 ms ticker whose
lateness is how long the loop was blocked. On exit (SIGTERM or Ctrl-C) it writes JSON
`{"pid", "shard_ids", "ticks": [[unix_time, drift_seconds], ...]}` so a benchmark can take the
worst drift within its own measurement window. Never needed in production.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

TICK = 0.010


class LagTicker:
    def __init__(self, path: Path, shard_ids: list[int] | None = None) -> None:
        self.path = Path(path)
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

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        report = {"pid": os.getpid(), "shard_ids": self.shard_ids,
                  "ticks": [[round(t, 4), round(d, 5)] for t, d in self.ticks]}
        self.path.write_text(json.dumps(report))
