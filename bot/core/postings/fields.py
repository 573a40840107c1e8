"""The title, company and level of a posting, from any layout, with the lines that state them.

Extractors read how postings are written -- a title line with "| Company" or "@ Company", a
`Company · City · Mode` meta line, "Company: X", "About X", a careers page's <title> -- never the
position of a line in one particular layout. Logistics (place, mode, pay, dates...) live in
`bot.core.postings.facts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.core.postings.meaning import ExampleClassifier, load_yaml
from bot.core.postings.model import PostingLine
from bot.core.postings.reading import RawLine
from bot.core.postings.structure import split_sentences

ROLE_NOUNS = re.compile(
    r"\b(engineer|scientist|researcher|developer|analyst|intern|manager|designer|architect|specialist|"
    r"lead|director|consultant|programmer|technologist|fellow|resident|apprentice|co-?op|trainee|graduate)s?\b",
    re.IGNORECASE,
)
LABEL_SIMILARITY = 0.6
_LEVEL_PATTERNS = (  # most specific first; kept for questions ("which PhD roles...")
    (re.compile(r"\b(?:BS|B\.S\.|Bachelor'?s?)\s*(?:/|or|and)\s*(?:MS|M\.S\.|Master'?s?)\b", re.I), "BS/MS"),
    (re.compile(r"\b(?:MS|M\.S\.|Master'?s?)(?: degree)?\s*(?:/|or|and)\s*(?:PhD|Ph\.D\.?)", re.I), "MS/PhD"),
    (re.compile(r"\b(?:PhD|Ph\.D\.?|doctoral|doctorate)", re.I), "PhD"),
    (re.compile(r"\b(?:MS|M\.S\.|Master'?s?)\b(?! of)", re.I), "MS"),
    (re.compile(r"\b(?:BS|B\.S\.|Bachelor'?s?)\b", re.I), "BS"),
)
_DEGREES = (
    ("BS", re.compile(r"\b(?:BS|BA|BSc|BTech|BEng|BE|AB)\b"), re.compile(r"\bbachelor|\bundergrad", re.I)),
    ("MS", re.compile(r"\b(?:MS|MA|MSc|MTech|MEng|MBA|MPhil|MRes)\b"), re.compile(r"\bmaster", re.I)),
    ("PhD", re.compile(r"\b(?:PhD|PHD|Phd|DPhil)\b"), re.compile(r"\bdoctoral|\bdoctorate", re.I)),
)
_STUDENT_WORDS = re.compile(
    r"\b(?:students?|undergrad\w*|graduat\w*|grads?|degree|enrolled|pursuing|PhD|Master'?s|Bachelor'?s|"
    r"final[- ]year|penultimate|rising (?:junior|senior)s?)\b",
    re.I,
)
_LEVEL_PHRASE = re.compile(
    r"\b(?:new|recent) grad(?:uate)?s?\b|\bcurrent(?:ly enrolled)? (?:undergrad\w*|students?)|\bfinal[- ]year\b|"
    r"\bpenultimate[- ]year\b",
    re.I,
)
_SEASON_YEAR = re.compile(
    r"\b(?:(?:Summer|Fall|Autumn|Winter|Spring)\s+(?:term\s+)?20\d\d|"
    r"20\d\d\s+(?:Summer|Fall|Autumn|Winter|Spring|Start))\b",
    re.I,
)
_REQ_ID = re.compile(
    r"\s*(?:\(|\[)?\b(?:Req(?:uisition)?|Job|Posting)?\s*(?:ID|#|No\.?)\s*:?\s*#?[A-Z0-9][\w-]*\d[\w-]*(?:\)|\])?"
    r"|\s*\((?:R|JR|REQ)[-_]?\d{3,}\)|\s*\b(?:R|JR|REQ)-\d{3,}\b",
    re.I,
)
_EMAIL_PREFIX = re.compile(r"^(?:(?:Subject|Re|Fwd?|Title|Job title|Position|Role)\s*:\s*)+", re.I)
_CAREERS = re.compile(r"^(?:careers?|jobs?)\s+(?:at|@)\s+|\s+(?:careers?|jobs?)(?:\s+page)?$", re.I)
_NOT_COMPANY = re.compile(
    r"^(?:us|the (?:company|team|role|job|internship|position|organi[sz]ation|program(?:me)?)|you|this role|"
    r"the opportunity|our team|our company|job description|apply|apply now|easy apply|save|share|overview)$",
    re.I,
)
_ACRONYMS = re.compile(r"^(?:ML|AI|NLP|LLM|CV|SWE|ASR|RL|QA|UX|UI|AR|VR|GPU|HPC|SRE|IT|R&D|MLE|ETL|BI|II|III|IV)$")
_SEPARATORS = re.compile(r"\s+(?:[|·•]|—|–|-{1,2})\s+")


@dataclass
class Header:
    """What the top of a posting says: its title line and the short lines around it."""

    title: str
    title_line: RawLine
    company: str | None
    level: str | None
    season: str | None


@dataclass(frozen=True)
class Labelled:
    """A 'Label: value' meta line (or a two-column table row) and the field its label names."""

    field: str | None
    label: str
    value: str
    line: PostingLine


@cache
def _label_classifier() -> ExampleClassifier:
    return ExampleClassifier(load_yaml("labels.yaml")["kinds"], LABEL_SIMILARITY)


_LABEL = re.compile(r"^\W{0,3}([A-Za-z][A-Za-z0-9 /&'()-]{1,38}?)\s*:\s*(\S.*)$")
_TABLE_ROW = re.compile(r"^\|?\s*([A-Za-z][^|]{0,38}?)\s*\|\s*([^|]+?)\s*\|?$")


def label_of(text: str) -> tuple[str, str] | None:
    """(label, value) of a 'Label: value' line or a two-column table row."""
    match = _LABEL.match(text) or _TABLE_ROW.match(text)
    if match and len(match.group(1).split()) <= 5 and not re.fullmatch(r"[-: ]*", match.group(2)):
        return match.group(1).strip(), match.group(2).strip()
    return None


def labelled_lines(lines: list[PostingLine]) -> list[Labelled]:
    """Every meta line written as 'Label: value', with its label classified by meaning."""
    found: list[tuple[str, str, PostingLine]] = []
    for line in lines:
        pair = label_of(line.text)
        if pair:
            found.append((pair[0], pair[1], line))
    kinds = _label_classifier().classify([label for label, _, _ in found])
    return [Labelled(kind, label, value, line) for (label, value, line), (kind, _) in zip(found, kinds, strict=True)]


def values_for(labels: list[Labelled], field: str) -> list[Labelled]:
    return [item for item in labels if item.field == field]


# ----- title ----------------------------------------------------------------------------------------
def find_title(lines: list[RawLine], structured: dict | None = None) -> RawLine | None:
    """The first short line near the top that names a job (an engineer, an intern...)."""
    for line in lines[:30]:
        text = _EMAIL_PREFIX.sub("", line.text)
        if line.kind == "bullet" or text.endswith(("?", ".")) or len(text) > 160 or len(text.split()) > 22:
            continue
        if re.match(r"^(?:from|to|date|cc)\s*:", line.text, re.I):
            continue
        if _LABEL.match(text) and not _EMAIL_PREFIX.match(line.text):
            continue  # "Team: ML Engineers" is a meta line
        if ROLE_NOUNS.search(re.sub(r"\binternships?\b", "", text, flags=re.I)):
            return line
    return None


def parse_header(title_line: RawLine, header: list[RawLine], company: str | None = None,
                 is_place=None, is_mode=None) -> Header:  # noqa: ANN001
    """Split a title line like 'ML Engineer Intern (Recsys) – 2026 Summer (BS/MS) | TikTok'. With
    `is_place` and `is_mode` (see `company_from_meta`), a header line beside the title may name the
    employer."""
    text = _EMAIL_PREFIX.sub("", title_line.text)
    text = re.sub(r"^\s*\[[^\]]{1,30}\]\s*", "", text)  # "[Internship] ..."
    text = re.sub(r"^[^\w(]+", "", text)  # leading emoji or bullets
    if re.search(r"\s(?:>|›|»)\s", text):
        text = re.split(r"\s(?:>|›|»)\s", text)[-1]  # breadcrumbs: the last crumb is the page
    found_company = None
    for separator in (" @ ", " at "):
        if separator in text and ROLE_NOUNS.search(text.split(separator)[0]):
            text, found_company = text.split(separator, 1)
            break
    if " | " in text:
        parts = [p.strip() for p in text.split(" | ")]
        main = next((p for p in parts if ROLE_NOUNS.search(p)), parts[0])
        rest = [p for p in parts if p is not main]
        found_company = found_company or next((_clean_company(p) for p in rest if _clean_company(p)), None)
        text = main
    level = detect_level(text)
    season_match = _SEASON_YEAR.search(text)
    season = season_match.group(0) if season_match else None
    title = _clean_title(text, company or found_company)
    company_name = company or (_clean_company(found_company) if found_company else None)
    if company_name is None and header and is_place is not None and is_mode is not None:
        company_name = _company(header, title_line, is_place, is_mode)
    return Header(title or text.strip(), title_line, company_name, level, season)


_GENDER_TAG = re.compile(r"\s*\((?:[mfwdx]\s*/\s*){2,3}[mfwdx]\)|\s*\(all genders\)", re.I)
_LEGAL_SUFFIX = re.compile(r",?\s+(?:GmbH|Inc\.?|LLC|Ltd\.?|Limited|AG|S\.A\.|SA|plc|Pvt\.? Ltd\.?|B\.V\.|SAS)$")


def _clean_title(text: str, company: str | None) -> str:
    title = _GENDER_TAG.sub("", _REQ_ID.sub("", text))
    title = _SEASON_YEAR.sub("", title)
    title = re.sub(r"\b20\d\d\b(?=[^()]*\))", "", title)  # "(Summer Placement 2026)" -> "(Summer Placement)"
    title = re.sub(
        r"\(\s*(?:BS|MS|PhD|Ph\.D\.?|B\.S\.|M\.S\.)(?:\s*/\s*(?:BS|MS|PhD|Ph\.D\.?))*\s*\)", "", title, flags=re.I
    )
    title = re.sub(r"\s*\((?:fully\s+)?(?:remote|hybrid|on-?site|in[- ]office)[^)]{0,20}\)\s*$", "", title, flags=re.I)
    title = re.sub(r"\(\s*\)", "", title)
    if company:
        parts = _SEPARATORS.split(title)
        kept = [p for p in parts if (_clean_company(p) or p.strip()).lower() != company.lower()]
        if len(kept) < len(parts) and kept:
            joiners = _SEPARATORS.findall(title)
            title = kept[0] + "".join(j + p for j, p in zip(joiners[1:], kept[1:], strict=False))
    title = re.sub(r"\s*[-–—|,]\s*(?=[-–—|,]|$)", "", title.strip())
    title = re.sub(r"\s*[-–—|,:]\s*$", "", re.sub(r"\s{2,}", " ", title)).strip(" -–—*_#")
    return _smart_case(title)


def _smart_case(text: str) -> str:
    """ALL-CAPS titles in title case, keeping acronyms such as ML and AI."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or not all(ch.isupper() for ch in letters):
        return text
    return " ".join(w if _ACRONYMS.match(w) else w.capitalize() for w in text.split())


