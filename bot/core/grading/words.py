"""Words an answer uses: the ones it leans on most, and the job posting's own terms it picked up."""

from __future__ import annotations

import re
from collections import Counter

from bot.core.postings import Posting, PostingLine
from bot.core.postings.tech import find_tech
from bot.core.text import STOPWORDS  # the one stopword list (bot/core/text.py)

TOP_WORDS = 5
JOB_TERMS = 12
_WORD = re.compile(r"[a-z0-9][a-z0-9+#']*(?:[-/][a-z0-9+#]+)*", re.I)
# Words every job posting uses; they say nothing about this job in particular.
_POSTING_FILLER = frozenset(
    "ability able across address applied apply areas based best bring build building candidate candidates "
    "company create critical current currently deliver demonstrated design develop developing development drive "
    "driving effective empower enhance ensure environment excellent experience experiences familiarity field "
    "fields following good great grow growth hands help high important improve improving including industry "
    "industry-leading innovative internship intern interns join key knowledge leading looking markets mission "
    "new opportunities opportunity organization own part passion platform position preferred problems product "
    "products proficient proficiency provide qualifications record related required requirements responsibilities "
    "role looking skills solid solution solutions solve strong student students support talented team teams "
    "things understanding use using various well work working world year years".split()
)


# ----- words -----------------------------------------------------------------------------------------
def _normal(word: str) -> str:
    word = word.lower().strip("'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def top_words(text: str) -> list[tuple[str, int]]:
    """The non-stopword words used more than once, most used first (ties alphabetically)."""
    counts = Counter(w.lower() for w in _WORD.findall(text) if w.lower() not in STOPWORDS and len(w) > 1
                     and not w.isdigit())
    repeated = [(w, c) for w, c in counts.items() if c > 1]
    return sorted(repeated, key=lambda item: (-item[1], item[0]))[:TOP_WORDS]


def job_terms(answer: str, posting: Posting) -> list[str]:
    """Terms from the posting that the answer used: its technologies, then its distinctive phrases
    and words (job-ad filler such as "experience" or "solutions" is left out)."""
    lines = [line for line in posting.lines if line.kind != "header" and line.section != "logistics"]
    tech, _ = find_tech(posting.lines)
    used_tech, _ = find_tech([PostingLine(answer, "other", 0)])
    found = [name for name in used_tech if name in tech]
    answer_words = [_normal(w) for w in _WORD.findall(answer)]
    answer_set = set(answer_words)
    answer_pairs = {f"{a} {b}" for a, b in zip(answer_words, answer_words[1:], strict=False)}
    phrases, singles = _posting_vocabulary(lines)
    for phrase in phrases:
        if phrase in answer_pairs and phrase not in found:
            found.append(phrase)
    covered_by_phrase = {word for phrase in found for word in phrase.split()}
    taken = {t.lower() for t in found}
    for word in singles:
        if word in answer_set and word not in covered_by_phrase and word not in taken:
            found.append(word)
    return found[:JOB_TERMS]


# Single words too common in ML answers to show that the answer used this job's language.
_GENERIC_SINGLES = frozenset(
    "user users model models system systems data machine learning time performance algorithm algorithms "
    "training train quality results result large scale".split()
)


def _posting_vocabulary(lines: list[PostingLine]) -> tuple[list[str], list[str]]:
    """(two-word phrases, single words) of the posting that carry meaning, in order of appearance."""
    phrases: list[str] = []
    singles: list[str] = []
    for line in lines:
        words = [_normal(w) for w in _WORD.findall(line.text)]
        for a, b in zip(words, words[1:], strict=False):
            if _meaningful(a) and _meaningful(b):
                phrase = f"{a} {b}"
                if phrase not in phrases:
                    phrases.append(phrase)
        for word in words:
            if _meaningful(word) and len(word) >= 4 and word not in _GENERIC_SINGLES and word not in singles:
                singles.append(word)
    return phrases, singles


def _meaningful(word: str) -> bool:
    return word not in STOPWORDS and word not in _POSTING_FILLER and not word.isdigit() and len(word) > 1
