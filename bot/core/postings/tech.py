"""Technologies a posting names, from the curated taxonomy in knowledge/postings_reading/tech.yaml.

Terms match whole: 'C++' is not found inside 'C/C++' by accident, and names that are also
letters or words ("C", "R", "Go", "Ray") count only in context (next to another technology in a
list, on a line of their own, or written as "X-based" / "X programming"). Skill phrases the
taxonomy does not know (the items of a "(hypothesis testing, regression)" list in a requirement)
are collected separately by `find_skills`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.core.postings.model import PostingLine

TAXONOMY_PATH = Path(__file__).resolve().parents[3] / "knowledge" / "postings_reading" / "tech.yaml"
_BEFORE = r"(?<![\w+#.\-])"
_AFTER = r"(?![\w+#]|\.\w|-(?!based|powered|native|style|like|compatible))"
_LIST_GAP = re.compile(r"^(?:\s*(?:[,/&;+]|\band\b|\bor\b|\(|\)|\bnor\b|\bon\b|\bwith\b)\s*)+$|^\s+$", re.I)
_CONTEXT_AFTER = re.compile(r"^(?:-based|-powered|\s+(?:programming|language|code|services?|stack|SDK|APIs?)\b)", re.I)
_LEADING_USE = re.compile(r"^\s+(?:for|experience|skills|knowledge|proficiency|programming)\b", re.I)
_CONTEXT_BEFORE = re.compile(r"\b(?:in|using|used|use|with|written in|on)\s+$", re.I)


@dataclass(frozen=True)
class Technology:
    """One taxonomy entry: its canonical name, its kind and every written form."""

    name: str
    kind: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class _Taxonomy:
    by_form: dict[str, Technology]  # lower-cased written form -> entry
    loose: re.Pattern[str]  # case-insensitive forms
    strict: re.Pattern[str]  # forms that count only as written (capitalised), some only in context
    context_only: frozenset[str]


@cache
def taxonomy() -> _Taxonomy:
    """Load the YAML once per process and compile two alternations (longest form first)."""
    data = yaml.safe_load(TAXONOMY_PATH.read_text(encoding="utf-8"))
    context_only = frozenset(data.pop("context_only", []))
    case_sensitive = set(data.pop("case_sensitive", [])) | context_only
    by_form: dict[str, Technology] = {}
    for kind, entries in data.items():
        for entry in entries:
            names = [part.strip() for part in str(entry).split("|") if part.strip()]
            tech = Technology(names[0], kind, tuple(names))
            for form in names:
                by_form.setdefault(form.lower(), tech)
    forms = sorted({form for tech in by_form.values() for form in tech.aliases}, key=len, reverse=True)
    loose = [re.escape(f) for f in forms if f not in case_sensitive]
    strict = [re.escape(f) for f in forms if f in case_sensitive]
    return _Taxonomy(
        by_form,
        re.compile(rf"{_BEFORE}(?:{'|'.join(loose)}){_AFTER}", re.I),
        re.compile(rf"{_BEFORE}(?:{'|'.join(strict)}){_AFTER}"),
        context_only,
    )


def canonical(name: str) -> str | None:
    """The taxonomy's name for a written form ('sklearn' -> 'scikit-learn'), None if unknown."""
    tech = taxonomy().by_form.get(name.strip().lower())
    return tech.name if tech else None


def tech_in_text(text: str) -> list[str]:
    """Canonical technology names in one line of text, in order of first mention."""
    tax = taxonomy()
    spans = [(m.start(), m.end(), m.group(0)) for m in tax.loose.finditer(text)]
    taken = {i for s, e, _ in spans for i in range(s, e)}
    spans += [(m.start(), m.end(), m.group(0)) for m in tax.strict.finditer(text) if m.start() not in taken]
    spans.sort()
    accepted = [
        form not in tax.context_only or _in_context(text, spans, i, set()) for i, (_, _, form) in enumerate(spans)
    ]
    known = {index for index, ok in enumerate(accepted) if ok}
    for index, ok in enumerate(accepted):  # "R or Julia": once one is a technology, its list neighbour is too
        if not ok and _in_context(text, spans, index, known):
            known.add(index)
    found: list[str] = []
    for index, (_, _, form) in enumerate(spans):
        tech = tax.by_form[form.lower()]
        if index in known and tech.name not in found:
            found.append(tech.name)
    return found


def _in_context(text: str, spans: list[tuple[int, int, str]], index: int, known: set[int]) -> bool:
    """An ambiguous form is a technology when the line is a list of technologies around it."""
    start, end, _ = spans[index]
    before, after = text[:start], text[end:]
    if not before.strip(" -*•→:") and (not after.strip(" .;:") or _LEADING_USE.match(after)):
        return True  # the whole line ("Go"), or a bullet led by it ("R for statistics")
    for i in (index - 1, index + 1):
        if not 0 <= i < len(spans):
            continue
        n_start, n_end, form = spans[i]
        if form in taxonomy().context_only and i not in known:
            continue  # two ambiguous words side by side prove nothing
        gap = text[n_end:start] if n_end <= start else text[end:n_start]
        if _LIST_GAP.match(gap):
            return True
    return bool(_CONTEXT_AFTER.match(after)) or (
        bool(_CONTEXT_BEFORE.search(before)) and bool(re.match(r"^\s*(?:[,.;)]|$|or\b|and\b)", after))
    )


def find_tech(lines: list[PostingLine]) -> tuple[list[str], list[PostingLine]]:
    """Technologies named anywhere in the posting, in a stable order, with the lines naming them."""
    found: list[str] = []
    evidence: list[PostingLine] = []
    for line in lines:
        names = tech_in_text(line.text)
        if names and line not in evidence:
            evidence.append(line)
        found.extend(name for name in names if name not in found)
    return found, evidence


_SKILL_LIST = re.compile(r"\(([^()]{3,160})\)|(?:such as|including|e\.g\.,?|like)\s+([^.;()]{3,160})", re.I)
_DEGREE = re.compile(r"(?:B|M)(?:S|A|Sc|Eng|Tech)|PhD|MBA|Bachelor'?s|Master'?s", re.I)
_SKILL_SECTIONS = ("minimum_qualifications", "preferred_qualifications")
_NOT_A_SKILL = re.compile(
    r"\b(?:our|your|you|we|not|just|any|some|all|similar|related|equivalent|have|has|counts?|students?|"
    r"candidates?|graduat\w*|\w+ly)\b|/",
    re.I,
)


def find_skills(lines: list[PostingLine], known: list[str]) -> list[str]:
    """Short skill phrases listed in requirements that the taxonomy does not name ('causal inference')."""
    skills: list[str] = []
    lowered = {name.lower() for name in known}
    for line in lines:
        if line.section not in _SKILL_SECTIONS or line.heading_kind == "eligibility":
            continue
        for match in _SKILL_LIST.finditer(line.text):
            for item in re.split(r",\s*|\s+or\s+|\s+and\s+", match.group(1) or match.group(2)):
                item = item.strip(" .;:").removeprefix("or ").removeprefix("and ")
                words = item.split()
                if not 1 <= len(words) <= 4 or any(ch.isdigit() for ch in item) or item.lower() in lowered:
                    continue
                if tech_in_text(item) or not item[:1].isalpha() or _DEGREE.fullmatch(item.replace(".", "")):
                    continue
                if _NOT_A_SKILL.search(item):
                    continue
                if item.lower() not in (s.lower() for s in skills):
                    skills.append(item)
    return skills[:30]
