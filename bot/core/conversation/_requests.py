"""What one chat message is, from its `Query` (bot.core.understanding): a request (quiz, mock,
review, progress, target role, topics, study advice, add-ons such as fit checks), a control inside
a running quiz or mock (harder, easier, skip, hint, stop, "what topics?"), an answer to the waiting
practice question, or a question for the answer engine.

Intents come from the labelled paraphrases, never from patterns here. While a practice question
waits, only a SHORT message recognised with HIGH confidence is a control or a new request:
"skip" skips, "skip connections help gradients" is an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.understanding import ACT_CONFIDENT, CONTROL_CONFIDENT
from bot.core.understanding.slots import DIFFICULTY_WORDS  # noqa: F401  (re-exported for older callers)

if TYPE_CHECKING:
    from bot.core.understanding import Query

RATINGS = ("again", "hard", "good", "easy")
SLOT_CONFIDENT = 0.42  # a quiz request with a topic, count or difficulty (conversation eval: 0.46-0.66)
MAX_CONTROL_WORDS = 8  # a control phrase mid-quiz is short ("harder please", "what topics can you quiz me on?")
MAX_COMMAND_WORDS = 12  # while a practice question waits, longer messages are answers, whatever they say
MAX_QUESTION_WORDS = 14  # ...and a short message ending in "?" is a question about the roles
CONTROLS = ("stop", "skip", "hint", "harder", "easier", "list_topics", "help")
STARTERS = ("quiz", "mock", "review", "progress")
TARGET = ("set_role", "show_role", "clear_role")  # "set my role to the Berlin one" mid-quiz is a request
HOOKS = ("add_posting", "fit_check", "plan", "forget", "leaderboard")
# Said to the bot, not an answer: mid-quiz these get a friendly reply and the question keeps waiting.
ASIDES = ("thanks", "acknowledge", "greeting")

# Topic words people use, by topic id (typos are forgiven by the fuzzy matcher). Deliberately not the
# topics' posting `terms` ("machine learning", "python"...): those also name roles.
TOPIC_ALIASES: dict[str, tuple[str, ...]] = {
    "recsys": ("recsys", "rec sys", "recommender systems", "recommender system", "recommender",
               "recommendation systems", "recommendation system", "recommendations", "recommendation"),
    "multimodal": ("multimodal", "multi modal", "multi-modal", "vision language", "computer vision", "vision", "clip"),
    "llm": ("llms", "llm", "large language models", "large language model", "language models", "nlp",
            "transformers", "rlhf"),
    "pytorch": ("pytorch", "py torch", "torch", "autograd"),
    "deep-learning": ("deep learning", "deep-learning", "neural networks", "neural nets", "dl"),
    "ml-fundamentals": ("ml fundamentals", "ml-fundamentals", "machine learning fundamentals", "fundamentals",
                        "ml basics", "statistics", "stats"),
    "ml-systems": ("ml systems", "ml-systems", "ml system design", "ml infrastructure", "ml infra", "mlops",
                   "system design", "systems", "serving"),
    "experimentation": ("experimentation", "a/b testing", "a/b tests", "ab testing", "a/b", "experiments",
                        "metrics"),
    "search": ("search", "information retrieval", "retrieval", "ranking"),
    "coding": ("coding", "algorithms", "data structures", "leetcode", "dsa", "programming"),
    "cpp": ("c++", "cpp", "c plus plus"),
    "behavioral": ("behavioral", "behavioural", "behavior", "soft skills", "teamwork"),
}
_SUBJECT = re.compile(r"\b(?:on|about|covering|from|in) (.+)$")
_NOT_A_SUBJECT = frozenset(DIFFICULTY_WORDS) | frozenset(
    "something anything everything stuff random any some the all topic topics question questions me more of "
    "please now today a an one two three few couple that this it role roles job internship".split())


@dataclass(frozen=True)
class Request:
    """One routed message. kind: an intent name (quiz, mock, review, progress, set_role, show_role,
    clear_role, list_topics, study_advice, stop, skip, hint, harder, easier, help, rate, one of HOOKS),
    "roles", "ask" (a question for the answer engine) or "answer" (to the waiting practice question)."""

    kind: str
    text: str = ""
    rating: str | None = None
    topic: str | None = None
    difficulty: str | None = None
    count: int | None = None
    unknown_topic: str | None = None  # "quiz me on astronomy": a subject that is no topic of the bank
    query: Query | None = None


def normalise(text: str) -> str:
    """Lower-case, curly quotes straightened, spaces collapsed, trailing punctuation dropped."""
    text = text.replace("’", "'").replace("‘", "'").lower()
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"[\s?.!,;:)\]]+$", "", text).strip() or text.strip()


def route(query: Query, *, answering: bool = False) -> Request:
    """What the message asks for; with `answering` (a practice question waits) the bar is higher."""
    text = query.text
    plain = normalise(text)
    size = len(plain.split())
    if plain in RATINGS:
        return Request("rate", text, rating=plain, query=query)
    intent, score = query.intent, query.confidence
    if answering:
        if intent in CONTROLS and size <= MAX_CONTROL_WORDS and score >= CONTROL_CONFIDENT:
            return _request(intent, query)
        if intent in STARTERS + TARGET and size <= MAX_COMMAND_WORDS and score >= CONTROL_CONFIDENT:
            return _request(intent, query)
        if all(i.name in ASIDES for i in query.intents) and size <= MAX_CONTROL_WORDS and (
                score >= CONTROL_CONFIDENT or len(query.intents) > 1):  # "thanks, got it": each part clear
            return Request("ask", text, query=query)  # "thanks!", "got it": a reply, the question still waits
        if intent == "quiz" and size <= MAX_CONTROL_WORDS and score >= SLOT_CONFIDENT and (
                _supported(query) or _subject(normalise(query.rest))):  # "quiz me on astrology"
            return _request(intent, query)
        if text.strip().endswith("?") and size <= MAX_QUESTION_WORDS and intent not in CONTROLS + STARTERS:
            return Request("ask", text, query=query)
        return Request("answer", text, query=query)
    if score < ACT_CONFIDENT and not _supported(query):
        return Request("ask", text, query=query)
    return _request(intent, query)


def _supported(query: Query) -> bool:
    """A practice request whose slots back it up ("give me 3 pytorch questions": a count and a topic)
    is taken at a lower score: topic words pull the message's vector away from every example."""
    slots = query.topic or query.count or query.difficulty or query.roles  # "test me on that role": a role slot
    return query.intent in ("quiz", "mock") and bool(slots) and query.confidence >= SLOT_CONFIDENT


def _request(intent: str, query: Query) -> Request:
    if intent == "quiz":
        topic = query.topic
        return Request("quiz", query.text, topic=topic, difficulty=query.difficulty, count=query.count,
                       unknown_topic=None if topic else _subject(normalise(query.rest)), query=query)
    if intent == "list_roles" and not query.roles and not query.term:
        return Request("roles", query.text, query=query)
    known = CONTROLS + STARTERS + HOOKS + ("set_role", "show_role", "clear_role", "study_advice", "rate")
    return Request(intent if intent in known else "ask", query.text, query=query)


def _subject(plain: str) -> str | None:
    """What follows "on/about" when it is more than filler: "quiz me on astronomy" -> "astronomy"."""
    match = _SUBJECT.search(plain)
    if not match:
        return None
    kept = [w for w in match.group(1).split() if w not in _NOT_A_SUBJECT and not w.isdigit()]
    return " ".join(kept) or None
