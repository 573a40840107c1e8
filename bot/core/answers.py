"""Question -> a short answer grounded in the postings, with citations (no LLM needed).

Field questions (pay, location, degree...) are answered from the parsed fields, cross-role
questions over every role, anything else from the best-matching posting lines. When nothing in
the postings supports an answer, the answer says so and cites nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.core.citations import Citation, CitationList
from bot.core.errors import InvalidQuestion, RoleNotFound
from bot.core.fields_answers import field_sentence, missing_sentence, section_sentence
from bot.core.index import Hit, KnowledgeIndex
from bot.core.intents import Intent, classify
from bot.core.postings import Posting
from bot.core.postings.fields import detect_level
from bot.core.postings.structure import split_sentences
from bot.core.roles import Resolution, words
from bot.core.unknown import unknown_entity

MAX_QUESTION_CHARS = 2000
MIN_SIMILARITY = 0.32  # below this a posting line is not about the question (all-MiniLM cosine)
MIN_SIMILARITY_WITH_TERMS = 0.22  # ...unless BM25 also found the question's words in it
COMPARE_ROWS = 15  # a comparison lists at most this many roles (Discord embeds and readers both have limits)
RELATIVE_MARGIN = 0.12  # lines much weaker than the best match are noise next to it


@dataclass
class Answer:
    question: str
    text: str
    role_id: str | None = None
    citations: list[Citation] = field(default_factory=list)
    kind: str = "passage"  # field | section | cross-role | passage | not-found | refusal
    role_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "role": self.role_id,
            "citations": [c.to_dict() for c in self.citations],
        }


def validate_question(question: str) -> str:
    text = question.strip()
    if not text:
        raise InvalidQuestion("The question is empty: ask something about a role, e.g. 'what does the PhD role pay?'.")
    if len(text) > MAX_QUESTION_CHARS:
        raise InvalidQuestion(f"The question is {len(text):,} characters; please keep it under {MAX_QUESTION_CHARS:,}.")
    return text


class AnswerEngine:
    """Offline answers over a `KnowledgeIndex`."""

    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index

    def answer(self, question: str, role: str | None = None, context_roles: list[str] | None = None) -> Answer:
        """`role`: an explicit role (id or words; unknown -> RoleNotFound). `context_roles`: roles the
        conversation was about, used when the question names none ("and where is it?")."""
        question = validate_question(question)
        if self.index.is_empty():
            return Answer(
                question, "No postings are indexed yet, so I can't answer questions about roles.", kind="not-found"
            )
        roles, found, refusal = self._roles_for(question, role, context_roles)
        if refusal:
            return refusal
        topic = without_phrase(question, found.phrase if found.via == "phrase" else None)
        intent = classify(topic)
        if intent.cross_role:
            narrowed = roles if found.via in ("phrase", "id") or role else []
            return self._across_roles(question, intent, narrowed or self.index.roles())
        if not roles and intent.specific:
            return self._passages(question, topic, roles)
        if not roles and (intent.field or intent.section):
            return self._across_roles(question, intent, self.index.roles())
        if intent.field or intent.section:
            return self._about_roles(question, intent, roles)
        return self._passages(question, topic, roles)

    # ----- which roles --------------------------------------------------------------------------
    def _roles_for(
        self, question: str, role: str | None, context: list[str] | None
    ) -> tuple[list[Posting], Resolution, Answer | None]:
        resolver = self.index.resolver
        entity = unknown_entity(question, self.index.vocabulary)
        if entity:
            reason = f"I don't have any posting from {entity} indexed, so I can't answer that."
            return [], Resolution(), self._refuse(question, reason)
        if role:
            found = resolver.resolve_name(role)
            if not found.roles:
                raise RoleNotFound(role, [r.role_id for r in self.index.roles()])
            inline = resolver.resolve(question)  # "--role X what does the PhD one pay": drop the words too
            return found.roles, inline if inline.via == "phrase" else found, None
        found = resolver.resolve(question)
        if found.unknown:
            reason = f"No indexed role matches '{found.phrase}', so I can't answer that."
            return [], found, self._refuse(question, reason)
        if found.roles:
            return found.roles, found, None
        if context:
            return [p for rid in context if (p := self.index.role(rid))], found, None
        return [], found, None

    def _refuse(self, question: str, reason: str) -> Answer:
        roles = self.index.roles()
        listing = "\n".join(f"• {p.display_name} — {p.company or 'unknown company'} (`{p.role_id}`)" for p in roles[:8])
        more = f"\n…and {len(roles) - 8} more (see `prepbot roles` or /roles)." if len(roles) > 8 else ""
        return Answer(question, f"{reason} The roles I know are:\n{listing}{more}", kind="refusal")

    # ----- structured answers -------------------------------------------------------------------
    def _about_roles(self, question: str, intent: Intent, roles: list[Posting]) -> Answer:
        cites = CitationList()
        parts = []
        for posting in roles[:5]:
            if intent.field:
                parts.append(field_sentence(posting, intent.field, cites) or missing_sentence(posting, intent.field))
            else:
                parts.append(
                    section_sentence(posting, intent.section, cites)
                    or f"The {posting.display_name} posting has no such section."
                )
        lead = "" if len(roles) == 1 else f"{len(roles)} roles match, so here is each:\n"
        single = roles[0].role_id if len(roles) == 1 else None
        kind = "field" if intent.field else "section"
        return Answer(question, lead + "\n".join(parts), single, cites.items, kind, [r.role_id for r in roles])

    def _across_roles(self, question: str, intent: Intent, roles: list[Posting]) -> Answer:
        level = detect_level(intent.term or "") if intent.term else None
        if level or (intent.field == "level" and intent.term):
            return self._filter_by_level(question, level or detect_level(question) or "", roles)
        if intent.term and intent.field not in ("pay", "start_dates", "duration"):
            return self._filter_by_term(question, intent.term, roles)
        if intent.field:
            return self._compare_field(question, intent.field, roles)
        if intent.section:
            return self._about_roles(question, intent, roles)
        return self._passages(question, question, roles)

    def _compare_field(self, question: str, field_name: str, roles: list[Posting]) -> Answer:
        cites = CitationList()
        if field_name == "pay":
            roles = sorted(roles, key=lambda p: -(p.pay.per_hour() if p.pay else -1))
        shown = roles[:COMPARE_ROWS]
        lines = [f"• {field_sentence(p, field_name, cites) or missing_sentence(p, field_name)}" for p in shown]
        head = "Highest first:\n" if field_name == "pay" and len(roles) > 1 else ""
        more = f"\n…and {len(roles) - len(shown)} more roles; name one to see it." if len(roles) > len(shown) else ""
        text = head + "\n".join(lines) + more
        return Answer(question, text, None, cites.items, "cross-role", [p.role_id for p in shown])

    def _filter_by_level(self, question: str, level: str, roles: list[Posting]) -> Answer:
        cites = CitationList()
        wanted = {"PhD": ("PhD", "MS/PhD"), "MS": ("MS", "BS/MS", "MS/PhD"), "BS": ("BS", "BS/MS")}.get(level, (level,))
        matching = [p for p in roles if p.level in wanted]
        if not matching:
            return Answer(question, f"None of the {len(roles)} indexed roles is a {level} role.", kind="cross-role")
        lines = [
            f"• {p.display_name} {cites.marks(p, p.evidence.get('level', [])[:2])}" for p in matching[:COMPARE_ROWS]
        ]
        if len(matching) > COMPARE_ROWS:
            lines.append(f"…and {len(matching) - COMPARE_ROWS} more.")
        others = len(roles) - len(matching)
        tail = f"\nThe other {others} role(s) are for other degree levels." if others else ""
        text = f"{len(matching)} of {len(roles)} roles are {level} roles:\n" + "\n".join(lines) + tail
        return Answer(question, text, None, cites.items, "cross-role", [p.role_id for p in matching])

    def _filter_by_term(self, question: str, term: str, roles: list[Posting]) -> Answer:
        pattern = _term_pattern(term)
        cites = CitationList()
        found, matching = [], []
        for posting in roles:
            lines = [line for line in posting.lines if pattern.search(line.text)]
            if lines:
                matching.append(posting.role_id)
                found.append(f"• {posting.display_name} {cites.marks(posting, lines[:2])}")
                if len(found) == COMPARE_ROWS:
                    found.append("…and possibly more; name a role to check it.")
                    break
        if not found:
            return Answer(question, f"None of the {len(roles)} indexed roles mentions “{term}”.", kind="cross-role")
        count = (
            f"{len(found)} of {len(roles)}"
            if len(found) <= COMPARE_ROWS
            else f"At least {COMPARE_ROWS} of {len(roles)}"
        )
        text = f"{count} roles mention “{term}”:\n" + "\n".join(found)
        return Answer(question, text, None, cites.items, "cross-role", matching)  # the roles it names, not all

    # ----- free questions ----------------------------------------------------------------------
    def _passages(self, question: str, topic: str, roles: list[Posting]) -> Answer:
        """`topic` is the question without the words that named the role, so they don't pull in the title."""
        role_ids = [p.role_id for p in roles] or None
        hits = _relevant(self.index.search(topic, role_ids, k=8))
        single = roles[0].role_id if len(roles) == 1 else None
        if not hits:
            where = f"the {roles[0].display_name} posting" if len(roles) == 1 else "the indexed postings"
            return Answer(question, f"I couldn't find anything about that in {where}.", single, kind="not-found")
        cites = CitationList()
        by_role: dict[str, list[str]] = {}
        for hit in hits[:4]:
            posting = self.index.role(hit.chunk.role_id)
            if posting is None:  # removed between the search and now
                continue
            line = next(
                (ln for ln in posting.lines if ln.line_no == hit.chunk.line_no and hit.chunk.text in ln.text), None
            )
            if line is None:
                continue
            quote = self._best_sentence(topic, hit.chunk.text)
            by_role.setdefault(posting.role_id, []).append(f"• “{quote}” {cites.mark(posting, line)}")
        parts = [f"{self.index.role(rid).display_name} says:\n" + "\n".join(items) for rid, items in by_role.items()]
        return Answer(question, "\n".join(parts), single, cites.items, "passage", list(by_role))

    def _best_sentence(self, question: str, text: str) -> str:
        """Quote the sentence of a long line that is closest to the question, not the whole paragraph."""
        sentences = split_sentences(text)
        if len(sentences) <= 1 or len(text) < 160:
            return text
        scores = self.index.similarity(question, sentences)
        return sentences[max(range(len(sentences)), key=scores.__getitem__)]


