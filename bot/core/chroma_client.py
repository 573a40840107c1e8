"""Connecting to Chroma (embedded on disk, or a server when CHROMA_URL is set), and the short retry
and readable messages every Chroma call shares (bot/core/store.py's `VectorStore._guard`)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import chromadb
import httpx
import tenacity
from chromadb.config import Settings as ChromaSettings

from bot.core.errors import KnowledgeBaseUnavailable

log = logging.getLogger(__name__)
REBUILD = "move it aside and run `prepbot ingest knowledge/postings` to rebuild it"  # after a colon
RETRY_DELAYS = (0.2, 0.5)  # seconds: rides out a stale keep-alive connection or a quick server restart
HTTP_TIMEOUT = httpx.Timeout(30.0, connect=3.0)  # chromadb's own default is to wait forever


def open_client(data_dir: Path, chroma_url: str | None) -> chromadb.ClientAPI:
    """A client for the server at `chroma_url`, else for the store in `<data_dir>/chroma`."""
    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        connect = functools.partial(chromadb.HttpClient, host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                    ssl=url.scheme == "https", settings=settings)
        try:
            client = briefly_retrying(lambda err: True)(connect)
        except Exception as err:  # ValueError "Could not connect...", httpx errors, ChromaError
            log.info("Chroma server at %s: %r", chroma_url, err)
            raise KnowledgeBaseUnavailable(
                f"The knowledge base server at {chroma_url} is unavailable right now ({_reason(err)}); "
                "try again shortly."
            ) from err
        session = getattr(getattr(client, "_server", None), "_session", None)
        if isinstance(session, httpx.Client):
            session.timeout = HTTP_TIMEOUT
        return client
    path = Path(data_dir) / "chroma"
    for folder in (Path(data_dir), path):
        if folder.exists() and not folder.is_dir():
            raise KnowledgeBaseUnavailable(f"The knowledge base folder {folder} is a file, not a folder: {REBUILD}.")
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    except Exception as err:  # chroma raises many types for an unreadable store
        raise KnowledgeBaseUnavailable(unreadable(str(path), err)) from err


def briefly_retrying(transient: Callable[[BaseException], bool]) -> tenacity.Retrying:
    """Run a call again after the `RETRY_DELAYS` pauses while `transient(error)` says it may pass; then
    re-raise the last error for the caller to report."""
    return tenacity.Retrying(
        retry=tenacity.retry_if_exception(transient),
        stop=tenacity.stop_after_attempt(len(RETRY_DELAYS) + 1),
        wait=tenacity.wait_chain(*(tenacity.wait_fixed(delay) for delay in RETRY_DELAYS)),
        reraise=True,
    )


def _reason(err: BaseException) -> str:
    """One short line saying what went wrong, without exception class names."""
    if isinstance(err, OSError) and err.strerror:
        return f"{err.strerror}: {err.filename}" if err.filename else err.strerror
    text = str(err).strip().splitlines()
    return text[0][:200] if text else type(err).__name__


def unreadable(where: str, err: BaseException) -> str:
    return f"The knowledge base at {where} cannot be read ({_reason(err)}): {REBUILD}."