def detect_level(text: str) -> str | None:
    for pattern, level in _LEVEL_PATTERNS:
        if pattern.search(text):
            return level
    return None


# ----- company --------------------------------------------------------------------------------------
def _clean_company(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", text).strip(" *_#-–—|·,")
    if _NOT_COMPANY.match(text):
        return None
    text = _CAREERS.sub("", text).strip(" *_#-–—|·,")
    text = _LEGAL_SUFFIX.sub("", text).strip()
    if re.match(r"^about\s", text, re.I):
        return None
    text = re.sub(r"\.(com|io|ai|co|org|net)$", "", text, flags=re.I)
    words = text.split()
    if not 1 <= len(words) <= 5 or _NOT_COMPANY.match(text) or not text[:1].isupper():
        return None
    if ROLE_NOUNS.search(text) or any(ch.isdigit() for ch in text) or text.endswith((".", "?", "!")):
        return None
    return _smart_case(text) if len(text) > 4 else text


def company_from_meta(header: list[RawLine], is_place, is_mode) -> str | None:  # noqa: ANN001
    """'Acme · Berlin · Hybrid' / 'Acme — Toronto, ON (hybrid)': the segment beside a place or mode."""
    for line in header:
        if _LABEL.match(line.text):
            continue  # "Location: Austin · Hybrid" is a labelled value
        segments = [s.strip(" *_") for s in _SEPARATORS.split(line.text.strip(" *_>"))]
        if len(segments) < 2:
            continue
        others = segments[1:]
        if not any(is_place(s) or is_mode(s) for s in others):
            continue
        first = segments[0]
        if not is_place(first) and not is_mode(first):
            name = _clean_company(first)
            if name:
                return name
    return None


def company_from_page_title(page_title: str | None, title: str, strong_only: bool = False) -> str | None:
    """'<title>Role | Careers at X</title>', 'Role @ X', 'Job Application for Role at X', 'X - Role'."""
    if not page_title:
        return None
    text = page_title.strip()
    at = re.search(r"\s(?:at|@)\s+([^|–—]+?)\s*$", text)
    if at and ROLE_NOUNS.search(text[: at.start()]):
        return _clean_company(at.group(1))
    parts = [p.strip() for p in re.split(r"\s+[|–—-]\s+", text)]
    for part in parts:
        if _CAREERS.search(part):
            return _clean_company(part)
    if strong_only:
        return None
    for part in parts:
        if part.lower() != title.lower() and not ROLE_NOUNS.search(part):
            name = _clean_company(part)
            if name:
                return name
    return None


def company_from_title_segments(title_text: str, lines: list[PostingLine]) -> str | None:
    """'Acme - Data Intern' / 'Data Intern — Acme': a segment without a role noun that the posting
    itself writes as a name (capitalised, elsewhere in the text)."""
    segments = [s.strip() for s in _SEPARATORS.split(title_text)]
    if len(segments) < 2:
        return None
    body = " ".join(line.text for line in lines[1:])
    for segment in (segments[0], segments[-1]):
        name = _clean_company(re.sub(r"^[^\w]+", "", segment))
        first_word = name.split()[0] if name else ""
        if name and not ROLE_NOUNS.search(segment) and re.search(rf"\b{re.escape(first_word)}\b", body):
            return name
    return None


def company_from_about(lines: list[PostingLine]) -> str | None:
    """'About Acme' as a heading (the line's own heading)."""
    for heading in dict.fromkeys(line.heading for line in lines if line.heading):
        match = re.match(r"^About\s+(.+)$", heading.strip(), re.I)
        if match:
            name = _clean_company(match.group(1))
            if name:
                return name
    return None


def _company(header: list[RawLine], title_line: RawLine, is_place, is_mode) -> str | None:  # noqa: ANN001
    """A short capitalised line beside the title that is not a place, mode or date: the employer.
    `is_place` / `is_mode` come from bot.core.postings.facts (which builds on this module)."""
    for line in header[:4]:
        if line is title_line or line.kind == "bullet" or _LABEL.match(line.text):
            continue
        text = line.text.strip(" *_#")
        if text.lower().startswith("about ") or _EMPLOYMENT.match(text) or is_mode(text) or is_place(text):
            continue
        name = _clean_company(text)
        if name and name[:1].isupper():
            return name
    return None


def occurrences(name: str, lines: list[PostingLine]) -> int:
    pattern = re.compile(rf"\b{re.escape(name)}\b", re.I)
    return sum(1 for line in lines if pattern.search(line.text))


_EMPLOYMENT = re.compile(
    r"^(internship|intern|full[- ]time|part[- ]time|contract|temporary|co-?op|permanent|new grad)$", re.I
)


def employment_type_of(text: str) -> str | None:
    match = _EMPLOYMENT.match(text.strip(" *_"))
    return match.group(1) if match else None


# ----- level ----------------------------------------------------------------------------------------
def degrees_in(text: str) -> list[str]:
    """Degree levels a text names: 'BS, MS or PhD' is all three; 'undergraduates' is BS."""
    raw = text.replace(".", "")
    return [name for name, acronym, word in _DEGREES if acronym.search(raw) or word.search(raw)]


def level_statement(lines: list[PostingLine], labels: list[Labelled]) -> PostingLine | None:
    """The line saying who may apply: a 'Degree:' value, else the first requirement naming students/degrees."""
    for item in values_for(labels, "level"):
        if degrees_in(item.value) or _LEVEL_PHRASE.search(item.value):
            return item.line
    for sections in (("minimum_qualifications",), ("about", "logistics"), ("preferred_qualifications",)):
        for line in lines:
            if line.section in sections and _STUDENT_WORDS.search(line.text):
                if degrees_in(line.text) or _LEVEL_PHRASE.search(line.text):
                    return line
    return None


def level_of(statement: str) -> str | None:
    """'BS/MS/PhD'-style level for a statement, or its 'new grad' wording when it names no degree."""
    found = degrees_in(statement)
    if found:
        return "/".join(found)
    phrase = _LEVEL_PHRASE.search(statement)
    return phrase.group(0) if phrase else None


def sentence_of(line: PostingLine, pattern: re.Pattern[str]) -> PostingLine:
    """The line narrowed to the sentence that matches, so a quote is short and still verbatim."""
    sentences = split_sentences(line.text)
    if len(sentences) <= 1:
        return line
    chosen = next((s for s in sentences if pattern.search(s)), line.text)
    return PostingLine(chosen, line.section, line.line_no, line.kind, line.heading, line.heading_kind)


def degree_lines(lines: list[PostingLine]) -> list[PostingLine]:
    """Requirement lines that name a degree (the evidence behind a role's level)."""
    degree = re.compile(r"\b(PhD|Ph\.D|doctoral|master'?s|bachelor'?s|BS/MS|MS/PhD|degree)\b", re.I)
    return [
        line
        for line in lines
        if line.section in ("minimum_qualifications", "preferred_qualifications") and degree.search(line.text)
    ]
