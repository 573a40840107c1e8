"""Parse a message once into a `Query`: the roles it refers to, what it asks (intents with
confidences), its slots, and the words left when the role names are taken out.

Every answerer (answers, quizzes, mock interviews, the DM router) takes the `Query`, never the
raw string, so there is one idea of what a message says.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.text import remove_spans, tokens, words
from bot.core.understanding.catalogue import RoleCatalogue
from bot.core.understanding.data import shorthand
from bot.core.understanding.employers import unknown_employer
from bot.core.understanding.intents import (
    ACT_CONFIDENT,
    CLAUSE_CONFIDENT,
    CONFIDENT,
    IntentClassifier,
    IntentScore,
)
from bot.core.understanding.references import ROLE_NOUNS, RoleRefs, resolve_refs
from bot.core.understanding.slots import find_count, find_difficulty, find_term, topic_match

if TYPE_CHECKING:
    from bot.core.embeddings import CachedEmbeddings
    from bot.core.postings import Posting

# Intents that answer from one posting field (the answer layer maps them to Posting attributes).
FIELD_INTENTS = ("pay", "location", "work_mode", "start_dates", "duration", "level", "visa", "deadline",
                 "application_limit", "team", "skills")
SECTION_INTENTS = ("requirements", "preferred", "responsibilities")
ROLE_INTENTS = FIELD_INTENTS + SECTION_INTENTS + ("role_overview", "how_to_apply", "other_fact")
CROSS_INTENTS = ("compare", "which_roles")
_CLAUSE_SPLIT = re.compile(  # "hi there! what does it pay", "got it, thanks. where is it?": not "U.S. persons"
    r"\s*(?:[,;?+!]|(?<=[a-z]{2})\.(?=\s)|\band\b|\balso\b|\bplus\b|(?<=\s)&(?=\s)| - )\s*", re.I)
_CONTENT_MIN = 1
POLITENESS = ("greeting", "thanks", "acknowledge")  # said around a question, never instead of answering it
# "abt", "w/", "b/c"; not "BS/MS"'s parts, nor the halves of "aren't" ("aren" is no typo of "are")
_WORD = re.compile(r"(?<![\w/'’])[A-Za-z]+(?:/[A-Za-z]*)?(?![\w/'’])")
MIN_TYPO_LENGTH = 4  # shorter words are too often abbreviations ("mle", "swe") to be typos
TYPO_SIMILARITY = 85  # rapidfuzz ratio, as role names and employers use: a letter or two off


@dataclass
class Query:
    """One message, understood."""

    text: str
    rest: str  # the message without the words that named roles: what is classified and searched
    intents: list[IntentScore]  # what it asks, in the order asked (several for "where is it and how long?")
    scores: list[IntentScore]  # every intent's score for the whole message, best first
    refs: RoleRefs
    unknown_employer: str | None = None
    employer_strong: bool = False  # "does X sponsor", "the X internship" (not "a student at X")
    topic: str | None = None
    count: int | None = None
    difficulty: str | None = None
    term: str | None = None
    clauses: list[str] = field(default_factory=list)

    @property
    def intent(self) -> str:
        return self.intents[0].name if self.intents else "unclear"

    @property
    def confidence(self) -> float:
        return self.scores[0].score if self.scores else 0.0

    @property
    def confident(self) -> bool:
        """Sure enough to act on a command or small talk: the whole message is clear, or every part
        of a multi-part one is."""
        if len(self.intents) > 1 and all(i.score >= CLAUSE_CONFIDENT for i in self.intents):
            return True
        return self.confidence >= ACT_CONFIDENT

    @property
    def answerable(self) -> bool:
        """Sure enough to answer a role question by its intent (the tuned CONFIDENT); below it the
        named role's lines are quoted or a short clarifying question is asked."""
        if len(self.intents) > 1 and all(i.score >= CLAUSE_CONFIDENT for i in self.intents):
            return True
        return self.confidence >= CONFIDENT

    @property
    def roles(self) -> list[Posting]:
        return self.refs.roles

    def names(self) -> list[str]:
        return [i.name for i in self.intents]

    def has(self, *names: str) -> bool:
        return any(i.name in names for i in self.intents)

    def score_of(self, name: str) -> float:
        return next((s.score for s in self.scores if s.name == name), 0.0)


