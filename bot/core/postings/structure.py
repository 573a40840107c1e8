"""Assign every line of a posting to a section, by headings and wording rather than by layout.

Postings arrive in many shapes ("The TL;DR" bullets, "Job Specifications", plain headings,
markdown, HTML). The rules here only look at what a heading *says* and how a line is shaped, so a
new company's layout still lands in the right sections.
"""

from __future__ import annotations

import re

from bot.core.postings.model import PostingLine
from bot.core.postings.reading import RawLine

# Checked in order: the first keyword found in a heading decides its section.
_HEADING_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "other",
        (
            "privacy",
            "equal opportunity",
            "equal employment",
            "eeo",
            "fair chance",
            "accommodation",
            "disclaimer",
            "legal",
            "candidates",
            "share this job",
        ),
    ),
    (
        "preferred_qualifications",
        ("preferred", "nice to have", "nice-to-have", "bonus", "pluses", "desired", "good to have", "extra credit"),
    ),
    (
        "minimum_qualifications",
        (
            "minimum",
            "must-have",
            "must have",
            "required",
            "requirement",
            "basic qualification",
            "what you bring",
            "who you are",
            "looking for",
            "qualifications",
            "what you need",
            "you have",
            "you'll need",
        ),
    ),
    (
        "responsibilities",
        (
            "responsibilit",
            "what you'll do",
            "what you will do",
            "actually do",
            "opportunity to",
            "in this role",
            "day to day",
            "day-to-day",
            "your impact",
            "you will",
            "you'll work on",
            "the work",
            "duties",
        ),
    ),
    (
        "logistics",
        (
            "start date",
            "job information",
            "compensation",
            "pay ",
            "salary",
            "benefits",
            "tl;dr",
            "tldr",
            "job details",
            "location",
            "logistics",
            "key facts",
            "at a glance",
            "duration",
            "timeline",
            "how to apply",
            "perks",
        ),
    ),
    (
        "about",
        (
            "about",
            "introduction",
            "the tone",
            "overview",
            "who we are",
            "mission",
            "why join",
            "the team",
            "our team",
            "company",
            "culture",
        ),
    ),
)
# Headings that name the page rather than a section: they start nothing new.
_NEUTRAL_HEADINGS = ("job description", "job specifications", "description", "details", "skills", "summary")
# Labels of "Label: value" bullets that move the line to another section.
_LABEL_SECTIONS = {
    "bonus": "preferred_qualifications",
    "preferred": "preferred_qualifications",
    "nice to have": "preferred_qualifications",
    "plus": "preferred_qualifications",
}
_SENTENCE_END = re.compile(r"[.;!?]$")
_DATE_ONLY = re.compile(
    r"^(?:\d{1,2}[-/]\d{1,2}[-/]\d{2,4}|[A-Z][a-z]+\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{4}-\d{2}-\d{2})$"
)


def heading_section(text: str) -> str | None:
    """The section a heading opens, 'neutral' for page-level headings, None if it is no heading."""
    lowered = text.lower().rstrip(":").strip() + " "
    if any(lowered.strip() == neutral for neutral in _NEUTRAL_HEADINGS):
        return "neutral"
    for section, keywords in _HEADING_KEYWORDS:
        if any(keyword in lowered for keyword in keywords):
            return section
    return None


def looks_like_heading(line: RawLine) -> bool:
    """Short, unpunctuated lines are headings when their wording names a section."""
    if line.kind == "heading":
        return True
    if line.kind != "para" or _SENTENCE_END.search(line.text):
        return False
    if re.match(r"^[^:]{1,40}:\s*\S", line.text):
        return False  # "Salary: $150,000" is a labelled value, not a heading
    words = line.text.split()
    return len(words) <= 12 and len(line.text) <= 90 and heading_section(line.text) is not None


def assign_sections(lines: list[RawLine]) -> tuple[list[RawLine], list[PostingLine]]:
    """Split into the header block (title, company, place...) and sectioned content lines."""
    header: list[RawLine] = []
    body: list[PostingLine] = []
    section: str | None = None
    heading = ""
    for line in lines:
        if looks_like_heading(line):
            opened = heading_section(line.text)
            heading = line.text.rstrip(":")
            if opened and opened != "neutral":
                section = opened
            elif section is None and line.kind == "heading":
                header.append(line)  # e.g. an HTML <h1> title
            continue
        if section is None and _is_header_line(line):
            header.append(line)
            continue
        current = section or "about"
        body.append(PostingLine(line.text, _line_section(line.text, current), line.line_no, line.kind, heading))
    return header, body


def _is_header_line(line: RawLine) -> bool:
    return len(line.text.split()) < 15 and not _SENTENCE_END.search(line.text)


def _line_section(text: str, current: str) -> str:
    if _DATE_ONLY.match(text):
        return "logistics"
    label = text.split(":", 1)[0].strip().lower() if ":" in text[:40] else ""
    return _LABEL_SECTIONS.get(label, current)


def drop_repeats(lines: list[PostingLine]) -> list[PostingLine]:
    """Keep each paragraph once: exact repeats and near-identical sentences count a single time."""
    seen_sentences: list[set[str]] = []
    seen_exact: set[str] = set()
    kept: list[PostingLine] = []
    for line in lines:
        key = normalise(line.text)
        if key in seen_exact:
            continue
        seen_exact.add(key)
        sentences = [s for s in split_sentences(line.text) if not _is_repeat(s, seen_sentences)]
        if not sentences:
            continue
        seen_sentences.extend(_words(s) for s in sentences)
        kept.append(PostingLine(" ".join(sentences), line.section, line.line_no, line.kind, line.heading))
    return kept


def _is_repeat(sentence: str, seen: list[set[str]]) -> bool:
    words = _words(sentence)
    if len(words) < 6:
        return False
    return any(len(words & other) / len(words | other) >= 0.8 for other in seen if other)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9+#']+", text.lower()))


def normalise(text: str) -> str:
    """Lower-case alphanumerics only: equal for lines that differ in bullets, case or spacing."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'“])")


def split_sentences(text: str) -> list[str]:
    """Split on sentence ends; keeps abbreviations like 'e.g.' intact since no capital follows."""
    return [part.strip() for part in _SENTENCE_SPLIT.split(text) if part.strip()]
