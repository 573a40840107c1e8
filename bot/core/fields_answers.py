"""Sentences that state one structured field of one role, each backed by the line that says it."""

from __future__ import annotations

from bot.core.citations import CitationList
from bot.core.postings import SECTION_TITLES, Posting

FIELD_NAMES = {
    "pay": "pay",
    "location": "location",
    "work_mode": "work mode",
    "start_dates": "start dates",
    "duration": "duration",
    "level": "degree level",
    "tech_stack": "tech stack",
    "team": "team",
    "application_limit": "application limit",
    "employment_type": "employment type",
}


def field_sentence(posting: Posting, field: str, cites: CitationList) -> str | None:
    """One sentence for the field, or None when the posting does not state it."""
    name = posting.display_name
    marks = cites.marks(posting, posting.evidence.get(field, [])[: 12 if field == "start_dates" else 3])
    if field == "pay" and posting.pay:
        return f"{name} pays {posting.pay.describe()} {marks}."
    if field == "location" and posting.locations:
        mode = f" ({posting.work_mode})" if posting.work_mode else ""
        evidence = posting.evidence.get("location", [])[:3] + posting.evidence.get("work_mode", [])[:1]
        return f"{name} — location: {posting.location}{mode} {cites.marks(posting, evidence)}."
    if field == "work_mode" and posting.work_mode:
        return f"{name} is {posting.work_mode}: the posting says “{posting.evidence['work_mode'][0].text}” {marks}."
    if field == "start_dates" and posting.start_dates:
        return f"{name} lists these start dates: {', '.join(posting.start_dates)} {marks}."
    if field == "duration" and posting.duration:
        return f"{name} runs for {posting.duration} {marks}."
    if field == "level" and posting.level:
        return f"{name} is a {posting.level} role {marks}."
    if field == "tech_stack" and posting.tech_stack:
        return f"{name} names {', '.join(posting.tech_stack)} {marks}."
    if field == "team" and posting.team:
        return f"{name}: {posting.team} {marks}."
    if field == "application_limit" and posting.application_limit:
        quote = posting.evidence["application_limit"][0].text
        return f"{name}: “{quote}” {marks}"
    if field == "employment_type" and posting.employment_type:
        return f"{name} is listed as {posting.employment_type} {marks}."
    return None


def missing_sentence(posting: Posting, field: str) -> str:
    return f"The {posting.display_name} posting doesn't state its {FIELD_NAMES.get(field, field)}."


def section_sentence(posting: Posting, section: str, cites: CitationList, limit: int = 6) -> str | None:
    lines = [line for line in posting.section_lines(section) if line.kind != "header"][:limit]
    if not lines:
        return None
    bullets = "\n".join(f"• {line.text} {cites.mark(posting, line)}" for line in lines)
    return f"{SECTION_TITLES[section]} for {posting.display_name}:\n{bullets}"
