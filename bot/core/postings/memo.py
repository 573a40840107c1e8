"""What is worked out from a posting, remembered per posting version.

Role profiles and the questions written from a posting's lines cost embeddings; they depend on the
posting's text alone, so they are kept under (role id, content hash): a re-ingested, changed
posting is worked out again, an unchanged one never is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from bot.core.postings.model import Posting

T = TypeVar("T")


class PerPosting(Generic[T]):
    """`build(posting)`, remembered for the `size` most recently added posting versions (the oldest
    is forgotten first, so memory stays bounded as students add postings). Thread-safe: the work
    runs outside the lock, so two threads asking for a new posting at once may each build it; both
    get the same result, and the lock is never held across an embedding call."""

    def __init__(self, build: Callable[[Posting], T], size: int) -> None:
        self._build = build
        self._size = size
        self._found: dict[tuple[str, str], T] = {}
        self._lock = threading.Lock()

    def __call__(self, posting: Posting) -> T:
        key = (posting.role_id, posting.content_hash)
        with self._lock:
            if key in self._found:
                return self._found[key]
        built = self._build(posting)
        with self._lock:
            if key not in self._found and len(self._found) >= self._size:
                self._found.pop(next(iter(self._found)))
            self._found[key] = built
        return built
