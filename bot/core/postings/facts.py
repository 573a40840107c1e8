"""Logistics facts of a posting -- places, work mode, pay, duration, dates, visa, application
limits -- each with the lines that state it.

Every extractor looks first where postings put the fact (a labelled meta line, the meta lines
under the title), then anywhere in the posting, so a fact stated in a paragraph is still found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from bot.core.postings import dates
from bot.core.postings import pay as money
from bot.core.postings.fields import Labelled, sentence_of, values_for
from bot.core.postings.model import Pay, PostingLine
from bot.core.postings.places import City, cities_named, country_code, country_name, fold, is_city, region_fits

T = TypeVar("T")
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
NUMBER_PATTERN = r"(?:\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_DURATION = re.compile(
    rf"\b(?P<a>{NUMBER_PATTERN})(?:\s*(?:-|–|—|to)\s*(?P<b>{NUMBER_PATTERN}))?[\s-]*(?P<unit>weeks?|months?)\b(?!\s+ago)(?!\s+notice)",
    re.I,
)
_NOT_DURATION_BEFORE = re.compile(r"(?:within|after|every|first|last|next|past|in the|over|posted|reposted)\s+$", re.I)
_DURATION_CONTEXT = re.compile(
    r"\b(?:intern\w*|co-?op|placement|program(?:me)?|duration|length|term|contract|fellowship|lasts?|long)\b", re.I
)
_MODES = (
    ("remote", re.compile(r"\b(?:fully |100% )?remote\b(?!\s+(?:sensing|control|interviews?))", re.I)),
    ("hybrid", re.compile(r"\bhybrid\b(?!\s+(?:retrieval|search|model|approach|cloud))", re.I)),
    ("on-site", re.compile(r"\bon[- ]?site\b|\bin[- ]person\b|\bin[- ]office\b|\bfrom (?:our|the) office\b", re.I)),
)
_NEGATED_MODE = re.compile(r"\b(?:not|no|isn't|non)[- ](?:a )?(?:remote|hybrid)\b", re.I)
_OFFICE_DAYS = re.compile(
    rf"\b(?P<n>{NUMBER_PATTERN})\s*(?:office\s+)?days?\s*(?:a|per|/|each)?\s*(?:week|wk)\b"
    rf"|\b(?P<n2>{NUMBER_PATTERN}) days in (?:the |our )?office",
    re.I,
)
_WEEKDAY_SPAN = re.compile(
    r"\b(?:Mon|Tues|Wednes|Thurs|Fri)days?\s+(?:through|to|-|–|and)\s+(?:Mon|Tues|Wednes|Thurs|Fri)days?\b", re.I
)
_PLACE_CONTEXT = re.compile(r"\b(?:based in|located in|offices? in|office in|headquarters in|relocate to)\s+", re.I)
_REMOTE_PLACE = re.compile(
    r"\b(?:fully |100% )?remote\b\s*"
    r"(?:\((?P<a>[^)]{2,30})\)|(?:[-–—,]|within|in)\s*(?:the\s+)?(?P<b>[A-Z][\w.]*(?:\s[A-Z]\w*)?))?",
    re.I,
)
_DEADLINE = re.compile(
    r"\b(?:apply by|deadline|closing date|applications? (?:close|are due|due)|apply before|closes?|no later than)\b",
    re.I,
)
_COMPETITIVE_PAY = re.compile(
    r"\b(?:pay|salary|compensation|stipend)\b[^.]{0,30}\bcompetitive|competitive\s+(?:pay|salary|compensation|stipend)",
    re.I,
)
_START = re.compile(r"\bstart\w*|\bbegin\w*|\bjoin(?:ing)?\b|\bcommenc\w*", re.I)


def _number(token: str) -> int:
    return int(token) if token.isdigit() else NUMBER_WORDS[token.lower()]


def _ordered(header: list[PostingLine], labels: list[Labelled], field: str, lines: list[PostingLine]) -> list:
    """Where to look, most telling first: labelled values, the meta lines, then the whole posting."""
    labelled = [item.line for item in values_for(labels, field)]
    rest = [line for line in lines if line not in labelled and line not in header]
    return list(dict.fromkeys(labelled + header + rest))


def _where_stated(read: Callable[[str], T | None], labels: list[Labelled], field: str,
                  header: list[PostingLine]) -> tuple[T, list[PostingLine]] | None:
    """What `read` finds first where postings state a fact: a labelled `field` value, then the meta
    lines under the title; with the line it was read from. None when neither states it."""
    for item in values_for(labels, field):
        found = read(item.value)
        if found:
            return found, [item.line]
    for line in header:
        found = read(line.text)
        if found:
            return found, [line]
    return None


# ----- places ---------------------------------------------------------------------------------------
def _place(piece: str) -> str | None:
    """A place named by a whole piece ('Seattle, WA', 'Munich, Germany', 'Singapore', 'Remote (US)')."""
    piece = piece.strip(" *_.;:>📍")
    piece = re.sub(r"^(?:in|at|near)\s+", "", piece)
    remote = re.match(r"^(?:fully |100% )?remote\b(.*)$", piece, re.I)
    if remote:
        rest = remote.group(1).strip(" -–—,()")
        rest = re.sub(r"^(?:within|in)\s+(?:the\s+)?", "", rest, flags=re.I)
        return f"Remote ({rest})" if rest and region_fits(rest, None) else "Remote"
    piece = re.sub(r"\s*\([^)]*\)\s*$", "", piece).strip()
    spaced = re.fullmatch(r"(.+?)\s+([A-Z]{2,3})", piece)  # "Sydney NSW", "Austin TX"
    if "," not in piece and spaced and not is_city(piece):
        piece = f"{spaced.group(1)}, {spaced.group(2)}"
    parts = [p.strip() for p in piece.split(",") if p.strip()]
    if not parts or len(parts) > 4:
        return None
    cities = cities_named(parts[0]) if is_city(parts[0]) else []
    if cities:
        city: City | None = next((c for c in cities if all(region_fits(p, c) for p in parts[1:])), None)
        if city is None:
            return None
        if len(parts) == 1:
            country = country_name(city.country)
            return city.name if fold(city.name) == fold(country) else f"{city.name}, {country}"
        return ", ".join(parts)
    if len(parts) == 1 and country_code(parts[0]):
        return parts[0]
    return None


def is_place_text(text: str) -> bool:
    return bool(places_in(text))


def places_in(text: str) -> list[str]:
    """Places in a location-shaped text: 'Seattle, WA or San Francisco, CA', 'Berlin (hybrid)'."""
    text = re.split(r"(?<=[a-z)])\.\s", text)[0]
    found: list[str] = []
    remote = _REMOTE_PLACE.search(text)
    region = remote and (remote.group("a") or remote.group("b"))
    if remote and region and region_fits(region.strip(), None):  # "Remote - Canada", "Remote (EU)"
        found.append(f"Remote ({region.strip()})")
        text = text[: remote.start()] + " | " + text[remote.end() :]
    for piece in re.split(r"\s+(?:or|and|&|/)\s+|;|\s[·|•]\s|\s[—–-]\s", text):
        place = _place(piece)
        if place is None and "," in piece:  # "Seattle, San Francisco, New York"
            for part in piece.split(","):
                place = _place(part)
                if place and place not in found:
                    found.append(place)
            continue
        if place and place not in found:
            found.append(place)
    return found


def extract_locations(
    header: list[PostingLine], labels: list[Labelled], lines: list[PostingLine]
) -> tuple[list[str], list[PostingLine]]:
    """Places where a posting puts them: labelled values, meta lines, 'based in X', 'City, Region'."""
    stated = _where_stated(places_in, labels, "location", header)
    if stated:
        return stated
    for item in values_for(labels, "location"):
        if len(item.value) <= 60:
            return [item.value], [item.line]
    for line in lines:
        for match in _PLACE_CONTEXT.finditer(line.text):
            found = places_in(line.text[match.end() : match.end() + 60])
            if found:
                return found[:1], [sentence_of(line, _PLACE_CONTEXT)]
    return [], []


def remote_place(lines: Iterable[PostingLine]) -> tuple[str, PostingLine] | None:
    """'Remote (US)' from 'Remote (US)', 'Fully remote within the US', 'Remote - Canada'."""
    for line in lines:
        for match in _REMOTE_PLACE.finditer(line.text):
            region = match.group("a") or match.group("b")
            if region and region_fits(region.strip(), None):
                return f"Remote ({region.strip()})", line
    return None


# ----- work mode ------------------------------------------------------------------------------------
def work_mode_of(text: str) -> str | None:
    if re.fullmatch(r"\W*(?:in[- ])?office\W*", text, re.I):
        return "on-site"  # a meta line that just says "Office"
    if _NEGATED_MODE.search(text):
        return None
    for mode, pattern in _MODES:
        if pattern.search(text):
            return mode
    return None


def extract_work_mode(
    header: list[PostingLine], labels: list[Labelled], lines: list[PostingLine]
) -> tuple[str | None, str | None, list[PostingLine]]:
    """(mode, office days, evidence): remote / hybrid / on-site from anywhere, meta lines first."""
    ordered = _ordered(header, labels, "work_mode", lines)
    ordered = [i.line for i in values_for(labels, "location")] + ordered
    mode, evidence = None, []
    for line in ordered:
        found = work_mode_of(line.text)
        if found:
            mode, evidence = found, [sentence_of(line, _MODES[[m for m, _ in _MODES].index(found)][1])]
            break
    days, day_line = _office_days(ordered)
    if mode is None and days:
        mode = "on-site" if days.startswith("5") else "hybrid"
    if day_line and day_line not in evidence:
        evidence.append(day_line)
    return mode, days, evidence


def _office_days(lines: list[PostingLine]) -> tuple[str | None, PostingLine | None]:
    for line in lines:
        if not re.search(r"\boffice|on[- ]?site|in[- ]person|hybrid|days? (?:a|per) week", line.text, re.I):
            continue
        span = _WEEKDAY_SPAN.search(line.text)
        match = _OFFICE_DAYS.search(line.text)
        if match:
            n = _number(match.group("n") or match.group("n2"))
            text = f"{n} days/week" + (f" ({span.group(0)})" if span else "")
            return text, sentence_of(line, _OFFICE_DAYS)
        if span:
            return span.group(0), sentence_of(line, _WEEKDAY_SPAN)
    return None, None


# ----- pay ------------------------------------------------------------------------------------------
def extract_pay(
    header: list[PostingLine], labels: list[Labelled], lines: list[PostingLine]
) -> tuple[Pay | None, str | None, list[PostingLine]]:
    """(pay, note, evidence): the first money figure where pay is stated; 'competitive' is only a note."""
    for item in values_for(labels, "pay"):
        found = money.find_pay(item.value, item.label)
        if found:
            return found, None, [item.line]
    for line in header + [line for line in lines if line not in header]:
        if not money.PAY_CONTEXT.search(line.text) and not money.unit_in(line.text) and line not in header:
            continue
        found = money.find_pay(line.text)
        if found:
            return found, None, [sentence_of(line, re.compile(re.escape(found.as_stated[:8])))]
    for item in values_for(labels, "pay"):
        if money.COMPETITIVE.search(item.value):
            return None, "competitive", [item.line]
    for line in lines:
        if money.PAY_CONTEXT.search(line.text) and money.COMPETITIVE.search(line.text):
            if _COMPETITIVE_PAY.search(line.text):
                return None, "competitive", [sentence_of(line, money.COMPETITIVE)]
    return None, None, []


# ----- duration -------------------------------------------------------------------------------------
def _duration_in(text: str) -> str | None:
    for match in _DURATION.finditer(text):
        if _NOT_DURATION_BEFORE.search(text[: match.start()]):
            continue
        if re.search(r"\b(?:posted|reposted|ago)\b", text[max(0, match.start() - 20) : match.end() + 6], re.I):
            continue
        a = _number(match.group("a"))
        b = _number(match.group("b")) if match.group("b") else None
        unit = match.group("unit").lower().rstrip("s") + "s"
        if b is not None and b > a:
            return f"{a}–{b} {unit}"
        return f"{a} {unit}" if a != 1 else f"1 {unit[:-1]}"
    return None


def extract_duration(
    header: list[PostingLine], labels: list[Labelled], lines: list[PostingLine]
) -> tuple[str | None, list[PostingLine]]:
    """The internship's length ("12 weeks", "3–6 months"): where it is stated, else in a sentence
    about the programme."""
    stated = _where_stated(_duration_in, labels, "duration", header)
    if stated:
        return stated
    for line in lines:
        if line.section == "logistics" or _DURATION_CONTEXT.search(line.text + " " + line.heading):
            found = _duration_in(line.text)
            if found:
                return found, [sentence_of(line, _DURATION)]
    for line in lines:  # "able to commit to working for 12 weeks": stated without the word internship
        found = _duration_in(line.text) if re.search(r"\b(?:commit|work(?:ing)?|program)\b", line.text, re.I) else None
        if found:
            return found, [sentence_of(line, _DURATION)]
    return None, []


# ----- dates ----------------------------------------------------------------------------------------
def extract_start_dates(
    header: list[PostingLine], labels: list[Labelled], lines: list[PostingLine], year: int | None
) -> tuple[list[str], list[PostingLine]]:
    """Start dates as written (ISO appended for exact days): labelled 'Start:' values, else start sentences."""
    for item in values_for(labels, "start"):
        found = _start_phrases(item.value, year)
        if found:
            return found, [item.line]
    under = [line for line in lines if _START.search(line.heading) and line.kind != "header"]
    listed = [(phrase, line) for line in under for phrase in _start_phrases(line.text, year)]
    if listed:
        return list(dict.fromkeys(p for p, _ in listed)), list(dict.fromkeys(line for _, line in listed))
    for line in header + [line for line in lines if line not in header]:
        for sentence in re.split(r"(?<=[.;])\s+|\s[·|•]\s", line.text):
            starts = list(_START.finditer(sentence))
            if not starts or re.search(r"\bjoining bonus|\bstart-?up", sentence, re.I):
                continue
            found = _start_phrases(sentence[starts[0].start() :], year) or _start_phrases(sentence, year)
            if found:
                return found, [sentence_of(line, _START)]
            if dates.ROLLING.search(sentence) or re.search(r"rolling start|start is rolling", sentence, re.I):
                return ["rolling"], [sentence_of(line, _START)]
    for line in header + [line for line in lines if line.section == "logistics"]:
        duration = _DURATION.search(line.text)  # "6-month co-op, September 2026 to February 2027": the term
        found = _start_phrases(line.text[duration.end() :], year) if duration else []
        if found:
            return found[:1], [line]
    return [], []


def _start_phrases(text: str, year: int | None) -> list[str]:
    matches = dates.find_date_phrases(text)
    if not matches:
        return []
    first = matches[0]
    if re.search(r"\b(?:end|ends|until|through)\b", text[: first.start()], re.I):
        return []
    out: list[str] = []
    join = (first.group("join") or "").strip().lower()
    if join in ("or", ",") and first.group("lead") in (None, "", "starting ", "in "):
        for group in ("first", "second"):
            out.append(first.group(group).strip())
        extra = [m for m in matches[1:] if re.match(r"\s*(?:,|or)\s*$", text[first.end() : m.start()])]
        out.extend(m.group("first").strip() for m in extra)
    else:
        out.append(dates.describe(first))
        for match in matches[1:]:
            if re.fullmatch(r"\s*(?:,|or|;)\s*", text[first.end() : match.start()]):
                out.append(dates.describe(match))
    if re.search(r"\bflexible\b", text, re.I) and not any("flexible" in o.lower() for o in out):
        out = [f"{o} (flexible)" for o in out]
    return out


def extract_deadline(
    labels: list[Labelled], lines: list[PostingLine], year: int | None
) -> tuple[str | None, str | None, list[PostingLine]]:
    """(ISO deadline, note, evidence): 'Apply by 28 Feb 2026'; 'rolling' / 'until filled' is a note."""
    candidates = [(item.value, item.line) for item in values_for(labels, "deadline")]
    candidates += [(line.text, line) for line in lines if _DEADLINE.search(line.text)]
    for text, line in candidates:
        segment = text[_DEADLINE.search(text).start() :] if _DEADLINE.search(text) else text
        for match in dates.find_date_phrases(segment):
            iso = dates.to_iso(match.group("first"), year)
            if iso:
                return iso, None, [sentence_of(line, _DEADLINE)]
    for line in lines:
        if re.search(r"\brolling\b|until the (?:role|position) is filled|no fixed deadline", line.text, re.I):
            if re.search(r"\bappl|review|deadline|consider", line.text, re.I):
                note = "rolling" if re.search(r"\brolling\b", line.text, re.I) else "until the position is filled"
                return None, note, [line]
    return None, None, []
