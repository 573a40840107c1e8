"""From a file to a `Posting`: read, find the title, section the lines, extract fields."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from bot.core.errors import BadPostingFile
from bot.core.postings import fields
from bot.core.postings.model import Posting, PostingLine
from bot.core.postings.reading import RawLine, read_posting_text, split_lines
from bot.core.postings.structure import assign_sections, drop_repeats, normalise
from bot.core.postings.tech import find_tech

MIN_CONTENT_LINES = 3
ROLE_ID_MAX = 80
_SLUG_SHORTHAND = {"machine learning": "ml", "artificial intelligence": "ai", "software engineer": "swe"}


def load_posting(path: Path) -> Posting:
    """Parse one file; raises BadPostingFile with a one-line reason a user can act on."""
    text, fmt = read_posting_text(path)
    return parse_posting(text, fmt, source=str(path))


def parse_posting(text: str, fmt: str, source: str) -> Posting:
    raw = split_lines(text, fmt)
    title_line = fields.find_title(raw)
    if title_line is None:
        raise BadPostingFile("no recognisable posting: no job title (engineer, scientist, intern...) near the top")
    header, body = assign_sections([line for line in raw if line is not title_line])
    info = fields.parse_header(title_line, header)
    lines = drop_repeats([_as_line(title_line, "about")] + [_as_line(h, "logistics") for h in header] + body)
    if sum(1 for line in lines if line.kind != "header") < MIN_CONTENT_LINES:
        raise BadPostingFile("no recognisable posting: a title but almost no description, requirements or duties")
    company = info.company or fields.company_from_about(lines)
    posting = Posting(
        role_id=make_role_id(company, info.title, info.level),
        title=info.title,
        company=company,
        source=source,
        lines=lines,
        content_hash=_content_hash(lines),
    )
    _fill_fields(posting, info, title_line)
    return posting


def fragment_lines(text: str, fmt: str) -> list[str]:
    """Normalised lines of any text, even one too broken to be a posting (for duplicate checks)."""
    return [normalise(line.text) for line in split_lines(text, fmt) if normalise(line.text)]


def _as_line(raw: RawLine, section: str) -> PostingLine:
    return PostingLine(raw.text, section, raw.line_no, "header")


def _fill_fields(posting: Posting, info: fields.Header, title_raw: RawLine) -> None:
    """Set every field with the lines that state it (`posting.evidence`)."""
    lines = posting.lines
    title_line = lines[0]
    evidence = posting.evidence
    evidence["title"] = [title_line]
    degree = fields.degree_lines(lines)
    posting.level = info.level or (fields.detect_level(" ".join(line.text for line in degree)) if degree else None)
    evidence["level"] = ([title_line] if info.level else []) + degree
    if posting.company:
        evidence["company"] = [line for line in lines if posting.company.lower() in line.text.lower()][:1]
    _fill_place(posting)
    _fill_logistics(posting)
    posting.tech_stack, evidence["tech_stack"] = find_tech(lines)
    posting.evidence = {name: found for name, found in evidence.items() if found}


def _fill_place(posting: Posting) -> None:
    lines = posting.lines
    labelled = fields.labelled(lines, "location", "locations", "office", "work location")
    header_places = [line for line in lines if line.kind == "header" and fields.is_location(line.text)]
    if labelled:
        posting.locations = [value for value, _ in labelled]
        posting.evidence["location"] = [line for _, line in labelled]
    elif header_places:
        posting.locations = [line.text for line in header_places]
        posting.evidence["location"] = header_places
    mode_lines = [
        line
        for line in lines
        if line.kind == "header" and len(line.text.split()) <= 4 and fields.work_mode_of(line.text)
    ]
    mode_lines += [line for _, line in labelled if fields.work_mode_of(line.text)]
    mode_lines += [line for _, line in fields.labelled(lines, "work mode", "workplace", "workplace type", "remote")]
    if mode_lines:
        posting.work_mode = fields.work_mode_of(mode_lines[0].text)
        posting.evidence["work_mode"] = mode_lines[:1]
    employment = [(line.text, line) for line in lines if line.kind == "header" and fields._EMPLOYMENT.match(line.text)]
    employment += fields.labelled(lines, "role", "type", "employment type", "job type")
    if employment:
        posting.employment_type = employment[0][0]
        posting.evidence["employment_type"] = [line for _, line in employment]


def _fill_logistics(posting: Posting) -> None:
    lines, evidence = posting.lines, posting.evidence
    pay = fields.extract_pay(lines)
    if pay:
        posting.pay, evidence["pay"] = pay[0], [pay[1]]
    duration = fields.extract_duration(lines)
    if duration:
        posting.duration, evidence["duration"] = duration[0], [duration[1]]
    posting.start_dates, evidence["start_dates"] = fields.extract_start_dates(lines)
    limit = fields.extract_application_limit(lines)
    if limit:
        posting.application_limit, evidence["application_limit"] = limit[0], [limit[1]]
    team = fields.labelled(lines, "team", "group", "department")
    if team:
        posting.team, evidence["team"] = team[0][0], [team[0][1]]
    else:
        about = [line for line in lines if line.section == "about" and re.search(r"\bteam\b", line.text, re.I)]
        if about:
            sentence = fields.sentence_of(about[0], re.compile(r"\bteam\b", re.I))
            posting.team, evidence["team"] = sentence.text.rstrip("."), [sentence]


def make_role_id(company: str | None, title: str, level: str | None) -> str:
    """A readable, stable slug; long titles are cut at a word and keep a short hash to stay unique."""
    if company:
        title = re.sub(rf"\b{re.escape(company)}\b\s*", "", title, flags=re.I)  # "TikTok ... (TikTok Recsys)"
    text = " ".join(filter(None, [company, title, level])).lower()
    for phrase, short in _SLUG_SHORTHAND.items():
        text = text.replace(phrase, short)
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) <= ROLE_ID_MAX:
        return slug
    digest = hashlib.sha1(slug.encode()).hexdigest()[:6]
    cut = slug[: ROLE_ID_MAX - 7].rsplit("-", 1)[0]
    return f"{cut}-{digest}"


def _content_hash(lines: list[PostingLine]) -> str:
    text = "\n".join(f"{line.section}|{normalise(line.text)}" for line in lines)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