class Understander:
    """Built once per process over the encoder; `parse` is cheap (one query embedding)."""

    def __init__(self, embeddings: CachedEmbeddings, cache_dir: Path | None = None) -> None:
        self.classifier = IntentClassifier(embeddings, cache_dir)
        self._asking_words: list[str] | None = None

    def asking_words(self) -> list[str]:
        """Every word the intent examples use: how people ask for things, spelled right."""
        if self._asking_words is None:
            self._asking_words = sorted(frozenset().union(*(self.classifier.vocabulary(n)
                                                            for n in self.classifier.names)))
        return self._asking_words

    def respell(self, rest: str, posting_words: frozenset[str]) -> str:
        """ "wat skills do i need", "what does it requre?", "whats the salry": shorthand is spelled out
        (knowledge/intents/shorthand.yaml), and a word that is neither English nor in any posting,
        a letter or two away from a word people ask with, is that word. The encoder splits such
        words into meaningless pieces, and the answer layer would take them for a fact asked about."""
        from rapidfuzz import fuzz, process

        from bot.core.english import zipf_frequency

        asking = self.asking_words()
        short = shorthand()

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            low = word.lower()
            if low in short and low not in posting_words:
                return short[low]
            if len(low) < MIN_TYPO_LENGTH or not low.isalpha() or low in posting_words or zipf_frequency(low) > 0.0:
                return word
            found = process.extractOne(low, asking, scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY)
            return found[0] if found else word

        return _WORD.sub(fix, rest)

    def parse(self, text: str, catalogue: RoleCatalogue, context: list[Posting] | None = None, *,
              posting_words: frozenset[str] = frozenset(), topics: dict[str, tuple[str, ...]] | None = None,
              ) -> Query:
        """Understand `text` against the roles the caller may see and the roles just talked about."""
        refs = resolve_refs(catalogue, text, context)
        # A company's name is never what is asked, even when every role shares it ("what does TikTok
        # look for?" with only TikTok roles): the encoder would read the message as about the name.
        companies = [m.span for m in catalogue.find(tokens(text)) if "company" in m.kinds]
        rest = self.respell(remove_spans(text, _union(refs.spans + companies)) or text, posting_words)
        topic = topic_match(rest, topics) if topics else None
        if topic and topic[1] != topic[2]:  # "quiz me on reccomendation systems": classify the words meant
            rest = re.sub(re.escape(topic[1]), topic[2], rest, flags=re.I) if re.search(
                re.escape(topic[1]), rest, re.I) else rest
        scores = self.classifier.classify(_without_emoticons(rest))
        intents = [scores[0]]
        clauses = [c for c in _CLAUSE_SPLIT.split(rest) if len(words(c, parts=True)) >= _CONTENT_MIN]
        clauses = [c for c in clauses if _has_content(c)]
        if len(clauses) > 1:
            parts: list[IntentScore] = []
            polite: list[str] = []
            for clause, clause_scores in zip(clauses, self.classifier.classify_many(clauses), strict=True):
                best = clause_scores[0]
                if best.score >= CLAUSE_CONFIDENT and best.name in POLITENESS:
                    polite.append(clause)
                if best.score >= CLAUSE_CONFIDENT and best.name not in {i.name for i in parts}:
                    parts.append(best)
            asked = [p for p in parts if p.name not in POLITENESS]
            if asked and len(asked) < len(parts):  # "hey, what does it pay?", "thanks! and where is it?"
                parts = asked  # the polite words are neither answered nor searched for, nor scored
                rest = ", ".join(c for c in clauses if c not in polite)
                scores = self.classifier.classify(_without_emoticons(rest))
                intents = [scores[0]]
            if len(parts) > 1:  # "pay and start date?": each part answered, in the order asked
                intents = parts
            elif parts and parts[0].name != intents[0].name and parts[0].score > intents[0].score:
                intents = [intents[0], parts[0]]
        topic_words = frozenset(w for names in (topics or {}).values() for a in names for w in words(a, parts=True))
        employer = None if refs.via == "id" else unknown_employer(text, catalogue, posting_words, topic_words)
        term = find_term(text)
        if employer and term and employer[0].lower() in term.lower() and not ROLE_NOUNS & set(words(term, parts=True)):
            employer = None  # "which roles mention Intel MKL?": what is looked for, not whom
        return Query(
            text=text, rest=rest, intents=intents, scores=scores, refs=refs,
            unknown_employer=employer[0] if employer else None, employer_strong=bool(employer and employer[1]),
            topic=topic[0] if topic else None, count=find_count(rest),
            difficulty=find_difficulty(rest), term=term, clauses=clauses,
        )


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans as one ("Nilgiri Cart" inside "Nilgiri Cart role")."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _has_content(clause: str) -> bool:
    """A clause worth classifying on its own: more than a filler word or two. A bare role noun left
    when names are taken out ("the Munich and Berlin internships" -> "internships") asks nothing."""
    filler = {"the", "a", "an", "it", "is", "and", "what", "about", "of"}
    content = [w for w in words(clause, parts=True) if w not in filler and w not in ROLE_NOUNS]
    return len(content) >= 1 and len(clause.strip()) >= 3


_EMOTICON = re.compile(r"(?<!\w)(?:[:;=][-'^]?[()\[\]DPpO3|*]+|<3|\^\^)(?!\w)")


def _without_emoticons(text: str) -> str:
    """What is classified: emoji and emoticons say how something is said, not what is asked
    ("thank you :)" is thanks as surely as "thank you"), and pull the vector off every example."""
    kept = "".join(ch for ch in _EMOTICON.sub(" ", text) if unicodedata.category(ch) != "So")
    return " ".join(kept.split()) or text

