"""Answers about one role: a field, a section, requirements (minimum and preferred), a role card,
or the posting's own words when structure has nothing — never less than plain retrieval."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.answering.base import QUALIFIERS, contains_any, name, passages
from bot.core.citations import CitationList
from bot.core.english import zipf_frequency
from bot.core.fields_answers import FIELD_NAMES, field_sentence, missing_sentence, section_sentence
from bot.core.lexical import STOPWORDS
from bot.core.text import words
from bot.core.understanding.references import ROLE_NOUNS

if TYPE_CHECKING:
    from bot.core.index import KnowledgeIndex
    from bot.core.postings import Posting

FIELD_OF_INTENT = {"skills": "tech_stack"} | {f: f for f in (
    "pay", "location", "work_mode", "start_dates", "duration", "level", "visa", "deadline", "application_limit",
    "team")}
# What to search a role's posting for when the field isn't parsed: the intent in plain words.
SEARCH_WORDS = {
    "pay": "pay salary compensation stipend per hour per month",
    "location": "location office city based",
    "work_mode": "remote hybrid on-site office days",
    "start_dates": "start date begins",
    "duration": "duration weeks months long",
    "level": "degree students enrolled graduate eligibility",
    "visa": "visa sponsorship work authorization permit",
    "deadline": "deadline apply by applications close",
    "application_limit": "apply to multiple roles applications limit",
    "team": "team",
    "skills": "technologies tools languages frameworks experience",
    "how_to_apply": "how to apply resume application submit",
    "responsibilities": "you will responsibilities work on",
    "requirements": "requirements qualifications must have",
    "preferred": "preferred nice to have bonus",
}
# A line answers a field only if it has one of the field's words: "Apply through the portal" is
# about applying, not about a deadline. (Words people write in postings, checked as word starts.)
EVIDENCE_WORDS = {
    "pay": ["pay", "salary", "compensation", "stipend", "wage", "per hour", "/hr", "allowance", "$", "€", "£", "₹"],
    "location": ["location", "office", "based in", "located", "city", "remote", "campus", "site"],
    "work_mode": ["remote", "hybrid", "on-site", "onsite", "in-person", "in person", "office", "from home"],
    "start_dates": ["start", "begin", "commence", "join"],
    "duration": ["week", "month", "duration", "summer", "length"],
    "level": ["degree", "student", "bachelor", "master", "phd", "graduat", "undergrad", "enrolled", "year"],
    "visa": ["visa", "sponsor", "authoriz", "authoris", "permit", "citizen", "right to work", "cpt", "opt",
             "h-1b", "h1b", "immigration", "work pass", "international"],
    "deadline": ["deadline", "apply by", "applications close", "closing", "closes", "rolling", "due"],
    "application_limit": ["apply to", "applications", "application per", "one role", "two role", "maximum"],
    "team": ["team", "group", "lab", "org"],
}
CARD_REQUIREMENTS = 3


class RoleAnswers:
    """One role, one intent -> one part of a reply (text with citation marks)."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index

    def part(self, posting: Posting, intent: str, ask: str, cites: CitationList, label: str | None = None) -> str:
        """`ask`: the question's words without the role names (what retrieval searches for)."""
        label = label or name(posting)
        if intent == "skills":  # "what skills do I need": the named technologies and the requirements
            found = [field_sentence(posting, "tech_stack", cites, label), self.requirements(posting, cites, label)]
            text = "\n".join(f for f in found if f)
            return text or self._no_requirements(posting, cites, label)
        if intent in FIELD_OF_INTENT:
            sentence = field_sentence(posting, FIELD_OF_INTENT[intent], cites, label)
            return sentence or self._from_text(posting, intent, ask, cites, label)
        if intent == "requirements":
            return self.requirements(posting, cites, label) or self._no_requirements(posting, cites, label)
        if intent in ("preferred", "responsibilities"):
            section = "preferred_qualifications" if intent == "preferred" else "responsibilities"
            found = section_sentence(posting, section, cites, label=label)
            return found or self._from_text(posting, intent, ask, cites, label)
        if intent == "role_overview":
            return self.card(posting, cites, label)
        strict = intent == "other_fact"
        return self._from_text(posting, intent, ask, cites, label, strict=strict)

    def requirements(self, posting: Posting, cites: CitationList, label: str) -> str | None:
        """Minimum and preferred qualifications, each labelled."""
        parts = [section_sentence(posting, "minimum_qualifications", cites, label=label),
                 section_sentence(posting, "preferred_qualifications", cites, limit=4, label=label)]
        found = [p for p in parts if p]
        return "\n".join(found) if found else None

    def _no_requirements(self, posting: Posting, cites: CitationList, label: str) -> str:
        """No qualifications section: say so, then what the role does (the next best guide)."""
        duties = section_sentence(posting, "responsibilities", cites, limit=4, label=label)
        said = f"The {label} posting doesn't list required skills or qualifications."
        return f"{said} What the role involves instead:\n{duties}" if duties else said

    def card(self, posting: Posting, cites: CitationList, label: str) -> str:
        """Title, company, place and mode, level, pay, dates, three key requirements: each cited."""
        rows = [f"**{posting.display_name}**" + (f" — {posting.company}" if posting.company else "")]
        for field, heading in (("location", "Where"), ("level", "Level"), ("pay", "Pay"),
                               ("start_dates", "Starts"), ("duration", "Length"), ("deadline", "Deadline")):
            sentence = field_sentence(posting, field, cites, label)
            if sentence:
                rows.append(f"• {heading}: {sentence.removeprefix(label).lstrip(' :—-')}")
        key = [ln for ln in posting.section_lines("minimum_qualifications") if ln.kind != "header"]
        if key:
            rows.append("• Key requirements:")
            rows += [f"  – {ln.text} {cites.mark(posting, ln)}" for ln in key[:CARD_REQUIREMENTS]]
        if len(rows) == 1:
            about = [ln for ln in posting.lines if ln.kind != "header"][:2]
            rows += [f"• {ln.text} {cites.mark(posting, ln)}" for ln in about]
        return "\n".join(rows)

    def _listed(self, posting: Posting, word: str, cites: CitationList, label: str) -> str | None:
        """ "do I need to speak German?": the thing asked about is one of the role's qualifications, so
        say where it is listed (required or preferred) beside the minimum qualifications."""
        sections = ("minimum_qualifications", "preferred_qualifications")
        listed = [ln for section in sections for ln in posting.section_lines(section)
                  if ln.kind != "header" and contains_any(ln.text, [word])]
        if not listed:
            return None
        bullets = "\n".join(f"• “{ln.text}”{QUALIFIERS.get(ln.section, '')} {cites.mark(posting, ln)}" for ln in listed)
        minimum = section_sentence(posting, "minimum_qualifications", cites, label=label)
        return f"{label} lists it among its qualifications:\n{bullets}" + (f"\n{minimum}" if minimum else "")

    def _from_text(self, posting: Posting, intent: str, ask: str, cites: CitationList, label: str,
                   strict: bool = False) -> str:
        """The posting's own lines about the question; if none, say the posting doesn't state it."""
        query = f"{ask} {SEARCH_WORDS[intent]}" if intent in SEARCH_WORDS else ask
        must = EVIDENCE_WORDS.get(intent)
        found = None
        if strict:
            rare = specific_words(ask)[:2]
            if rare:  # nothing specific asked ("what else?"): no line can be shown to answer it
                hits = passages(self.index, query, [posting], cites, limit=3, must_contain=rare[:1],
                                must_contain_all=rare)
                found = hits.get(posting.role_id)
                if not found and (listed := self._listed(posting, rare[0], cites, label)):
                    return listed
        else:
            found = passages(self.index, query, [posting], cites, limit=3, must_contain=must).get(posting.role_id)
        if found:
            return f"{label} — the posting says:\n" + "\n".join(found)
        if intent in FIELD_NAMES or intent in FIELD_OF_INTENT:
            return missing_sentence(posting, FIELD_OF_INTENT.get(intent, intent), label)
        if intent in ("requirements", "preferred", "responsibilities"):
            return f"The {label} posting doesn't list its {intent.replace('_', ' ')}."
        return f"The {label} posting doesn't say."


VERY_COMMON_ZIPF = 5.2  # "get", "give", "much", "days": words that say nothing about what is asked


def specific_words(text: str) -> list[str]:
    """The words of a question that carry what it asks ("PTO", "relocation", "401k", "return offers"),
    rarest first: a line that answers it has the rarest of them. Very common words and role nouns
    never count."""
    kept: dict[str, float] = {}
    for word in words(text, parts=True):
        if word in STOPWORDS or word in ROLE_NOUNS or len(word) < 2 or word.isdigit():
            continue
        # "c++", "c#", "node.js": a technical name, however common its letters are in English
        frequency = zipf_frequency(word) if word.replace("'", "").isalpha() else 0.0
        if frequency < VERY_COMMON_ZIPF:
            kept[word] = frequency
    return sorted(kept, key=kept.__getitem__)  # rarest first
