"""From a read `Document` to a `Posting`: find the title, section the lines, extract every field.

Structured data (a schema.org JobPosting the page carries) is read first; its values are cited as
the structured field they came from ("baseSalary: 52–60 USD per hour (structured data)"), never
as raw JSON. The written posting fills everything the structured data leaves out.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from bot.core.errors import BadPostingFile
from bot.core.postings import conditions, facts, fields
from bot.core.postings.dates import iso_days, with_iso, year_of
from bot.core.postings.meaning import prefetch
from bot.core.postings.model import Posting, PostingLine
from bot.core.postings.pay import structured_pay
from bot.core.postings.reading import Document, RawLine, read_document, split_lines
from bot.core.postings.structure import assign_sections, drop_repeats, heading_candidates, normalise
from bot.core.postings.tech import find_skills, find_tech

MIN_CONTENT_LINES = 3
ROLE_ID_MAX = 80
_SLUG_SHORTHAND = {"machine learning": "ml", "artificial intelligence": "ai", "software engineer": "swe"}
STRUCTURED = "(structured data)"


def load_posting(path: Path) -> Posting:
    """Parse one file; raises BadPostingFile with a one-line reason a user can act on."""
    return parse_document(read_document(path))


def parse_posting(text: str, fmt: str, source: str) -> Posting:
    """Parse text already in hand (tests, pasted postings): a thin wrapper over `parse_document`."""
    return parse_document(Document(split_lines(text, fmt), fmt, source, Path(source).name or source))


def parse_document(doc: Document) -> Posting:
    """Build the posting from any reader's `Document`: the title line splits page chrome and meta
    (above and just under it) from the sectioned body; every field keeps the lines that state it."""
    raw = doc.lines
    data = doc.structured if isinstance(doc.structured, dict) else {}
    title_line = fields.find_title(raw)
    if title_line is None and data.get("title"):
        title_line = RawLine(str(data["title"]), "heading", 0, 1)
    if title_line is None:
        raise BadPostingFile("no recognisable posting: no job title (engineer, scientist, intern...) near the top")
    position = next((i for i, line in enumerate(raw) if line is title_line), -1)
    above = raw[:position] if position > 0 else []  # page chrome and meta above the title ("About the job")
    rest = raw[position + 1 :] if position >= 0 else raw
    labels_ahead = [pair[0] for line in raw if (pair := fields.label_of(line.text))]
    prefetch(heading_candidates(rest) + labels_ahead)
    header_raw, body = assign_sections(rest)
    header_raw = [line for line in above if line.kind != "heading" or len(line.text.split()) <= 5] + header_raw
    header = [PostingLine(h.text, "logistics", h.line_no, "header") for h in header_raw]
    structured_lines = _structured_lines(data)
    lines = drop_repeats([_as_line(title_line, "about")] + structured_lines + header + body)
    if sum(1 for line in lines if line.kind != "header") < MIN_CONTENT_LINES:
        raise BadPostingFile("no recognisable posting: a title but almost no description, requirements or duties")
    meta = [line for line in lines if line.kind == "header"]
    labels = fields.labelled_lines(lines)
    company, company_evidence = _company(doc, data, title_line, header_raw, labels, lines)
    info = fields.parse_header(title_line, header_raw, company, facts.is_place_text, facts.work_mode_of)
    if data.get("title"):
        info.title = fields.parse_header(RawLine(str(data["title"]), "heading", 0), [], company).title
    company = company or info.company
    posting = Posting(
        role_id=make_role_id(company, info.title, info.level),
        title=info.title,
        company=company,
        source=doc.source,
        source_name=doc.source_name,
        lines=lines,
        content_hash=_content_hash(lines),
    )
    evidence = posting.evidence
    evidence["title"] = [lines[0]]
    if company:
        evidence["company"] = company_evidence or [line for line in lines if company.lower() in line.text.lower()][:1]
    _fill_level(posting, info, labels)
    _fill_place_and_mode(posting, data, meta, labels)
    _fill_logistics(posting, data, meta, labels, info.season)
    posting.tech_stack, evidence["tech_stack"] = find_tech(lines)
    posting.skills = find_skills(lines, posting.tech_stack)
    posting.evidence = {name: found for name, found in evidence.items() if found}
    return posting


def fragment_lines(text: str, fmt: str) -> list[str]:
    """Normalised lines of any text, even one too broken to be a posting (for duplicate checks)."""
    return [normalise(line.text) for line in split_lines(text, fmt) if normalise(line.text)]


def _as_line(raw: RawLine, section: str) -> PostingLine:
    return PostingLine(raw.text, section, raw.line_no, "header")


# ----- structured data (schema.org JobPosting) -------------------------------------------------------
def _structured_lines(data: dict) -> list[PostingLine]:
    """Citable lines for the structured fields used: 'baseSalary: 52–60 USD per hour (structured data)'."""
    out = []
    org = data.get("hiringOrganization")
    name = org.get("name") if isinstance(org, dict) else org if isinstance(org, str) else None
    if name:
        out.append(f"hiringOrganization: {name} {STRUCTURED}")
    places = _structured_places(data)
    if places:
        out.append(f"jobLocation: {'; '.join(places)} {STRUCTURED}")
    if str(data.get("jobLocationType", "")).upper() == "TELECOMMUTE":
        out.append(f"jobLocationType: remote {STRUCTURED}")
    pay = structured_pay(data.get("baseSalary"))
    if pay:
        out.append(pay.as_stated)
    if data.get("employmentType"):
        kind = data["employmentType"]
        out.append(f"employmentType: {', '.join(kind) if isinstance(kind, list) else kind} {STRUCTURED}")
    for key in ("jobStartDate", "validThrough", "datePosted"):
        if data.get(key):
            out.append(f"{key}: {str(data[key])[:10]} {STRUCTURED}")
    return [PostingLine(text, "logistics", 0, "header", "", "structured") for text in out]


def _structured_places(data: dict) -> list[str]:
    places = data.get("jobLocation") or []
    places = places if isinstance(places, list) else [places]
    out = []
    for place in places:
        address = place.get("address", place) if isinstance(place, dict) else {}
        if isinstance(address, dict):
            city = address.get("addressLocality")
            region = address.get("addressRegion") or address.get("addressCountry")
            region = region.get("name") if isinstance(region, dict) else region
            if city:
                out.append(f"{city}, {region}" if region else str(city))
    return out


def _structured(lines: list[PostingLine], key: str) -> PostingLine | None:
    return next((line for line in lines if line.heading_kind == "structured" and line.text.startswith(key)), None)


# ----- fields ---------------------------------------------------------------------------------------
def _company(doc, data, title_line, header_raw, labels, lines):  # noqa: ANN001, ANN202
    """The employer, from the most explicit statement available, with the line that states it."""
    line = _structured(lines, "hiringOrganization")
    if line:
        return line.text.split(": ", 1)[1].removesuffix(STRUCTURED).strip(), [line]
    for item in fields.values_for(labels, "company"):
        name = fields._clean_company(item.value)
        if name:
            return name, [item.line]
    header_info = fields.parse_header(title_line, [])
    if header_info.company:
        return header_info.company, [lines[0]]
    title = header_info.title
    name = fields.company_from_page_title(doc.page_title, title, strong_only=True)
    if name:
        return name, [line for line in lines if name.lower() in line.text.lower()][:1]
    meta = list(header_raw)
    name = fields.company_from_meta(meta, facts.is_place_text, facts.work_mode_of)
    if name:
        return name, [line for line in lines if name in line.text][:1]
    name = fields._company(header_raw, title_line, facts.is_place_text, facts.work_mode_of)
    if name and fields.occurrences(name.split()[0], lines) >= 2:
        return name, [line for line in lines if line.text.strip(" *_#").lower() == name.lower()][:1]
    for candidate in (
        fields.company_from_title_segments(title_line.text, lines),
        fields.company_from_page_title(doc.page_title, title),
        fields.company_from_about(lines),
    ):
        if candidate:
            return candidate, [line for line in lines if candidate.lower() in line.text.lower()][:1]
    return None, []


def _fill_level(posting: Posting, info: fields.Header, labels: list[fields.Labelled]) -> None:
    statement = fields.level_statement(posting.lines, labels)
    if statement:
        posting.level_detail = fields.sentence_of(statement, fields._STUDENT_WORDS).text
    posting.level = info.level or (fields.level_of(posting.level_detail) if posting.level_detail else None)
    posting.evidence["level"] = ([posting.lines[0]] if info.level else []) + ([statement] if statement else [])


def _fill_place_and_mode(posting: Posting, data: dict, meta: list[PostingLine], labels) -> None:  # noqa: ANN001
    lines = posting.lines
    located = _structured(lines, "jobLocation:")
    if located:
        posting.locations = facts.places_in(located.text.split(": ", 1)[1].removesuffix(STRUCTURED)) or [
            p.strip() for p in located.text.split(": ", 1)[1].removesuffix(STRUCTURED).split(";")
        ]
        posting.evidence["location"] = [located]
    else:
        posting.locations, posting.evidence["location"] = facts.extract_locations(meta, labels, lines)
    posting.work_mode, posting.office_days, posting.evidence["work_mode"] = facts.extract_work_mode(meta, labels, lines)
    remote_line = _structured(lines, "jobLocationType")
    if remote_line:
        posting.work_mode, posting.evidence["work_mode"] = "remote", [remote_line]
    if posting.work_mode == "remote" and not any(p.lower().startswith("remote") for p in posting.locations):
        remote = facts.remote_place(meta + [i.line for i in fields.values_for(labels, "location")] + lines)
        if remote:
            posting.locations = [remote[0], *posting.locations]
            posting.evidence["location"] = [remote[1], *posting.evidence.get("location", [])]
        elif not posting.locations:
            posting.locations = ["Remote"]
    employment = _structured(lines, "employmentType")
    kinds = [(i.value, i.line) for i in fields.values_for(labels, "employment_type")]
    kinds += [
        (kind, line)
        for line in meta
        for segment in re.split(r"\s[|·•]\s", line.text)
        if (kind := fields.employment_type_of(segment))
    ]
    if employment:
        kind = employment.text.split(": ", 1)[1].removesuffix(STRUCTURED).strip()
        posting.employment_type, posting.evidence["employment_type"] = kind, [employment]
    elif kinds:
        posting.employment_type, posting.evidence["employment_type"] = kinds[0][0], [kinds[0][1]]


def _fill_logistics(posting: Posting, data: dict, meta: list[PostingLine], labels, season: str | None) -> None:  # noqa: ANN001
    """Pay, duration, dates, deadline, visa, limits, team; `season` is the title's ("Fall 2026")."""
    lines, evidence = posting.lines, posting.evidence
    year = year_of([line.text for line in lines])
    salary = _structured(lines, "baseSalary")
    if salary:
        posting.pay, evidence["pay"] = structured_pay(data.get("baseSalary")), [salary]
    else:
        posting.pay, posting.pay_note, evidence["pay"] = facts.extract_pay(meta, labels, lines)
    posting.duration, evidence["duration"] = facts.extract_duration(meta, labels, lines)
    posting.start_dates, evidence["start_dates"] = facts.extract_start_dates(meta, labels, lines, year)
    vague = posting.start_dates and not any(iso_days(phrase, year) for phrase in posting.start_dates)
    if season and vague and not any(season.lower() in d.lower() for d in posting.start_dates):
        term = " term" if re.search(r"\bco-?op\b", lines[0].text, re.I) else ""
        posting.start_dates = [f"{posting.start_dates[0]} ({season}{term})", *posting.start_dates[1:]]
        evidence["start_dates"] = [*evidence["start_dates"], lines[0]]
    posting.start_dates_iso = list(dict.fromkeys(d for phrase in posting.start_dates for d in iso_days(phrase, year)))
    posting.start_dates_detail = [with_iso(phrase, year) for phrase in posting.start_dates]
    start = _structured(lines, "jobStartDate")
    if start and not posting.start_dates:
        posting.start_dates, evidence["start_dates"] = [start.text.split(": ", 1)[1].split(" ")[0]], [start]
    posting.deadline, posting.deadline_note, evidence["deadline"] = facts.extract_deadline(labels, lines, year)
    through = _structured(lines, "validThrough")
    if through and not posting.deadline:
        posting.deadline, evidence["deadline"] = through.text.split(": ", 1)[1][:10], [through]
    posting.visa, evidence["visa"] = conditions.extract_visa(labels, lines)
    posting.visa_sponsorship = conditions.sponsorship(posting.visa)
    posting.max_applications, posting.application_limit, evidence["application_limit"] = (
        conditions.extract_application_limit(lines)
    )
    team = fields.values_for(labels, "team")
    if team:
        posting.team, evidence["team"] = team[0].value, [team[0].line]
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
