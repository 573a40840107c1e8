"""Sentences that state one structured field of one role, each backed by the line that says it.

A field the parser did not fill returns None here; the caller then looks for the posting's own
words (retrieval within the role) and, failing that, says the posting doesn't state it.
"""

from __future__ import annotations

from bot.core.citations import CitationList
from bot.core.postings import SECTION_TITLES, Posting
from bot.core.text import words

FIELD_NAMES = {
    "pay": "pay",
    "location": "location",
    "work_mode": "work arrangement (remote, hybrid or on-site)",
    "start_dates": "start dates",
    "duration": "duration",
    "level": "degree level",
    "tech_stack": "tech stack",
    "skills": "tech stack",
    "team": "team",
    "application_limit": "limit on applications",
    "employment_type": "employment type",
    "visa": "visa sponsorship or work authorisation",
    "deadline": "application deadline",
}
QUOTE_CHARS = 160  # a short line is quoted whole: it often says more than the field ("June 1 – August 7")
# The evidence keys a field's sentence cites (the parser stores lines under these names).
EVIDENCE = {"skills": "tech_stack", "application_limit": "application_limit"}


def _value(posting: Posting, attr: str) -> object:
    return getattr(posting, attr, None)


def _marks(posting: Posting, cites: CitationList, *keys: str, limit: int = 3) -> str:
    lines = [line for key in keys for line in posting.evidence.get(key, [])[:limit]]
    return cites.marks(posting, lines)


def field_sentence(posting: Posting, field: str, cites: CitationList, label: str | None = None) -> str | None:
    """One sentence for the field, or None when the posting does not state it (or states it
    without a line to cite: an uncited claim is not made)."""
    name = label or posting.display_name
    key = EVIDENCE.get(field, field)
    if not posting.evidence.get(key) and not (field == "pay" and posting.evidence.get("pay_note")):
        if not (field == "work_mode" and posting.evidence.get("office_days")):
            return None
    marks = _marks(posting, cites, key, limit=12 if field == "start_dates" else 3)
    if field == "pay":
        if posting.pay:
            stated = getattr(posting.pay, "as_stated", "")
            said = f" (“{stated}”)" if stated and not _same_figure(stated, posting.pay.describe()) else ""
            note = getattr(posting.pay, "note", "")
            extra = f", {note}" if note and note.lower() not in stated.lower() else ""
            return f"{name} pays {posting.pay.describe()}{said}{extra} {marks}."
        note = _value(posting, "pay_note")
        if not note:
            return None
        return f"{name}: pay is described as “{note}”, with no figure {_marks(posting, cites, 'pay_note')}."
    if field == "location" and posting.locations:
        mode = f" ({posting.work_mode})" if posting.work_mode else ""
        return f"{name} — location: {posting.location}{mode} {_marks(posting, cites, 'location', 'work_mode')}."
    if field == "work_mode" and (posting.work_mode or _value(posting, "office_days")):
        days = _value(posting, "office_days")
        detail = f", in the office {days}" if days else ""
        quote = (posting.evidence.get("work_mode") or posting.evidence.get("office_days"))[0].text
        where = f" ({posting.location})" if posting.location else ""
        return (f"{name} is {posting.work_mode or 'partly in the office'}{detail}{where}: the posting says “{quote}” "
                f"{_marks(posting, cites, 'work_mode', 'office_days')}.")
    if field == "start_dates" and posting.start_dates:
        lines = posting.evidence.get(key, [])
        said = f" — “{lines[0].text}”" if len(lines) == 1 and len(lines[0].text) <= QUOTE_CHARS else ""
        return f"{name} lists these start dates: {', '.join(posting.start_dates)}{said} {marks}."
    if field == "duration" and posting.duration:
        return f"{name} runs for {posting.duration} {marks}."
    if field == "level" and posting.level:
        detail = _value(posting, "level_detail")
        said = f" — “{detail}”" if detail and detail != posting.level else ""
        return f"{name} is a {posting.level} role{said} {marks}."
    if field in ("tech_stack", "skills") and posting.tech_stack:
        return f"{name} names {', '.join(posting.tech_stack)} {marks}."
    if field == "team" and posting.team:
        return f"{name}: {posting.team} {marks}."
    if field == "application_limit" and (posting.application_limit or _value(posting, "max_applications")):
        quote = posting.evidence[key][0].text
        return f"{name}: “{quote}” {marks}"
    if field == "employment_type" and posting.employment_type:
        return f"{name} is listed as {posting.employment_type} {marks}."
    if field == "visa" and _value(posting, "visa"):
        quote = _with_its_paragraph(posting, posting.evidence[key][0].text)
        return f"{name} on visas and work authorisation: “{quote}” {marks}"
    if field == "deadline" and (_value(posting, "deadline") or _value(posting, "deadline_note")):
        quote = posting.evidence[key][0].text
        if _value(posting, "deadline"):
            return f"{name}: apply by {_value(posting, 'deadline')} — “{quote}” {marks}"
        return f"{name}: the deadline is {_value(posting, 'deadline_note')} — “{quote}” {marks}"
    return None


def _same_figure(stated: str, described: str) -> bool:
    """The posting's words add nothing when they are only figures ("$36.00 - $41.00"); words such
    as "LPA", "CTC" or "pro rata" are worth quoting."""
    said = {word for word in words(stated, parts=True) if word.isalpha() and len(word) > 1}
    return not said - set(words(described, parts=True))


def missing_sentence(posting: Posting, field: str, label: str | None = None) -> str:
    return f"The {label or posting.display_name} posting doesn't state its {FIELD_NAMES.get(field, field)}."


def section_sentence(posting: Posting, section: str, cites: CitationList, limit: int = 6,
                     label: str | None = None) -> str | None:
    lines = [line for line in posting.section_lines(section) if line.kind != "header"][:limit]
    if not lines:
        return None
    bullets = "\n".join(f"• {line.text} {cites.mark(posting, line)}" for line in lines)
    return f"**{SECTION_TITLES[section]}** for {label or posting.display_name}:\n{bullets}"


ELIGIBILITY_PARAGRAPH_MAX = 320  # characters: a short paragraph is quoted whole, a long one only in part


def _with_its_paragraph(posting: Posting, quote: str) -> str:
    """An eligibility statement with the rest of its short paragraph: a restriction usually comes with
    its reason ("requires access to technology subject to export control", "a government contract"),
    which a student asking whether they can apply needs as much as the rule."""
    for line in posting.lines:
        if quote in line.text and len(line.text) <= ELIGIBILITY_PARAGRAPH_MAX:
            return line.text
    return quote
