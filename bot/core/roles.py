"""Resolve the role a person means from free text: an id, "the research scientist one",
"e-commerce", "the San Jose role", "the PhD one" (which may honestly match two roles).

Words in front of "role/one/position/internship..." must all describe one role; elsewhere in a
question only distinctive words (a city, a multi-word title phrase shared by few roles) count, so
"what frameworks do ML roles need" does not silently narrow to one posting.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from bot.core.lexical import STOPWORDS
from bot.core.postings import Posting
from bot.core.postings.places import US_STATES

ROLE_WORDS = frozenset(
    "role roles one ones position positions job jobs posting postings opening internship "
    "internships intern interns opportunity".split()
)
_BOUNDARY = frozenset(
    "the a an that this for of about does do is are was what which how and or in at to on me tell show give my "
    "your many much several few some any all other these those more most can could should would will i you we "
    "they there apply applying pay pays paid salary compare comparing across between list each every both best "
    "top highest lowest mention mentions need needs require requires want wants offer offers with have has".split()
)
_ALIASES = {
    "machine learning": "ml",
    "los angeles": "la",
    "san francisco": "sf",
    "new york": "nyc",
    "e commerce": "ecommerce",
    "research scientist": "rs",
    "bs ms": "bs/ms",
    "ms phd": "ms/phd",
}
_LEVEL_WORDS = {
    "BS/MS": "bs ms bs/ms master masters bachelor bachelors undergrad",
    "PhD": "phd doctoral doctorate",
    "MS/PhD": "ms phd ms/phd master masters",
    "MS": "ms master masters",
    "BS": "bs bachelor bachelors",
}
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
_WORD = re.compile(r"[a-z0-9]+(?:/[a-z0-9]+)*")


@dataclass
class Resolution:
    """The roles a text points at: one, several (ambiguous), or none; `unknown` when it named a
    role that no posting matches."""

    roles: list[Posting] = field(default_factory=list)
    phrase: str | None = None
    unknown: bool = False
    via: str = "none"  # id | phrase | distinctive | none: how the roles were found


def words(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("-", " ")
    return _WORD.findall(text)


def _with_aliases(text: str) -> set[str]:
    joined = " ".join(words(text))
    tokens = set(joined.split())
    tokens |= {alias for phrase, alias in _ALIASES.items() if phrase in joined}
    tokens |= {part for token in tokens if "/" in token for part in token.split("/")}
    return tokens


class RoleResolver:
    """Built from the indexed roles; cheap to rebuild when they change."""

    def __init__(self, roles: list[Posting]) -> None:
        self.roles = roles
        self._by_id = {role.role_id: role for role in roles}
        self._position = {role.role_id: number for number, role in enumerate(roles)}
        self._descriptor = {role.role_id: self._descriptor_tokens(role) for role in roles}
        self._distinctive = {role.role_id: self._distinctive_tokens(role) for role in roles}
        self._holders: dict[str, set[str]] = {}  # token -> roles whose descriptor has it
        self._distinct_holders: dict[str, set[str]] = {}
        for role in roles:
            for token in self._descriptor[role.role_id]:
                self._holders.setdefault(token, set()).add(role.role_id)
            for token in self._distinctive[role.role_id]:
                self._distinct_holders.setdefault(token, set()).add(role.role_id)
        self._df = {t: len(h) for t, h in self._holders.items()} | {
            t: len(h | self._holders.get(t, set())) for t, h in self._distinct_holders.items()
        }

    def resolve(self, text: str) -> Resolution:
        """Explicit ids first, then a role phrase, then distinctive words."""
        lowered = text.strip().lower()
        if lowered in self._by_id:
            return Resolution([self._by_id[lowered]], lowered, via="id")
        if _SLUG.fullmatch(lowered):
            prefixed = [role for rid, role in self._by_id.items() if rid.startswith(lowered)]
            if len(prefixed) == 1:
                return Resolution(prefixed, lowered, via="id")
        mentioned = [self._by_id[slug] for slug in _SLUG.findall(lowered) if slug in self._by_id]
        if mentioned:
            return Resolution(mentioned, mentioned[0].role_id, via="id")
        phrase = role_phrase(text)
        if phrase:
            return self._match_phrase(phrase)
        return self._match_distinctive(text)

    def resolve_name(self, name: str) -> Resolution:
        """For an explicit `--role` value: the whole text is the role phrase."""
        found = self.resolve(name)
        if found.roles or found.unknown:
            return found
        tokens = [t for t in words(name) if t not in STOPWORDS and t not in ROLE_WORDS]
        return self._match_phrase(tokens) if tokens else Resolution(unknown=True, phrase=name)

    def _match_phrase(self, phrase: list[str]) -> Resolution:
        wanted = [t for t in phrase if t not in STOPWORDS]
        found = set(self._by_id)
        for token in wanted:
            found &= self._holders.get(token, set())
        matches = [role for role in self.roles if role.role_id in found]
        label = " ".join(phrase)
        if not matches:
            return Resolution([], label, unknown=True, via="phrase")
        if len(matches) == len(self.roles) and len(self.roles) > 1:
            return Resolution([], label, via="phrase")  # names nothing narrower than "any role"
        return Resolution(matches, label, via="phrase")

    def _match_distinctive(self, text: str) -> Resolution:
        plain = [t for t in words(text) if t not in STOPWORDS]
        tokens = _with_aliases(text) | {f"{a} {b}" for a, b in zip(plain, plain[1:], strict=False)}
        limit = max(1, len(self.roles) // 2)
        hits_by_role: dict[str, list[str]] = {}
        for token in tokens:
            holders = self._distinct_holders.get(token, ())
            if holders and self._df.get(token, 0) <= limit:
                for role_id in holders:
                    hits_by_role.setdefault(role_id, []).append(token)
        scored = [
            (sum(math.log(1 + len(self.roles) / self._df[t]) for t in hits), self._by_id[role_id], hits)
            for role_id, hits in hits_by_role.items()
        ]
        scored.sort(key=lambda item: self._position[item[1].role_id])  # ties keep the listing order
        if not scored:
            return Resolution()
        best = max(score for score, _, _ in scored)
        top = [(role, hits) for score, role, hits in scored if score == best]
        return Resolution([role for role, _ in top], " ".join(sorted(top[0][1])), via="distinctive")

    @staticmethod
    def _descriptor_tokens(role: Posting) -> set[str]:
        parts = [
            role.title,
            role.company or "",
            role.role_id.replace("-", " "),
            " ".join(role.locations),
            role.work_mode or "",
            role.employment_type or "",
            role.team or "",
            _LEVEL_WORDS.get(role.level or "", ""),
        ]
        tokens = _with_aliases(" ".join(parts)) | _state_codes(role)
        return {t for t in tokens if t not in STOPWORDS}

    @staticmethod
    def _distinctive_tokens(role: Posting) -> set[str]:
        """Cities, states and multi-word title phrases: words that rarely appear by accident."""
        place = _with_aliases(" ".join(role.locations)) | _state_codes(role)
        title_words = [t for t in words(role.title) if t not in STOPWORDS]
        title_pairs = {f"{a} {b}" for a, b in zip(title_words, title_words[1:], strict=False)}
        aliases = _with_aliases(role.title) - set(words(role.title))
        return {t for t in place | aliases if t not in STOPWORDS and t not in {"us", "usa", "united", "states"}} | {
            p for p in title_pairs
        }


def _state_codes(role: Posting) -> set[str]:
    text = " ".join(role.locations).lower()
    return {code.lower() for state, code in US_STATES.items() if state in text}


def role_phrase(text: str) -> list[str] | None:
    """Words right before a role word: 'the e-commerce PhD role' -> ['e', 'commerce', 'phd']."""
    tokens = words(text)
    for index, token in enumerate(tokens):
        if token not in ROLE_WORDS or index == 0:
            continue
        phrase: list[str] = []
        for previous in reversed(tokens[max(0, index - 6) : index]):
            if previous in _BOUNDARY or previous in ROLE_WORDS:
                break
            phrase.insert(0, previous)
        if phrase and not (len(phrase) == 1 and phrase[0] in {"which", "each", "every", "all", "other", "any"}):
            return phrase
    return None
