"""Answers over several roles: lists ("which roles are in Europe / use JAX / take undergrads?")
and comparisons ("which pays best?", "compare start dates for the Munich and Berlin roles").

Every matching role is listed (up to MAX_LISTED, then a count), each with the line that shows
why it matches. Pay is ranked only within one currency, on annualised figures, and the reply
says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.core.answering.base import MAX_LISTED, Answer, name, passages
from bot.core.answering.regions import asked_regions, place_regions
from bot.core.citations import CitationList
from bot.core.fields_answers import field_sentence, missing_sentence
from bot.core.grading.language import language
from bot.core.lexical import STOPWORDS
from bot.core.postings.fields import detect_level
from bot.core.text import words
from bot.core.understanding import FIELD_INTENTS
from bot.core.understanding.data import role_words
from bot.core.understanding.employers import technology_words
from bot.core.understanding.references import ROLE_NOUNS

if TYPE_CHECKING:
    from bot.core.index import KnowledgeIndex
    from bot.core.postings import Posting, PostingLine
    from bot.core.understanding import Query

CURRENCY_WORDS = {"euro": "EUR", "euros": "EUR", "eur": "EUR", "€": "EUR", "dollars": "USD", "usd": "USD",
                  "pounds": "GBP", "gbp": "GBP", "sterling": "GBP", "cad": "CAD", "canadian": "CAD", "inr": "INR",
                  "rupees": "INR", "sgd": "SGD", "singapore dollars": "SGD"}
UNIT_WORDS = {"hourly": "hour", "hour": "hour", "monthly": "month", "month": "month", "weekly": "week",
              "yearly": "year", "annual": "year", "annually": "year", "salary": None}
MODE_WORDS = {"remote": "remote", "remotely": "remote", "hybrid": "hybrid", "onsite": "onsite", "on-site": "onsite",
              "in-person": "onsite", "office": "onsite"}
MONTHS = "january february march april may june july august september october november december".split()
_LOW = re.compile(r"\b(?:lowest|least|worst|smallest)\b", re.I)
FIELD_OF = {"skills": "tech_stack"}
MAX_LISTING = 25  # one short line per role: a list answer may name more roles than a comparison
MAX_SIDE_BY_SIDE = 3  # "compare these roles" with no field named: a few roles' key facts side by side
SIDE_BY_SIDE = (("location", "Where"), ("level", "Level"), ("pay", "Pay"), ("duration", "Length"),
                ("start_dates", "Starts"), ("deadline", "Deadline"))


class CrossAnswers:
    def __init__(self, index: KnowledgeIndex) -> None:
        self.index = index

    # ----- comparisons --------------------------------------------------------------------------
    def compare(self, query: Query, roles: list[Posting]) -> Answer:
        if 2 <= len(roles) <= MAX_SIDE_BY_SIDE and _names_no_field(query):
            return self._side_by_side(query, roles)  # "compare the Berlin and Munich roles"
        field = _compared_field(query)
        if field == "pay":
            return self._compare_pay(query, roles)
        cites = CitationList()
        shown = roles[:MAX_LISTED]
        lines = [f"• {_sentence(p, FIELD_OF.get(field, field), cites)}" for p in shown]
        return Answer(query.text, "\n".join(lines) + _more(roles, shown), None, cites.items, "cross-role",
                      [p.role_id for p in shown])

    def _side_by_side(self, query: Query, roles: list[Posting]) -> Answer:
        """No field named: the facts people weigh roles on, role by role, each cited."""
        cites = CitationList()
        blocks = []
        for posting in roles:
            label = name(posting)
            rows = [f"**{label}**"]
            for field, heading in SIDE_BY_SIDE:
                sentence = field_sentence(posting, field, cites, label)
                rows.append(f"• {heading}: " + (sentence.removeprefix(label).lstrip(" :—-") if sentence
                                                 else "not stated in the posting"))
            blocks.append("\n".join(rows))
        return Answer(query.text, "\n".join(blocks), None, cites.items, "cross-role", [p.role_id for p in roles])

    def _compare_pay(self, query: Query, roles: list[Posting]) -> Answer:
        """Highest first within each currency, on annualised figures; no exchange rates are invented."""
        cites = CitationList()
        paid = [p for p in roles if p.pay]
        unpaid = [p for p in roles if not p.pay]
        low_first = bool(_LOW.search(query.text))
        by_currency: dict[str, list[Posting]] = {}
        for posting in paid:
            by_currency.setdefault(posting.pay.currency, []).append(posting)  # type: ignore[union-attr]
        blocks = []
        order = sorted(by_currency.items(), key=lambda kv: -len(kv[1]))
        ranked: list[Posting] = []
        for currency, group in order:
            group.sort(key=lambda p: _annual_mid(p), reverse=not low_first)
            ranked += group
            rows = [f"• {_sentence(p, 'pay', cites)}" for p in group[:MAX_LISTED]]
            head = f"In {currency}, {'lowest' if low_first else 'highest'} first:" if len(by_currency) > 1 else (
                f"{'Lowest' if low_first else 'Highest'} first:" if len(group) > 1 else "")
            blocks.append("\n".join([head, *rows]).strip())
        if unpaid:
            blocks.append("\n".join(f"• {_sentence(p, 'pay', cites)}" for p in unpaid[:MAX_LISTED]))
        notes = ["Ranked on yearly figures, assuming full-time work (40 hours a week, 52 weeks a year) for "
                 "hourly, weekly and monthly pay."] if len({p.pay.unit for p in paid}) > 1 else []  # type: ignore[union-attr]
        if len(by_currency) > 1:
            notes.append("Different currencies are not ranked against each other (no exchange rates are assumed).")
        text = "\n".join(blocks + ["_" + " ".join(notes) + "_"] if notes else blocks)
        shown = (ranked + unpaid)[: MAX_LISTED * 2]  # in the order shown: "it" next means the first
        return Answer(query.text, text, None, cites.items, "cross-role", [p.role_id for p in shown])

    # ----- which roles --------------------------------------------------------------------------
    def filtered(self, query: Query, roles: list[Posting], with_term: bool = True) -> Answer | None:
        """The roles a filter in the question selects (place, pay kind, mode, deadline month, level,
        a term), or None when the question has no such filter."""
        negated = _negates(query.rest)  # "which roles don't need a PhD?", "which aren't remote?"
        finders = [self._by_region, self._by_pay_kind, self._by_mode, self._by_deadline, self._by_level]
        for finder in finders:
            found = finder(query, query.rest, roles)
            if found is not None:
                if negated:
                    return self._complement(query, roles, found)
                return self.listing(query, found.matching, len(roles), found.what, found.evidence)
        if with_term and query.term:
            if negated:
                named = [p for p in roles if _lines_naming(query.term, p)]
                return self._complement(query, roles, Selection(named, f"mention “{query.term}”", None))
            return self._by_term(query, query.rest, roles)
        return None

    def _complement(self, query: Query, roles: list[Posting], found: Selection) -> Answer:
        """The roles a negated filter asks for: every role the filter does not select."""
        rest = [p for p in roles if p not in found.matching]
        if not rest:
            return Answer(query.text, f"All {len(roles)} indexed roles {found.what}.", kind="cross-role")
        return self.listing(query, rest, len(roles), _negated(found.what), found.evidence)

    def which(self, query: Query, roles: list[Posting]) -> Answer:
        """Roles that match what the question filters by; 'none' plainly when none do."""
        rest = query.rest
        result = self.filtered(query, roles)
        if result is not None:
            return result
        cites = CitationList()
        found = passages(self.index, rest, roles, cites, limit=6)
        if not found:
            return Answer(query.text, f"No indexed role says anything about that (I checked all {len(roles)}).",
                          kind="not-found")
        parts = [f"{name(self.index.role(rid))}:\n" + "\n".join(items) for rid, items in found.items()]
        return Answer(query.text, "\n".join(parts), None, cites.items, "passage", list(found))

    def listing(self, query: Query, matching: list[Posting], total: int, what: str, evidence: str | None = None
                ) -> Answer:
        """ "3 of 28 roles are in Europe:" and one cited line each."""
        if not matching:
            return Answer(query.text, f"No indexed role {_singular(what)} (I checked all {total}).", kind="cross-role")
        cites = CitationList()
        rows = []
        for posting in matching[:MAX_LISTING]:
            lines = posting.evidence.get(evidence, [])[:1] if evidence else []
            if not lines:
                lines = [ln for ln in posting.lines if ln.kind == "header"][:1] or posting.lines[:1]
            detail = f" — {posting.location}" if evidence == "location" and posting.location else ""
            rows.append(f"• {name(posting)}{detail} {cites.marks(posting, lines)}")
        count = f"{len(matching)} of {total} roles" if total else f"{len(matching)} roles"
        text = f"{count} {what}:\n" + "\n".join(rows) + _more(matching, matching[:MAX_LISTING])
        return Answer(query.text, text, None, cites.items, "cross-role", [p.role_id for p in matching[:MAX_LISTING]])

    def _by_region(self, query: Query, rest: str, roles: list[Posting]) -> Selection | None:
        asked = asked_regions(query.text)
        if not asked:
            return None
        words_, key = asked[0]
        matching = [p for p in roles if key in set().union(*(place_regions(loc) for loc in p.locations or [""]))]
        label = words_.title() if len(words_) > 3 else words_.upper()
        return Selection(matching, f"are in {label}", "location")

    def _by_pay_kind(self, query: Query, rest: str, roles: list[Posting]) -> Selection | None:
        tokens = words(query.text, parts=True)
        currency = next((CURRENCY_WORDS[w] for w in tokens if w in CURRENCY_WORDS), None)
        unit = next((UNIT_WORDS[w] for w in tokens if UNIT_WORDS.get(w)), None)
        if not currency and not unit or not (query.has("pay") or query.score_of("pay") > 0.45):
            return None
        matching = [p for p in roles if p.pay and (not currency or p.pay.currency == currency)
                    and (not unit or p.pay.unit == unit)]
        what = " ".join(x for x in ("pay", f"per {unit}" if unit else "", f"in {currency}" if currency else "") if x)
        return Selection(matching, what, "pay")

    def _by_mode(self, query: Query, rest: str, roles: list[Posting]) -> Selection | None:
        mode = next((MODE_WORDS[w] for w in words(rest, parts=True) if w in MODE_WORDS), None)
        if not mode:
            return None
        matching = [p for p in roles if (p.work_mode or "").lower().replace("-", "") == mode]
        return Selection(matching, f"are {mode}", "work_mode")

    def _by_deadline(self, query: Query, rest: str, roles: list[Posting]) -> Selection | None:
        if not (query.has("deadline") or query.score_of("deadline") > 0.5):
            return None
        tokens = words(rest, parts=True)
        month = next((MONTHS.index(w) + 1 for w in tokens if w in MONTHS), None)
        year = next((w for w in tokens if re.fullmatch(r"20\d\d", w)), None)
        if month is None:
            return None
        prefix = f"{year or ''}"
        matching = [p for p in roles if (d := getattr(p, "deadline", None)) and d[5:7] == f"{month:02d}"
                    and d.startswith(prefix)]
        when = f"{MONTHS[month - 1].title()} {year or ''}".strip()
        return Selection(matching, f"close applications in {when}", "deadline")

    def _by_level(self, query: Query, rest: str, roles: list[Posting]) -> Selection | None:
        level = detect_level(rest)
        if level is None and re.search(r"\bundergrad|\bbachelor|\bjuniors?\b|\bsophomores?\b", rest, re.I):
            level = "BS"
        if level is None:
            return None
        only = bool(re.search(r"\bonly\b|\bexclusively\b|\bjust\b", rest, re.I))
        asked = set(level.split("/"))
        matching = [p for p in roles if p.level and (
            set(p.level.split("/")) == asked if only else asked & set(p.level.split("/")))]
        what = f"are {level}{' only' if only else ''} roles" if level != "BS" else "take undergraduates (BS)"
        return Selection(matching, what, "level")

    def _by_term(self, query: Query, rest: str, roles: list[Posting]) -> Answer | None:
        term = query.term or ""
        cites = CitationList()
        rows = []
        matching = []
        for posting in roles:
            lines = _lines_naming(term, posting)
            if lines:
                matching.append(posting)
                if len(rows) < MAX_LISTED:
                    rows.append(f"• {name(posting)} {cites.marks(posting, lines[:2])}")
        if not matching and len(term.split()) > 1:  # "Triton kernel work": the technology is the term
            for word in sorted(term.split(), key=len, reverse=True):
                if word.lower() in technology_words():
                    return self._by_term(replace(query, term=word), rest, roles)
        if not matching:
            return Answer(query.text, f"No indexed role mentions “{term}” (I checked all {len(roles)}).",
                          kind="cross-role")
        text = f"{len(matching)} of {len(roles)} roles mention “{term}”:\n" + "\n".join(rows)
        return Answer(query.text, text + _more(matching, matching[:MAX_LISTED]), None, cites.items, "cross-role",
                      [p.role_id for p in matching[:MAX_LISTED]])


@dataclass(frozen=True)
class Selection:
    """The roles a filter in a question selects, and how to say what they have in common."""

    matching: list[Posting]
    what: str  # "are in Europe", "are PhD roles", "take undergraduates (BS)"
    evidence: str | None  # the field whose cited line shows it


def _negates(text: str) -> bool:
    """The question asks for the roles a filter does *not* select: a negation word anywhere in it
    (the words are data: knowledge/grading/language.yaml, "not", "without", "don't", "dont"...)."""
    negation = language()
    return any(negation.is_negation(word) for word in words(text))


def _negated(what: str) -> str:
    """ "are remote" -> "are not remote"; "take undergraduates (BS)" -> "do not take undergraduates (BS)"."""
    return f"are not {what[4:]}" if what.startswith("are ") else f"do not {what}"


def _singular(what: str) -> str:
    """ "are in Tokyo" -> "is in Tokyo", "take undergraduates" -> "takes undergraduates"."""
    first, _, rest = what.partition(" ")
    verb = {"are": "is", "take": "takes", "close": "closes", "pay": "pays", "match": "matches", "do": "does"
            }.get(first, first)
    return f"{verb} {rest}".strip()


def _sentence(posting: Posting, field: str, cites: CitationList) -> str:
    return field_sentence(posting, field, cites, name(posting)) or missing_sentence(posting, field, name(posting))


def _names_no_field(query: Query) -> bool:
    """ "compare the Berlin and Munich roles", "Berlin vs Munich": no field intent and no word beyond
    the asking of a comparison (role names are already out of `rest`)."""
    if any(i.name in FIELD_INTENTS for i in query.intents):
        return False
    asked = [w.removesuffix("'s") for w in words(query.rest)]  # "what's the difference": "what"
    comparing = role_words().comparing_words
    return not [w for w in asked if w not in STOPWORDS and w not in ROLE_NOUNS and w not in comparing]


def _compared_field(query: Query) -> str:
    """The field a comparison is about: the strongest field intent in the question, else pay."""
    fields = [s for s in query.scores if s.name in FIELD_INTENTS]
    for intent in query.intents:
        if intent.name in FIELD_INTENTS:
            return intent.name
    if _names_no_field(query):  # "compare all the roles": pay, not whichever field scored a little
        return "pay"
    if fields and fields[0].score >= 0.5:
        return fields[0].name
    return "pay"


def _annual_mid(posting: Posting) -> float:
    pay = posting.pay
    if pay is None:
        return -1.0
    if hasattr(pay, "annualised"):
        low, high = pay.annualised()
        return (low + high) / 2
    return pay.per_hour()


def _more(all_: list[Posting], shown: list[Posting]) -> str:
    extra = len(all_) - len(shown)
    return f"\n…and {extra} more; name one to see it." if extra > 0 else ""


def _lines_naming(term: str, posting: Posting) -> list[PostingLine]:
    """The posting's lines that name `term` as a whole term."""
    pattern = _term_pattern(term)
    return [line for line in posting.lines if pattern.search(line.text)]


@lru_cache(maxsize=256)
def _term_pattern(term: str) -> re.Pattern[str]:
    """Whole-term, case-insensitive; 'C++' must not match 'C' and 'ML' must not match 'HTML'."""
    escaped = re.escape(term.strip())
    return re.compile(rf"(?<![\w+]){escaped}(?![\w+])" if term[-1:].isalnum() or term.endswith("+") else escaped, re.I)
