"""Checks on what callers and users hand the state store: ids, clocks, ratings, times, timezones.

The `parse_*` functions take text a person typed (a slash-command option, a chat line) and raise
`InvalidSetting` with a one-line message fit to show that person.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from fsrs import Rating

from .errors import InvalidSetting

#: Anything accepted as a Discord id: snowflake int or string (``"local"``).
Snowflake = str | int

#: ``guild_id`` stored for activity that happens in DMs / the terminal chat.
#: Snowflakes are numeric, so this can never collide with a real guild.
DM_SCOPE = "dm"

RATINGS: Mapping[str, Rating] = {
    "again": Rating.Again,
    "hard": Rating.Hard,
    "good": Rating.Good,
    "easy": Rating.Easy,
}

_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")


def utc(now: datetime) -> datetime:
    """Normalise ``now`` to aware UTC; naive datetimes are a programming error."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime (use datetime.now(UTC))")
    return now.astimezone(UTC)


def now_or(now: datetime | None) -> datetime:
    """``now`` in UTC, or the current time when the caller does not control the clock."""
    return datetime.now(UTC) if now is None else utc(now)


def ident(value: Snowflake) -> str:
    """Normalise a Discord id (or ``"local"``) to its stored string form."""
    if value is None or isinstance(value, bool):
        raise ValueError(f"invalid id: {value!r}")
    text = str(value).strip()
    if not text:
        raise ValueError("id must not be empty")
    return text


def scope(guild_id: Snowflake | None) -> str:
    """The stored guild of an activity: the guild's id, or `DM_SCOPE` for DMs and the terminal."""
    return DM_SCOPE if guild_id is None else ident(guild_id)


def parse_rating(rating: str | Rating) -> Rating:
    """Map ``"again" | "hard" | "good" | "easy"`` (any case) to an FSRS rating."""
    if isinstance(rating, Rating):
        return rating
    found = RATINGS.get(str(rating).strip().lower())
    if found is None:
        raise InvalidSetting(f"'{rating}' isn't a rating I know. Rate the card again, hard, good or easy.")
    return found


def parse_post_time(text: str) -> str:
    """Validate a 24-hour ``HH:MM`` time and return it zero-padded."""
    match = _TIME_RE.match(str(text).strip())
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours < 24 and minutes < 60:
            return f"{hours:02d}:{minutes:02d}"
    raise InvalidSetting(f"'{text}' isn't a time I understand. Use 24-hour HH:MM, for example 09:30 or 18:00.")


def parse_timezone(name: str) -> str:
    """Validate an IANA timezone name and return its canonical spelling.

    Matching is case-insensitive (``europe/london`` -> ``Europe/London``)
    because people type these by hand in a slash command.
    """
    candidate = str(name).strip()
    try:
        ZoneInfo(candidate)
        return candidate
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    lowered = candidate.lower()
    for known in available_timezones():
        if known.lower() == lowered:
            return known
    raise InvalidSetting(
        f"'{name}' isn't a timezone I know. Use an IANA name such as Europe/London, America/New_York or UTC."
    )
