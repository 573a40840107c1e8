"""The details a request carries besides its intent and roles: a quiz topic (typos forgiven),
how many questions, how hard, a degree level, the term of "which roles mention X"."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from bot.core.text import words

NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "another": 1, "single": 1, "two": 2, "couple": 2, "three": 3,
                "few": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
DIFFICULTY_WORDS = {"easy": "easy", "easier": "easy", "simple": "easy", "basic": "easy", "beginner": "easy",
                    "medium": "medium", "intermediate": "medium", "moderate": "medium",
                    "hard": "hard", "harder": "hard", "difficult": "hard", "tough": "hard", "advanced": "hard"}
MAX_COUNT = 10
TOPIC_CUTOFF = 84.0  # rapidfuzz ratio: "pytroch" ~ "pytorch", "reccomendation systems" ~ "recommendation systems"
_COUNT = re.compile(r"\b(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")\b(?= (?:\S+ ){0,4}?(?:questions?|quiz|more)\b)")
_TERM = re.compile(
    r"\b(?:mention|mentions|mentioning|require|requires|requiring|need|needs|use|uses|using|ask for|asks for|"
    r"involve|involves|include|includes|want|wants|list|lists|cover|covers|expect|expects|prefer|prefers|"
    r"with|about|for|hiring for|work on|works on)\s+(.+?)\s*[?.!]*$",
    re.I,
)
_NOT_A_TERM = frozenset(
    "a an the all any some every each of my your this that these those it them me you us role roles job jobs "
    "posting postings position positions internship internships intern interns one ones opening openings "
    "company companies here there".split())
_TERM_NOISE = re.compile(
    r"^(?:a|an|the|some|any|experience (?:with|in)|knowledge of|familiarity with|skills? in)\s+", re.I
)


def find_topic(text: str, aliases: dict[str, tuple[str, ...]]) -> str | None:
    found = topic_match(text, aliases)
    return found[0] if found else None


def topic_match(text: str, aliases: dict[str, tuple[str, ...]]) -> tuple[str, str, str] | None:
    """(topic, the words as written, the alias they match): exact alias first (longest), then the
    closest alias by rapidfuzz over the message's 1-3 word phrases ("reccomendation systems")."""
    spaced = f" {' '.join(words(text.replace('-', ' '), parts=True))} "
    pairs = sorted(((a, t) for t, names in aliases.items() for a in names), key=lambda p: -len(p[0]))
    exact = next(((t, a, a) for a, t in pairs
                  if f" {' '.join(words(a.replace('-', ' '), parts=True))} " in spaced), None)
    tokens = spaced.split()
    grams = [" ".join(tokens[i : i + n]) for n in (3, 2, 1) for i in range(len(tokens) - n + 1)]
    grams = [g for g in grams if len(g) >= 5]
    names = [a for a, _ in pairs if len(a) >= 5]
    best: tuple[float, str, str] | None = None
    for gram in grams:
        found = process.extractOne(gram, names, scorer=fuzz.ratio, score_cutoff=TOPIC_CUTOFF)
        if found and (best is None or (len(found[0]), found[1]) > (len(best[1]), best[0])):
            best = (found[1], found[0], gram)
    fuzzy = (next(t for a, t in pairs if a == best[1]), best[2], best[1]) if best else None
    if exact and fuzzy:  # the longer phrase wins: "reccomendation systems" over the exact "systems"
        return fuzzy if len(fuzzy[2]) > len(exact[2]) else exact
    return exact or fuzzy


def find_count(text: str) -> int | None:
    match = _COUNT.search(text.lower())
    if not match:
        return None
    word = match.group(1)
    return max(1, min(MAX_COUNT, int(word) if word.isdigit() else NUMBER_WORDS[word]))


def find_difficulty(text: str) -> str | None:
    return next((DIFFICULTY_WORDS[w] for w in words(text, parts=True) if w in DIFFICULTY_WORDS), None)


def find_term(text: str) -> str | None:
    """ "which roles use JAX?" -> "JAX"; "who's hiring for Triton kernel work?" -> "Triton kernel work"."""
    match = _TERM.search(text)
    if not match:
        return None
    term = _TERM_NOISE.sub("", match.group(1)).strip(" \"'“”")
    if not term or all(w in _NOT_A_TERM for w in words(term, parts=True)):
        return None  # "list all the roles": nothing to look for
    return term
