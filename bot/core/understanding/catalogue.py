"""The names roles go by, indexed for fuzzy lookup: company, title words, team, places, level,
and the abbreviations people use (MLE, RS, DS, SWE...).

A question's words are looked up here (longest phrase first, typos through rapidfuzz over the
catalogue's own vocabulary), never by scanning every role, so the cost grows with the question,
not with the number of postings. Rarer names weigh more (IDF): "quillfeather" names one role,
"intern" names most of them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import fuzz, process

from bot.core.english import is_common_word
from bot.core.lexical import STOPWORDS
from bot.core.postings import Posting
from bot.core.text import Token, words
from bot.core.understanding.data import RoleWords, role_words

MAX_NGRAM = 3
NAMES_CACHE_SIZE = 20_000  # postings whose names are remembered (a few hundred bytes each)
_NAMES_CACHE: dict[tuple[str, str, int], list[tuple[str, str]]] = {}
MAX_TEAM_WORDS = 6
FUZZY_MIN_LENGTH = 5  # shorter words must match exactly ("ds" is not "ms")
FUZZY_CUTOFF = 85.0  # rapidfuzz ratio: "reccomendation" ~ "recommendation", "quilfeather" ~ "quillfeather"
# How strongly each kind of name points at a role; level words only narrow ("the PhD one").
KIND_WEIGHT = {"company": 1.0, "place": 1.0, "title": 0.8, "team": 0.8, "level": 0.35}
NAMING_KINDS = frozenset({"company", "place", "title", "team"})
_LEVEL_WORDS = {
    "phd": "phd doctoral doctorate",
    "ms": "ms master masters",
    "bs": "bs bachelor bachelors undergrad undergrads undergraduate",
}


@dataclass
class Match:
    """Question words that name roles: where they are, what they matched, whom they point at."""

    start: int  # token positions [start, end)
    end: int
    key: str  # the catalogue name matched
    quality: float  # 1.0 exact, less for a fuzzy match
    holders: dict[str, float]  # role id -> weight of this name for that role
    kinds: set[str] = field(default_factory=set)
    span: tuple[int, int] = (0, 0)  # character span in the question


class RoleCatalogue:
    """The roles one caller may see (scopes pass a filtered list), with their names indexed."""

    def __init__(self, roles: list[Posting], vocab: RoleWords | None = None) -> None:
        self.roles = list(roles)
        self.words = vocab or role_words()
        self.by_id = {role.role_id: role for role in self.roles}
        self.position = {role.role_id: n for n, role in enumerate(self.roles)}
        self._names: dict[str, dict[str, float]] = {}  # name -> role id -> weight
        self._kinds: dict[str, set[str]] = {}
        for role in self.roles:
            for name, kind in self._names_of(role):
                weight = KIND_WEIGHT[kind]
                held = self._names.setdefault(name, {})
                held[role.role_id] = max(held.get(role.role_id, 0.0), weight)
                self._kinds.setdefault(name, set()).add(kind)
        self._unigrams = [name for name in self._names if " " not in name and len(name) >= FUZZY_MIN_LENGTH]
        self.companies = {(r.company or "").lower() for r in self.roles if r.company}

    # ----- lookups ------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.roles)

    def idf(self, name: str) -> float:
        holders = len(self._names.get(name, ())) or 1
        return math.log(1 + len(self.roles) / holders)

    def is_naming(self, match: Match) -> bool:
        """A match that can name a role on its own: a company, place, title or team phrase that
        few roles share (at most a third of them, at least one)."""
        limit = max(1, len(self.roles) // 3)
        return bool(match.kinds & NAMING_KINDS) and len(match.holders) <= limit

    def find(self, question_tokens: list[Token]) -> list[Match]:
        """Longest catalogue names first; each question word is used by one match at most."""
        texts = [t.text for t in question_tokens]
        used = [False] * len(texts)
        found: list[Match] = []
        for size in range(MAX_NGRAM, 0, -1):
            for start in range(0, len(texts) - size + 1):
                if any(used[start : start + size]):
                    continue
                key = " ".join(texts[start : start + size])
                match = self._lookup(key, size)
                if match is None:
                    continue
                name, quality = match
                for i in range(start, start + size):
                    used[i] = True
                span = (question_tokens[start].start, question_tokens[start + size - 1].end)
                found.append(
                    Match(start, start + size, name, quality, dict(self._names[name]), set(self._kinds[name]), span)
                )
        return sorted(found, key=lambda m: m.start)

    def _lookup(self, key: str, size: int) -> tuple[str, float] | None:
        if size == 1 and (key in self.words.never_role_words or key in STOPWORDS):
            return None
        if key in self._names:
            return key, 1.0
        if size == 1 and len(key) >= FUZZY_MIN_LENGTH and self._unigrams and not key.isdigit() and not (
            is_common_word(key)
        ):  # a typo is not an English word; "sponsor" must not become "sponsored"
            best = process.extractOne(key, self._unigrams, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if best is not None:
                return best[0], best[1] / 100
        return None

    # ----- building -----------------------------------------------------------------------------
    def _names_of(self, role: Posting) -> list[tuple[str, str]]:
        """`_role_names`, remembered per posting version: each viewer's catalogue (library + their
        server's + their own postings, bot/core/scopes.py) is built per viewer, and the library's
        roles must not be analysed again for every one of them."""
        key = (role.role_id, role.content_hash, id(self.words))
        found = _NAMES_CACHE.get(key)
        if found is None:
            found = _NAMES_CACHE[key] = self._role_names(role)
            if len(_NAMES_CACHE) > NAMES_CACHE_SIZE:
                _NAMES_CACHE.pop(next(iter(_NAMES_CACHE)))
        return found

    def _role_names(self, role: Posting) -> list[tuple[str, str]]:
        """(name, kind) pairs a role can be called by."""
        names: list[tuple[str, str]] = []
        company = role.company
        for employer in {company, _employer_from_text(role)} - {None}:
            company_words = [w for w in words(employer, parts=True) if w not in STOPWORDS]
            names.append((" ".join(company_words), "company"))
            names += [(w, "company") for w in company_words if w not in self.words.generic_company_words]
        team = role.team if role.team and len(role.team.split()) <= MAX_TEAM_WORDS else ""  # a sentence names no team
        for text, kind in ((role.title, "title"), (team, "team")):
            title_words = [w for w in words(_strip_company(text, company), parts=True) if w not in STOPWORDS]
            names += [(gram, kind) for gram in _ngrams(title_words)]
            names += [(alias, kind) for alias in self._aliases(" ".join(title_words))]
        for location in role.locations:  # only real place names ("In-person, US-based" names no place)
            from bot.core.answering.regions import place_regions

            places = place_regions(location)
            place_words = [w for w in words(location, parts=True) if w not in self.words.never_role_words]
            places |= {p.removesuffix(" city") for p in places if p.endswith(" city")}  # "New York City"
            grams = [gram for gram in _ngrams(place_words, 3) if gram in places]
            names += [(gram, "place") for gram in grams]
            names += [(short, "place") for short, spelled in self.words.place_abbreviations.items() if spelled in grams]
        level = (role.level or "").lower()
        for code, spelled in _LEVEL_WORDS.items():
            if re.search(rf"\b{code}\b", level):
                names += [(w, "level") for w in spelled.split()]
        return [(n, k) for n, k in names if n and n not in self.words.never_role_words]

    def _aliases(self, title: str) -> list[str]:
        """Abbreviations whose expansion the title contains, and expansions of abbreviations it uses."""
        spaced = f" {title} "
        found = []
        for short, expansions in self.words.abbreviations.items():
            if any(f" {' '.join(words(e, parts=True))} " in spaced for e in expansions):
                found.append(short)
            if f" {short} " in spaced:
                found += [" ".join(words(e, parts=True)) for e in expansions]
        return found


def _ngrams(items: list[str], longest: int = MAX_NGRAM) -> list[str]:
    return [" ".join(items[i : i + n]) for n in range(1, longest + 1) for i in range(len(items) - n + 1)]


def _strip_company(text: str, company: str | None) -> str:
    """Titles such as "Pebblecast - Trust & Safety ML Intern": the company part is a company name."""
    if company and text.lower().startswith(company.lower()):
        return text[len(company) :]
    return text


_CAPITALISED = re.compile(r"\b[A-Z][a-z]{3,}\b")


_EMPLOYERS: dict[tuple[str, str], str | None] = {}  # (role id, content hash) -> name: catalogues are rebuilt often


def _employer_from_text(role: Posting) -> str | None:
    key = (role.role_id, role.content_hash)
    if key not in _EMPLOYERS:
        if len(_EMPLOYERS) > 50_000:
            _EMPLOYERS.clear()
        _EMPLOYERS[key] = _employer_in(role)
    return _EMPLOYERS[key]


@cache
def technology_words() -> frozenset[str]:
    """The words of the technology taxonomy ("pytorch", "spark"): postings repeat them, but they
    name no employer (here and in bot.core.understanding.employers)."""
    from bot.core.postings import tech

    if hasattr(tech, "taxonomy"):
        forms = set(tech.taxonomy().by_form)
    else:
        forms = {name.lower() for name in getattr(tech, "TECH_TERMS", {})}
    return frozenset(w for form in forms for w in words(form, parts=True))


def _employer_in(role: Posting) -> str | None:
    """The capitalised word the posting repeats most that is not
    an ordinary word — postings name their employer again and again ("At Ferrovia, ...")."""
    title = words(role.title, parts=True)
    skip = technology_words() | set(title[1:])  # "... Multimodal Recommendation" names a topic, not an employer
    counts: Counter[str] = Counter()
    for line in [role.title, *(line.text for line in role.lines[:80])]:
        for word in _CAPITALISED.findall(line):
            lowered = word.lower()
            if lowered not in STOPWORDS and lowered not in skip and not is_common_word(lowered):
                counts[word] += 1
    if not counts:
        return None
    word, count = counts.most_common(1)[0]
    return word if count >= 2 else None