def without_phrase(question: str, phrase: str | None) -> str:
    """Drop the words that named the role ("the e-commerce PhD role") from the question."""
    if not phrase:
        return question
    drop = set(phrase.split())
    kept = [w for w in re.findall(r"\S+", question) if not set(words(w)) <= drop or not words(w)]
    return " ".join(kept)


def _relevant(hits: list[Hit]) -> list[Hit]:
    """Hits that are about the question: absolute floors, then close to the best one found."""

    def passes(hit: Hit) -> bool:
        text = hit.chunk.text
        if hit.chunk.kind == "header" or len(text.split()) < 4 or text.rstrip().endswith("?"):
            return False  # "Role: Internship", "Are you applying?": no answer in them
        floor = MIN_SIMILARITY + (0.1 if hit.chunk.section == "other" else 0.0)
        return hit.similarity >= floor or (hit.lexical > 0 and hit.similarity >= MIN_SIMILARITY_WITH_TERMS)

    kept = [hit for hit in hits if passes(hit)]
    best = max((hit.similarity for hit in kept), default=0.0)
    return [hit for hit in kept if hit.similarity >= best - RELATIVE_MARGIN]


def _term_pattern(term: str) -> re.Pattern[str]:
    """Whole-term, case-insensitive; 'C++' must not match 'C' and 'ML' must not match 'HTML'."""
    escaped = re.escape(term.strip())
    return re.compile(rf"(?<![\w+]){escaped}(?![\w+])" if term[-1:].isalnum() or term.endswith("+") else escaped, re.I)
