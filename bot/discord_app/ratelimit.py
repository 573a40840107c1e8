"""Per-user rate limit: a token bucket of `rate_limit_per_minute` tokens that refills steadily.

A user can burst up to the full allowance, then gets one more request every 60/rate seconds.
The clock is injectable so tests do not sleep.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_TRACKED = 10_000  # buckets of idle users are dropped beyond this many


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """`hit(user_id)` -> 0.0 when allowed, else the seconds until the next request is allowed."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.capacity = float(per_minute)
        self.refill_per_second = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[int, _Bucket] = {}

    def hit(self, user_id: int) -> float:
        now = self.clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED:
                self._forget_full(now)
            bucket = self._buckets[user_id] = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + max(0.0, now - bucket.updated) * self.refill_per_second)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.refill_per_second

    def reset(self, user_id: int | None = None) -> None:
        """Forget one user's bucket (or everyone's)."""
        if user_id is None:
            self._buckets.clear()
        else:
            self._buckets.pop(user_id, None)

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled completely: they behave exactly like new ones."""
        for user_id, bucket in list(self._buckets.items()):
            if bucket.tokens + (now - bucket.updated) * self.refill_per_second >= self.capacity:
                del self._buckets[user_id]


def retry_phrase(seconds: float) -> str:
    """ "in 1 second" / "in 12 seconds" (rounded up: never tell a user to retry too early)."""
    whole = max(1, math.ceil(seconds))
    return f"in {whole} second{'s' if whole != 1 else ''}"
