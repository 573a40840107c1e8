"""Errors raised by the state layer.

Messages are written for end users: every error here is a ``PrepbotError``, so every front end
(CLI, chat, Discord) shows ``str(error)`` as one line. They say what was wrong and how to fix it,
without stack-trace vocabulary.
"""

from __future__ import annotations

from bot.core.errors import PrepbotError


class StateError(PrepbotError):
    """Base class for every error the state layer raises on purpose (a `PrepbotError`: one root)."""


class InvalidSetting(StateError, ValueError):
    """A user-supplied setting (time, timezone, rating, ...) was rejected.

    Subclasses ``ValueError`` so generic input-validation code can catch it,
    and ``StateError`` so callers can catch all state problems at once.
    """


class StateUnavailable(StateError):
    """The database cannot be opened or reached, or a write's outcome is unknown."""
