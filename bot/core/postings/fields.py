"""Pull the structured fields (title, pay, location...) out of a sectioned posting.

Each extractor returns the value together with the posting lines that state it, so every field
answer can quote its source. Extractors read wording ("Pay:", "$57 hourly", "12 weeks"), never
the position of a line in one particular layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.postings.model import Pay, PostingLine
from bot.core.postings.places import is_region
from bot.core.postings.reading import RawLine
from bot.core.postings.structure import split_sentences

ROLE_NOUNS = re.compile(
    r"\b(engineer|scientist|researcher|developer|analyst|intern|manager|designer|architect|specialist|"
    r"lead|director|consultant|programmer|technologist|fellow|resident|apprentice)s?\b",
    re.IGNORECASE,
)
_LEVEL_PATTERNS = (  # most specific first
    (re.compile(r"\b(?:BS|B\.S\.|Bachelor'?s?)\s*(?:/|or|and)\s*(?:MS|M\.S\.|Master'?s?)\b", re.I), "BS/MS"),
    (re.compile(r"\b(?:MS|M\.S\.|Master'?s?)(?: degree)?\s*(?:/|or|and)\s*(?:PhD|Ph\.D\.?)", re.I), "MS/PhD"),
    (re.compile(r"\b(?:PhD|Ph\.D\.?|doctoral|doctorate)", re.I), "PhD"),
    (re.compile(r"\b(?:MS|M\.S\.|Master'?s?)\b(?! of)", re.I), "MS"),
    (re.compile(r"\b(?:BS|B\.S\.|Bachelor'?s?)\b", re.I), "BS"),
)
_SEASON = re.compile(
    r"\b(?:20\d\d\s+(?:Summer|Fall|Winter|Spring|Start|Autumn)|(?:Summer|Fall|Winter|Spring)\s+20\d\d)\b", re.I
)
_WORK_MODES = (
    ("remote", re.compile(r"\bremote\b", re.I)),
    ("hybrid", re.compile(r"\bhybrid\b", re.I)),
    ("on-site", re.compile(r"\b(?:on[- ]?site|in[- ]person|in[- ]office|office)\b", re.I)),
)
_EMPLOYMENT = re.compile(r"^(internship|full[- ]time|part[- ]time|contract|temporary|co-?op|permanent)$", re.I)
_MONEY = re.compile(r"(?:US)?\$\s?(\d[\d,]*(?:\.\d+)?)\s*([kK])?")
_PAY_WORDS = re.compile(r"\b(pay|salary|compensation|wage|rate|stipend|hourly|annual|base)\b", re.I)
_UNITS = (
    ("hour", re.compile(r"hourly|per hour|an hour|/\s?h(?:ou)?r\b|\bhr\b", re.I)),
    ("year", re.compile(r"annual|yearly|per year|a year|/\s?y(?:ea)?r\b|per annum|salary", re.I)),
    ("month", re.compile(r"monthly|per month|a month|/\s?mo(?:nth)?\b", re.I)),
    ("week", re.compile(r"weekly|per week|a week|/\s?wk\b", re.I)),
)
_DURATION = re.compile(r"\b(\d{1,2}|twelve|ten|eleven|eight|six|three)[- ](weeks?|months?)\b", re.I)
_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = re.compile(rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+20\d\d\b")
_APPLICATION_LIMIT = re.compile(
    r"\b(?:apply|applications?) to (?:a )?maximum of [\w-]+|maximum of [\w-]+ (?:applications|positions)"
    r"|up to [\w-]+ (?:applications|positions)",
    re.I,
)
_LABEL = re.compile(r"^([A-Za-z][A-Za-z /&-]{1,30}):\s*(.+)$")


@dataclass
class Header:
    """What the top of a posting says: its title line and the short lines around it."""

    title: str
    title_line: RawLine
    company: str | None
    level: str | None
    season: str | None


def find_title(lines: list[RawLine]) -> RawLine | None:
    """The first short line near the top that names a job (an engineer, an intern...)."""
    for line in lines[:25]:
        text = line.text
        if line.kind == "bullet" or text.endswith("?") or len(text) > 200 or len(text.split()) > 28:
            continue
        if ROLE_NOUNS.search(re.sub(r"\binternships?\b", "", text, flags=re.I)):
            return line
    return None


def parse_header(title_line: RawLine, header: list[RawLine]) -> Header:
    """Split a title line like 'ML Engineer Intern (Recsys) – 2026 Summer (BS/MS) | TikTok'."""
    text = title_line.text
    company = None
    for separator in (" | ", " — ", " at ", " @ "):
        if separator in text:
            text, company = text.rsplit(separator, 1)
            break
    level = detect_level(text)
    season_match = _SEASON.search(text)
    season = season_match.group(0) if season_match else None
    title = _SEASON.sub("", text)
    title = re.sub(
        r"\(\s*(?:BS|MS|PhD|Ph\.D\.?|B\.S\.|M\.S\.)(?:\s*/\s*(?:BS|MS|PhD|Ph\.D\.?))*\s*\)", "", title, flags=re.I
    )
    title = re.sub(r"\s*[-–—|,]\s*(?=[-–—|,]|$)", "", title.strip())
    title = re.sub(r"\s*[-–—|,]\s*$", "", re.sub(r"\s{2,}", " ", title)).strip(" -–—")
    return Header(
        title or text.strip(), title_line, company.strip() if company else _company(header, title_line), level, season
    )


def detect_level(text: str) -> str | None:
    for pattern, level in _LEVEL_PATTERNS:
        if pattern.search(text):
            return level
    return None


def _company(header: list[RawLine], title_line: RawLine) -> str | None:
    """A short capitalised line near the title that is not a place, mode or date: the employer."""
    for line in header:
        if line is title_line:
            continue
        text = re.sub(r"\.(com|io|ai|co|org|net)$", "", line.text.strip(), flags=re.I)
        words = text.split()
        if not 1 <= len(words) <= 4 or not text[0].isupper() or any(c.isdigit() for c in text):
            continue
        if _EMPLOYMENT.match(text) or work_mode_of(text) or is_location(text) or ROLE_NOUNS.search(text):
            continue
        if text.lower() in {"job description", "skills", "share this job", "fresher", "apply", "apply now"}:
            continue
        return text
    return None


def company_from_about(lines: list[PostingLine]) -> str | None:
    for line in lines:
        match = re.match(r"^About ([A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,2})$", line.text)
        if match and match.group(1).lower() not in {"the company", "us", "the team", "the role"}:
            return match.group(1)
    return None


def is_location(text: str) -> bool:
    """'Seattle, United states' or 'San Jose, California, United States' or 'Austin, TX'."""
    parts = [p.strip() for p in text.split(",")]
    if not 2 <= len(parts) <= 4 or len(text) > 80:
        return False
    return all(p and p[0].isalpha() for p in parts) and any(is_region(p) for p in parts[1:])


def work_mode_of(text: str) -> str | None:
    for mode, pattern in _WORK_MODES:
        if pattern.search(text):
            return mode
    return None


def labelled(lines: list[PostingLine], *labels: str) -> list[tuple[str, PostingLine]]:
    """Values of 'Label: value' lines whose label is one of `labels` (case-insensitive)."""
    found = []
    for line in lines:
        match = _LABEL.match(line.text)
        if match and match.group(1).strip().lower() in labels:
            found.append((match.group(2).strip(), line))
    return found


def sentence_of(line: PostingLine, pattern: re.Pattern[str]) -> PostingLine:
    """The line narrowed to the sentence that matches, so a quote is short and still verbatim."""
    sentences = split_sentences(line.text)
    if len(sentences) <= 1:
        return line
    chosen = next((s for s in sentences if pattern.search(s)), line.text)
    return PostingLine(chosen, line.section, line.line_no, line.kind, line.heading)


def extract_pay(lines: list[PostingLine]) -> tuple[Pay, PostingLine] | None:
    """The first dollar amount on a line that talks about pay, with its unit from nearby words."""
    for index, line in enumerate(lines):
        amounts = _MONEY.findall(line.text)
        context = " ".join(item.text for item in lines[max(0, index - 2) : index + 1])
        if not amounts or not _PAY_WORDS.search(context):
            continue
        values = [float(a.replace(",", "")) * (1000 if k else 1) for a, k in amounts[:2]]
        unit = next((name for name, pattern in _UNITS if pattern.search(line.text)), None)
        unit = unit or next((name for name, pattern in _UNITS if pattern.search(context)), None)
        unit = unit or ("year" if min(values) >= 1000 else "hour")
        return Pay(min(values), max(values), unit), sentence_of(line, _MONEY)
    return None


def extract_duration(lines: list[PostingLine]) -> tuple[str, PostingLine] | None:
    for line in lines:
        match = _DURATION.search(line.text)
        if match:
            return f"{match.group(1)} {match.group(2).lower().rstrip('s')}s", sentence_of(line, _DURATION)
    return None


def extract_start_dates(lines: list[PostingLine]) -> tuple[list[str], list[PostingLine]]:
    """Dates listed under a start-date heading, or on a line that says 'start'."""
    dates: list[str] = []
    evidence: list[PostingLine] = []
    for line in lines:
        found = _DATE.findall(line.text)
        if found and re.search(r"\bstart", f"{line.heading} {line.text}", re.I):
            dates.extend(d for d in found if d not in dates)
            evidence.append(line)
    return dates, evidence


def extract_application_limit(lines: list[PostingLine]) -> tuple[str, PostingLine] | None:
    for line in lines:
        match = _APPLICATION_LIMIT.search(line.text)
        if match:
            return match.group(0), sentence_of(line, _APPLICATION_LIMIT)
    return None


def degree_lines(lines: list[PostingLine]) -> list[PostingLine]:
    """Requirement lines that name a degree (the evidence behind a role's level)."""
    degree = re.compile(r"\b(PhD|Ph\.D|doctoral|master'?s|bachelor'?s|BS/MS|MS/PhD|degree)\b", re.I)
    return [
        line
        for line in lines
        if line.section in ("minimum_qualifications", "preferred_qualifications") and degree.search(line.text)
    ]
