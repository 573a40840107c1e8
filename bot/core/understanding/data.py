"""The labelled data behind understanding: intent paraphrases and role words (knowledge/intents/).

Loaded once per process; reviewed like code, but kept as YAML so adding a phrasing is a data
change, not a new pattern.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

INTENTS_DIR = Path(__file__).resolve().parents[3] / "knowledge" / "intents"
ROLE_WORDS_FILE = "role_words.yaml"
SHORTHAND_FILE = "shorthand.yaml"
NOT_INTENTS = (ROLE_WORDS_FILE, SHORTHAND_FILE, "employers.yaml")


@dataclass(frozen=True)
class RoleWords:
    """How people name roles: abbreviations and words that never name a role by themselves."""

    abbreviations: dict[str, tuple[str, ...]]
    generic_company_words: frozenset[str]
    context_words: frozenset[str]
    other_words: frozenset[str]
    never_role_words: frozenset[str]
    ranking_words: frozenset[str] = frozenset()  # "the best paying role": a comparison, not a name
    follow_up_openers: tuple[str, ...] = ()  # "and the pay?": carries on about the roles just talked about
    ordinal_words: dict[str, int] = field(default_factory=dict)  # "the second one": 2 (last: -1)
    possessive_words: frozenset[str] = frozenset()  # "my target role": described, not named
    place_abbreviations: dict[str, str] = field(default_factory=dict)  # "la" -> "los angeles"
    comparing_words: frozenset[str] = frozenset()  # "compare", "vs": a comparison, with nothing named to compare on


@cache
def intent_examples(directory: Path = INTENTS_DIR) -> dict[str, tuple[str, ...]]:
    """intent name -> its labelled paraphrases, from every intents file in `directory`."""
    examples: dict[str, tuple[str, ...]] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name in NOT_INTENTS:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, phrases in data.items():
            if name in examples:
                raise ValueError(f"intent {name!r} is defined twice (second time in {path.name})")
            examples[name] = tuple(str(p) for p in phrases)
    return examples


@cache
def role_words(directory: Path = INTENTS_DIR) -> RoleWords:
    data = yaml.safe_load((directory / ROLE_WORDS_FILE).read_text(encoding="utf-8"))
    return RoleWords(
        abbreviations={str(k).lower(): tuple(str(x).lower() for x in v) for k, v in data["abbreviations"].items()},
        generic_company_words=frozenset(str(w).lower() for w in data["generic_company_words"]),
        context_words=frozenset(str(w).lower() for w in data["context_words"]),
        other_words=frozenset(str(w).lower() for w in data["other_words"]),
        never_role_words=frozenset(str(w).lower() for w in data["never_role_words"]),
        ranking_words=frozenset(str(w).lower() for w in data.get("ranking_words", ())),
        follow_up_openers=tuple(str(w).lower() for w in data.get("follow_up_openers", ())),
        ordinal_words={str(k).lower(): int(v) for k, v in (data.get("ordinal_words") or {}).items()},
        possessive_words=frozenset(str(w).lower() for w in data.get("possessive_words", ())),
        place_abbreviations={str(k).lower(): str(v).lower()
                             for k, v in (data.get("place_abbreviations") or {}).items()},
        comparing_words=frozenset(str(w).lower() for w in data.get("comparing_words", ())),
    )


@cache
def shorthand(directory: Path = INTENTS_DIR) -> dict[str, str]:
    """Typed shorthand -> the word meant ("abt" -> "about", "reqs" -> "requirements")."""
    data = yaml.safe_load((directory / SHORTHAND_FILE).read_text(encoding="utf-8")) or {}
    return {str(k).lower(): str(v) for k, v in data.items()}
