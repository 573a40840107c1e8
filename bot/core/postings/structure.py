"""Assign every line of a posting to a section: headings by their form, their kind by meaning.

A heading is recognised by its shape -- a markup heading, a bold line, an ALL-CAPS line, a short
line ending in ':' -- and its kind (about, responsibilities, minimum or preferred qualifications,
eligibility, benefits, logistics, how to apply) by similarity to the labelled example headings in
knowledge/postings_reading/headings.yaml. A short unpunctuated line in plain text is a heading only
when its meaning is close to an example. A heading far from every example stays its own section
(coarse section "other", its own name kept in `PostingLine.heading`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.core.postings.meaning import ExampleClassifier, heading_key, load_yaml
from bot.core.postings.model import PostingLine
from bot.core.postings.reading import RawLine
from bot.core.text import words

HEADING_SIMILARITY = 0.6  # nearest example at least this close: the heading has that kind
WEAK_HEADING_SIMILARITY = 0.7  # a plain short line must be closer still to count as a heading at all
MAX_HEADING_WORDS = 10
_SENTENCE_END = re.compile(r"[.;!?,]$")
_META_VALUE = re.compile(r"^(?:internship|intern|full[- ]time|part[- ]time|contract|co-?op|permanent|temporary)$", re.I)
_NOT_A_HEADING = re.compile(r"[\d·|•@/,;()\[\]$€£₹]")
_LABEL_VALUE = re.compile(r"^[^:]{1,40}:\s*\S")
_DATE_ONLY = re.compile(
    r"^(?:\d{1,2}[-/]\d{1,2}[-/]\d{2,4}|[A-Z][a-z]+\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{4}-\d{2}-\d{2})$"
)
# Labels of "Label: value" bullets that move the line to another section.
_LABEL_SECTIONS = {
    "bonus": "preferred_qualifications",
    "preferred": "preferred_qualifications",
    "nice to have": "preferred_qualifications",
    "plus": "preferred_qualifications",
}


@dataclass(frozen=True)
class HeadingKinds:
    classifier: ExampleClassifier
    sections: dict[str, str]  # kind -> coarse section
    neutral: frozenset[str]
    vocabulary: frozenset[str]  # every word of every example heading


def _heading_words(text: str) -> set[str]:
    """The words that can tie a line to the example headings: single letters and numbers cannot."""
    return {word for word in words(text) if len(word) > 1 and word[0].isalpha()}


@cache
def heading_kinds() -> HeadingKinds:
    data = load_yaml("headings.yaml")
    examples = {kind: spec["examples"] for kind, spec in data["kinds"].items()}
    sections = {kind: spec["section"] for kind, spec in data["kinds"].items()}
    neutral = frozenset(heading_key(text) for text in data.get("neutral", []))
    vocabulary = frozenset(word for texts in examples.values() for text in texts for word in _heading_words(text))
    return HeadingKinds(ExampleClassifier(examples, HEADING_SIMILARITY), sections, neutral, vocabulary)


def heading_form(line: RawLine) -> str | None:
    """'strong' when the shape alone makes a heading, 'weak' when only its meaning can, else None."""
    text = line.text
    words = text.split()
    if line.kind == "heading" or (line.bold and len(words) <= MAX_HEADING_WORDS and not _SENTENCE_END.search(text)):
        return "strong"  # a markup heading, or a whole line in bold ("- **Must-haves**")
    if line.kind != "para" or not words or len(words) > MAX_HEADING_WORDS or len(text) > 90:
        return None
    if text.endswith(":") and ":" not in text[:-1]:
        return "strong"
    if _LABEL_VALUE.match(text) or _SENTENCE_END.search(text):
        return None
    letters = [ch for ch in text if ch.isalpha()]
    if line.bold or (len(letters) >= 4 and all(ch.isupper() for ch in letters)):
        return "strong"
    title_case = all(w[:1].isupper() or not w[:1].isalpha() for w in words)
    addressed = re.search(r"\b(?:you|your|we|our)\b", text, re.I)  # "In this role, you will" may keep its comma
    if (len(words) <= 7 or title_case) and not _NOT_A_HEADING.search(text.replace(",", "") if addressed else text):
        # a plain line shares no word with any example heading ("Acme Robotics"): no model call
        return "weak" if _heading_words(text) & heading_kinds().vocabulary else None
    return None


_ABOUT_NAME = re.compile(r"^About\s+(?!the\b|us\b|you\b|our\b|this\b)[A-Z][\w&.'-]*(?:\s+\S+){0,3}$")


def _about_a_name(text: str) -> bool:
    """'About Acme': about the company, whatever it is called (no model call needed)."""
    return bool(_ABOUT_NAME.match(text.strip(" *_#:")))


def heading_candidates(lines: list[RawLine]) -> list[str]:
    """Texts that may be headings and need the model (for `meaning.prefetch`)."""
    return [line.text for line in lines if heading_form(line) and not _about_a_name(line.text)]


def classify_headings(lines: list[RawLine]) -> dict[int, tuple[str, str]]:
    """index -> (kind, section) for the lines that are headings; kind '' = unknown, 'neutral' = page-level."""
    kinds = heading_kinds()
    forms = {i: heading_form(line) for i, line in enumerate(lines)}
    headings: dict[int, tuple[str, str]] = {}
    named = {i for i, form in forms.items() if form and _about_a_name(lines[i].text)}
    for index in named:
        headings[index] = ("about_company", kinds.sections["about_company"])
    candidates = [i for i, form in forms.items() if form and i not in named]
    results = kinds.classifier.classify([lines[i].text for i in candidates])
    for index, (kind, score) in zip(candidates, results, strict=True):
        if forms[index] == "weak" and score < WEAK_HEADING_SIMILARITY:
            kind = None
        text = lines[index].text.strip(" *_#:")
        if forms[index] == "weak" and _META_VALUE.match(text):
            continue  # "Internship", "Full-time": a meta value, not a heading
        if heading_key(lines[index].text) in kinds.neutral:
            headings[index] = ("neutral", "neutral")
        elif kind:
            headings[index] = (kind, kinds.sections[kind])
        elif forms[index] == "strong":
            headings[index] = ("", "other")
    return headings


def assign_sections(lines: list[RawLine]) -> tuple[list[RawLine], list[PostingLine]]:
    """Split into the header block (title, company, place...) and sectioned content lines."""
    header: list[RawLine] = []
    body: list[PostingLine] = []
    headings = classify_headings(lines)
    section: str | None = None
    heading = heading_kind = ""
    for index, line in enumerate(lines):
        if index in headings:
            kind, opened = headings[index]
            if opened == "neutral":
                continue
            following = lines[index + 1] if index + 1 < len(lines) else None
            if kind == "" and section is None and not body and (following is None or following.kind != "bullet"):
                header.append(line)  # an unknown heading above every section: a title or company line
                continue
            section, heading, heading_kind = opened, line.text.rstrip(":").strip(), kind
            continue
        if section is None and not body and _is_header_line(line):
            header.append(line)  # meta lines under the title, until the first sentence of prose
            continue
        current = section or "about"
        body.append(
            PostingLine(line.text, _line_section(line.text, current), line.line_no, line.kind, heading, heading_kind)
        )
    return header, body


def _is_header_line(line: RawLine) -> bool:
    return len(line.text.split()) < 15 and not re.search(r"[.;!?]$", line.text)


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
        text = " ".join(sentences)
        kept.append(PostingLine(text, line.section, line.line_no, line.kind, line.heading, line.heading_kind))
    return kept


def _is_repeat(sentence: str, seen: list[set[str]]) -> bool:
    words = _words(sentence)
    if len(words) < 6:
        return False
    return any(len(words & other) / len(words | other) >= 0.8 for other in seen if other)


def _words(text: str) -> set[str]:
    return set(words(text))


def normalise(text: str) -> str:
    """Lower-case alphanumerics only: equal for lines that differ in bullets, case or spacing."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'“])")


def split_sentences(text: str) -> list[str]:
    """Split on sentence ends; keeps abbreviations like 'e.g.' intact since no capital follows."""
    return [part.strip() for part in _SENTENCE_SPLIT.split(text) if part.strip()]
