"""Conditions of applying: visa sponsorship and work authorisation, and how many applications a
candidate may send -- each with the posting sentences that state it."""

from __future__ import annotations

import re

from bot.core.postings.facts import NUMBER_PATTERN, NUMBER_WORDS
from bot.core.postings.fields import Labelled, sentence_of, values_for
from bot.core.postings.model import PostingLine
from bot.core.postings.structure import split_sentences

_VISA = re.compile(
    r"\bvisas?\b|\bsponsor(?:s|ship|ing)?\b|\bwork authori[sz]ation|\bwork permit|\bright to work|"
    r"(?-i:\bCPT\b|\bOPT\b|\bH-?1B\b)|"
    r"\bresidence permit|\bU\.?S\.? persons?\b|\bcitizens?(?:hip)?\b|\bstudy permit|\bwork pass\b|\blegally eligible",
    re.I,
)
_APPLICATIONS = re.compile(
    rf"\b(?:apply (?:to|for) )?(?:up to|a maximum of|maximum of|at most|no more than|only)\s+(?P<n>{NUMBER_PATTERN})\b"
    rf"[^.]{{0,60}}?\b(?:roles?|positions?|applications?|jobs?|postings?|internships?|openings?)\b"
    rf"|\b(?:limit|cap)\w* of (?P<n2>{NUMBER_PATTERN}) applications?",
    re.I,
)


def extract_visa(labels: list[Labelled], lines: list[PostingLine]) -> tuple[str | None, list[PostingLine]]:
    """The sentences about visas and work authorisation, as written (at most two)."""
    evidence: list[PostingLine] = [item.line for item in values_for(labels, "visa")]
    for line in lines:
        if len(evidence) >= 2:
            break
        if _VISA.search(line.text) and line not in evidence:
            if re.search(r"\bequal opportunity|regardless of|without regard", line.text, re.I):
                continue
            sentences = [x for x in split_sentences(line.text) if _VISA.search(x)]
            narrowed = " ".join(sentences) if sentences else line.text
            evidence.append(
                PostingLine(narrowed, line.section, line.line_no, line.kind, line.heading, line.heading_kind)
            )
    if not evidence:
        return None, []
    text = " ".join(_LABEL_PREFIX.sub("", line.text) for line in evidence)
    return text[:300], evidence


_LABEL_PREFIX = re.compile(r"^[A-Za-z /&-]{2,30}:\s*")
_NO_SPONSOR = re.compile(
    r"\b(?:not|no|unable to|cannot|can't|can ?not|won't|will not|does not|do not|don't|without)\b[^.;]{0,40}\bsponsor"
    r"|\bsponsorship (?:is )?(?:not|unavailable)|\bmust (?:already )?(?:be|have)[^;]{0,50}?"
    r"(?:authori[sz]ed|right to work|citizens?|permanent resident|U\.?S\.? persons?)",
    re.I,
)
_SPONSOR = re.compile(
    r"\bsponsor(?:s|ship|ed)?\b|\bvisa support\b|\bsupports? (?:OPT|CPT|H-?1B)|\bhandles? the work pass", re.I
)


def sponsorship(visa: str | None) -> str | None:
    """'yes', 'no' or 'some' (sponsors one kind, not another) from the visa sentences; None if silent."""
    if not visa:
        return None
    clauses = re.split(r"(?<=[.;])\s+(?=[A-Z])|,\s+(?:but|however)\s+", visa)
    said = {"no" if _NO_SPONSOR.search(c) else "yes" for c in clauses if _SPONSOR.search(c) or _NO_SPONSOR.search(c)}
    return None if not said else said.pop() if len(said) == 1 else "some"


def extract_application_limit(lines: list[PostingLine]) -> tuple[int | None, str | None, list[PostingLine]]:
    for line in lines:
        match = _APPLICATIONS.search(line.text)
        if match:
            n = _count(match.group("n") or match.group("n2"))
            return n, match.group(0), [sentence_of(line, _APPLICATIONS)]
    return None, None, []


def _count(token: str) -> int:
    return int(token) if token.isdigit() else NUMBER_WORDS[token.lower()]
