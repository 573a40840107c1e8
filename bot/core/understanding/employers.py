"""Does a question name an employer we have no posting from ("does Zephyrine Labs sponsor visas?")?

Answering from the postings we do have would state facts the sources don't support, so such a
question is refused. Words count as an employer only when they sit where an employer goes ("at X",
"X's", "does X sponsor", "the X internship", a capitalised name mid-sentence) AND are a name: not an
ordinary English word, technology, topic or place, and not a word of any indexed posting. A famous
employer ("Google") is an ordinary word, so those come from a short list (knowledge/intents/employers.yaml).
"""

from __future__ import annotations

import re
from functools import cache

import yaml

from bot.core.english import is_common_word
from bot.core.text import tokens, words
from bot.core.understanding.catalogue import RoleCatalogue, technology_words
from bot.core.understanding.data import INTENTS_DIR, intent_examples
from bot.core.understanding.references import ROLE_NOUNS

_NAME = r"[A-Za-z][\w&.'’-]*"
_POSITION = re.compile(
    rf"\b(?:at|from|join|joining|with)\s+(?P<a>{_NAME}(?:\s+{_NAME}){{0,2}})"
    rf"|(?P<b>{_NAME}(?:\s+{_NAME}){{0,2}})(?:'s|’s)\b"
    rf"|^\s*(?:does|do|did|is|will|can|would|could)\s+(?P<c>{_NAME}(?:\s+{_NAME}){{0,2}})\s+"
    r"(?:sponsor|pay|offer|hire|hiring|have|provide|give|accept|take|require|match|cover|use|allow|want)"
    rf"|\bthe\s+(?P<d>{_NAME}(?:\s+{_NAME}){{0,2}})\s+(?:{'|'.join(sorted(ROLE_NOUNS))})\b",
    re.I,
)
_BEFORE_ROLE = re.compile(rf"(?:\s+[\w&/.-]+){{0,4}}?\s+(?:{'|'.join(sorted(ROLE_NOUNS))})\b", re.I)
_CAPITALISED = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][\w&’'-]+(?:\s+[A-Z][\w&’'-]+)*)")


@cache
def famous_employers() -> frozenset[str]:
    data = yaml.safe_load((INTENTS_DIR / "employers.yaml").read_text(encoding="utf-8"))
    return frozenset(str(name).lower() for name in data["famous_employers"])


@cache
def _ordinary_words() -> frozenset[str]:
    """Words our labelled questions use: how people ask, never whom they ask about."""
    return frozenset(w for phrases in intent_examples().values() for p in phrases for w in words(p, parts=True))


def unknown_employer(question: str, catalogue: RoleCatalogue, posting_words: frozenset[str],
                     topic_words: frozenset[str] = frozenset()) -> tuple[str, bool] | None:
    """(the employer `question` names that no indexed posting is from, whether the words say so
    strongly), or None. Strong: "X's", "does X sponsor", "the X internship", a famous employer.
    Weak: "at X" ("a student at NUS") or a capitalised name mid-sentence."""
    famous = famous_employers()
    for match in _POSITION.finditer(question):
        phrase = next(g for g in match.groups() if g)
        name = _unknown_name(phrase, catalogue, posting_words, topic_words, famous)
        if name:
            return name, match.group("a") is None or _is_famous(name, famous)
    for match in _CAPITALISED.finditer(question):
        name = _unknown_name(match.group(1), catalogue, posting_words, topic_words, famous, capitalised=True)
        if name:  # "the Glintwater Systems data science internship": a name in front of a role is an employer
            before_role = bool(_BEFORE_ROLE.match(question[match.end():]))
            return name, _is_famous(name, famous) or before_role
    lowered = question.lower()
    for name in famous:
        hit = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", lowered)
        if hit and name not in posting_words and not catalogue.companies & {name} and not _product(question, hit.end()):
            return _display(question[hit.start() : hit.end()]), True
    return None


def _unknown_name(phrase: str, catalogue: RoleCatalogue, posting_words: frozenset[str], topic_words: frozenset[str],
                  famous: frozenset[str], capitalised: bool = False) -> str | None:
    """The phrase, if one of its words is an unknown name; generic words ("Labs") ride along."""
    found = words(phrase, parts=True)
    if not found or any(t in ROLE_NOUNS for t in found[:1]):
        return None
    known = catalogue.find(tokens(phrase, parts=True))
    if any(m.kinds & {"company", "place"} for m in known):
        return None  # names an indexed company or place (fuzzily)
    matched = {w for m in known for w in m.key.split()}
    generic = catalogue.words.generic_company_words | matched
    names = []
    for token in found:
        if token in ROLE_NOUNS or token in catalogue.words.never_role_words:
            break
        names.append(token)
    candidates = [t for t in names if t not in generic]
    if not candidates:
        return None
    written = {w.lower().strip("'’s.,?!") for w in phrase.split() if w[:1].isupper()}
    strong = not capitalised  # in an employer's place ("the Acme Corp internship"), a capitalised word is a name
    unknown = [t for t in candidates if _is_name(t, posting_words, topic_words, famous,
                                                  proper=strong and t in written)]
    if len(unknown) != len(candidates) and not capitalised:
        return None
    if not unknown:
        return None
    while names and names[-1] in matched:  # "Halvorsen Dynamics ML": the ML names no employer
        names.pop()
    kept = phrase.split()[: len(names)]
    return _display(" ".join(kept))


def _is_name(token: str, posting_words: frozenset[str], topic_words: frozenset[str], famous: frozenset[str],
             proper: bool = False) -> bool:
    if token in famous:
        return token not in posting_words
    if len(token) < 3 or token.isdigit() or token in posting_words or token in topic_words:
        return False
    if token in _ordinary_words() or token in technology_words():
        return False
    if not proper and _misspelt_posting_word(token, posting_words):
        return False  # "reccomendation" is a typo of a word the postings use, not a company
    return proper or not is_common_word(token)


TYPO_MIN_LENGTH = 6  # shorter words are too close to too many others to call one a typo
TYPO_SIMILARITY = 85  # rapidfuzz ratio: one or two letters swapped, doubled or dropped in a long word


def _misspelt_posting_word(token: str, posting_words: frozenset[str]) -> bool:
    """Whether `token` is within a typo of a word the indexed postings use (only asked of the rare
    words that stand where an employer's name would)."""
    if len(token) < TYPO_MIN_LENGTH:
        return False
    from rapidfuzz import fuzz, process

    return process.extractOne(token, posting_words, scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY) is not None


def _is_famous(name: str, famous: frozenset[str]) -> bool:
    return name.lower() in famous or any(w in famous for w in words(name, parts=True))


def _product(question: str, end: int) -> bool:
    """ "Intel MKL", "Google Cloud": a famous name followed by a capitalised word or a technology
    names a product, not the employer."""
    following = question[end:].split()[:1]
    if not following:
        return False
    word = following[0].strip("?.!,")
    return bool(word) and (word[0].isupper() or word.lower() in technology_words())


def _display(name: str) -> str:
    name = name.strip(" ?.!,'’")
    return name if any(c.isupper() for c in name) else name.title()
