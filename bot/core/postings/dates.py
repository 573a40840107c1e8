"""Date phrases as postings write them -- "2026-06-01", "1 June 2026", "June 1st", "6/8/2026",
"Summer 2026", "between July and September 2026", "rolling" -- kept as written and, when they name
one day, normalised to ISO with dateparser (imported lazily: it is slow to import).
"""

from __future__ import annotations

import re
from functools import lru_cache

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"20\d\d"
_SEASON = r"(?:Summer|Fall|Autumn|Winter|Spring)"
_ONE = (
    rf"\b{_YEAR}-\d{{2}}-\d{{2}}\b"
    rf"|\b\d{{1,2}}/\d{{1,2}}/{_YEAR}\b"
    rf"|\b{_WEEKDAY}?{_DAY}\s+{_MONTH}(?:,?\s+{_YEAR})?\b"
    rf"|\b{_WEEKDAY}?{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b(?!\s*(?:%|hours|weeks))"
    rf"|\b{_MONTH}(?:\s+{_YEAR})?\b(?!\s+\d)"
    rf"|\b{_SEASON}(?:\s+(?:term|semester|quarter))?\s+{_YEAR}\b|\b{_YEAR}\s+{_SEASON}\b"
)
DATE = re.compile(rf"(?:{_ONE})", re.I)
_RANGE_JOIN = r"\s*(?:-|–|—|to|and|or|through|until)\s*"
DATE_PHRASE = re.compile(
    rf"(?P<lead>(?:any\s+\w+day\s+)?(?:between|from|after|on or after|no later than|by|before|in|starting)\s+)?"
    rf"(?P<first>{_ONE})(?:(?P<join>{_RANGE_JOIN})(?P<second>{_ONE}))?"
    rf"(?P<tail>\s+(?:or later|or earlier|onwards|or after)|\s*\((?:flexible|negotiable)\))?",
    re.I,
)
ROLLING = re.compile(r"\brolling\b|\bas soon as\b|\buntil (?:the (?:role|position) is|filled)|\bASAP\b", re.I)
_MAY_VERB = re.compile(r"\bMay\s+(?:be|have|not|also|apply|require|include|vary|change|join|start)\b")


@lru_cache(maxsize=4096)
def to_iso(phrase: str, year: int | None = None) -> str | None:
    """ISO date for a phrase naming one day; a year-less day takes `year` when the posting gives one."""
    if not re.search(r"\d", phrase) or re.fullmatch(rf"\s*{_MONTH}\s+{_YEAR}\s*", phrase, re.I):
        return None
    if not re.search(_YEAR, phrase) and year is None:
        return None
    import dateparser

    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", phrase)
    if not re.search(_YEAR, text):
        text = f"{text} {year}"
    settings = {"PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "MDY", "REQUIRE_PARTS": ["day", "month", "year"]}
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date().isoformat() if parsed else None


def find_date_phrases(text: str) -> list[re.Match[str]]:
    """Date phrases in a text, skipping 'May' used as a verb ('candidates may apply')."""
    found = []
    for match in DATE_PHRASE.finditer(text):
        first = match.group("first")
        if first.lower().startswith("may") and (_MAY_VERB.match(text, match.start("first")) or first[0] == "m"):
            if not re.search(r"\d", first):
                continue
        if re.fullmatch(_MONTH, first.strip(), re.I) and not match.group("second") and not match.group("lead"):
            continue  # a lone month name is too weak on its own ("March madness")
        found.append(match)
    return found


def describe(match: re.Match[str]) -> str:
    """The phrase as written, without a leading 'in' / 'starting' / 'by'."""
    phrase = match.group(0).strip()
    lead = (match.group("lead") or "").strip().lower()
    if lead in ("in", "starting", "by"):
        phrase = phrase[len(match.group("lead")) :].strip()
    return phrase


def iso_days(phrase: str, year: int | None) -> list[str]:
    """The exact days a phrase names, as ISO dates ('May 11 and June 22, 2026' -> both)."""
    days = []
    for match in DATE_PHRASE.finditer(phrase):
        second = match.group("second") or ""
        second_year = re.search(_YEAR, second)
        for group in ("first", "second"):
            text = match.group(group)
            if not text:
                continue
            if group == "first" and second_year and not re.search(_YEAR, text):
                text = f"{text} {second_year.group(0)}"  # "May 11 and June 22, 2026"
            iso = to_iso(text, year)
            if iso and iso not in days:
                days.append(iso)
    return days


def with_iso(phrase: str, year: int | None) -> str:
    """'6/8/2026 (2026-06-08)': the phrase as written plus the ISO days it names, if not already ISO."""
    days = [d for d in iso_days(phrase, year) if d not in phrase]
    return f"{phrase} ({', '.join(days)})" if days else phrase


def year_of(texts: list[str]) -> int | None:
    """The year a posting is about: the most common 20xx year it writes."""
    years = re.findall(rf"\b({_YEAR})\b", " ".join(texts))
    return int(max(set(years), key=years.count)) if years else None
