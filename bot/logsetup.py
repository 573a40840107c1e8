"""Logging for every entry point: what reaches a person's terminal is decided here, once.

Some libraries set their own loggers to DEBUG (bm25s does at import) and rely on the root handler
to drop what nobody asked for. `logging.basicConfig` leaves the handler at NOTSET, so such records
would be printed into `prepbot chat`. Filtering on the handler holds whatever a library does to its
own logger.
"""

from __future__ import annotations

import logging

FORMAT = "%(levelname)s %(name)s: %(message)s"


def configure_logging(verbose: bool = False) -> None:
    """WARNING and up on stderr (INFO with --verbose), for every logger including libraries'."""
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format=FORMAT)
    root = logging.getLogger()
    root.setLevel(level)
    for handler in root.handlers:
        handler.setLevel(level)
