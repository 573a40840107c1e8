"""What a question asks for: a structured field, a section, a comparison across roles, or a passage.

Word patterns, checked in order; the first that matches wins. They describe how people ask
("how much does it pay", "where is it", "which roles mention C++"), not any one posting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FIELD_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.I))
    for name, pattern in (
        (
            "application_limit",
            r"how many (?:applications|positions|roles|jobs)|apply to (?:how many|more than)|application limit"
            r"|maximum (?:number of )?(?:applications|positions)",
        ),
        (
            "pay",
            r"\b(?:pay|pays|paid|paying|salary|salaries|compensation|hourly|wage|stipend|earn|make per|how much)\b",
        ),
        ("start_dates", r"(?<!cold )\b(?:start dates?|start|starts|starting|begin|begins|when can i start)\b"),
        ("duration", r"\bhow long\b|\bduration\b|\blength of\b|\bhow many (?:weeks|months)\b"),
        ("work_mode", r"\b(?:remote|on[- ]?site|in[- ]person|hybrid|work mode|in office|wfh|from home)\b"),
        ("location", r"\b(?:where|location|locations|located|city|cities|based)\b"),
        (
            "level",
            r"\b(?:degree|degrees|phd|ph\.d|doctoral|master'?s?|bachelor'?s?|bs/ms|ms/phd|education|undergrad\w*)\b",
        ),
        ("tech_stack", r"\b(?:tech stack|stack|technolog\w*|programming languages?|languages|frameworks?|tools)\b"),
        ("team", r"\b(?:which|what) team\b|\bteam (?:is|name)\b|\bthe team\b"),
        ("employment_type", r"\b(?:full[- ]time|part[- ]time|employment type|temporary|contract role)\b"),
    )
)
SECTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.I))
    for name, pattern in (
        ("preferred_qualifications", r"\b(?:preferred|nice[- ]to[- ]have|bonus|pluses|stand out|advantage)\b"),
        (
            "responsibilities",
            r"\b(?:responsibilit\w*|day[- ]to[- ]day|duties|what (?:will|would|do) (?:i|you) (?:do|work on)"
            r"|what does the (?:role|job|intern) (?:do|involve))\b",
        ),
        (
            "minimum_qualifications",
            r"\b(?:requirements?|required|qualifications?|must[- ]haves?|eligib\w*|what do i need|what does it take)\b",
        ),
    )
)
_CROSS_ROLE = re.compile(
    r"\b(?:which|what|any|all|each|every|list|how many|both|other)\b(?:\s+\w+){0,3}?\s+"
    r"(?:roles|positions|postings|jobs|ones|internships|openings)\b"
    r"|\bcompare\b|\bcomparison\b|\bacross (?:the )?roles\b|\b(?:highest|lowest|best|most|least)[- ](?:paying|paid)\b"
    r"|\bpays? (?:the )?(?:most|least|best)\b|\bdiffer(?:ence|ent)?\b",
    re.I,
)
_TERM = re.compile(
    r"\b(?:mention|mentions|mentioning|require|requires|requiring|need|needs|use|uses|using|ask for|asks for|"
    r"involve|involves|include|includes|want|wants|list|lists|cover|covers|expect|expects|prefer|prefers|"
    r"are in|are located in|are based in|located in|based in|offer|offers|with|about)\s+(.+?)\s*[?.!]*$",
    re.I,
)
_TERM_NOISE = re.compile(
    r"^(?:a|an|the|some|any|experience (?:with|in)|knowledge of|familiarity with|skills? in)\s+", re.I
)


@dataclass(frozen=True)
class Intent:
    field: str | None  # a structured field name, or None
    section: str | None  # a section name, or None
    cross_role: bool
    term: str | None  # for "which roles mention X": X
    specific: bool = False  # words beyond the field ("which team works on LLM fine-tuning?")


def classify(question: str) -> Intent:
    field = next((name for name, pattern in FIELD_PATTERNS if pattern.search(question)), None)
    section = None if field else next((n for n, p in SECTION_PATTERNS if p.search(question)), None)
    cross = bool(_CROSS_ROLE.search(question))
    term = None
    if cross:
        match = _TERM.search(question)
        if match:
            term = _TERM_NOISE.sub("", match.group(1)).strip(" \"'“”") or None
    return Intent(field, section, cross, term, _has_specifics(question, field or section))


_FILLER = frozenset(
    "a an the is are was do does did what which who where when how much many it its this that there for of to in "
    "on at with and or i me my we our you your can could should would will role roles job position posting "
    "internship intern one they them tell give show about get".split()
)


def _has_specifics(question: str, name: str | None) -> bool:
    """True when the question says more than which field it wants (then it is a search, not a list)."""
    if not name:
        return False
    patterns = dict(FIELD_PATTERNS) | dict(SECTION_PATTERNS)
    rest = patterns[name].sub(" ", question.lower())
    words = [w for w in re.findall(r"[a-z0-9+#]+", rest) if w not in _FILLER]
    return len(words) >= 2
