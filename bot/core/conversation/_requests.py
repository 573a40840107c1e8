"""Plain-language chat requests: "quiz me on pytorch", "give me 3 hard recsys questions", "stop"...

`parse_request(text)` turns one message into a `Request`; anything that is not a recognised
request is kind "ask" (a question for the answer engine) or, while a practice question is waiting,
kind "answer" (a short message ending in "?" is still a question: "and where is it?"). Roles are NOT resolved here: the
request keeps the text that may name one (`role_text`) and the engine resolves it against the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RATINGS = ("again", "hard", "good", "easy")
DIFFICULTY_WORDS = {"easy": "easy", "easier": "easy", "simple": "easy", "basic": "easy", "beginner": "easy",
                    "medium": "medium", "intermediate": "medium", "moderate": "medium",
                    "hard": "hard", "harder": "hard", "difficult": "hard", "tough": "hard", "advanced": "hard"}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "another": 1, "single": 1, "two": 2, "couple": 2, "three": 3,
                "few": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
MAX_COUNT = 10
MAX_COMMAND_WORDS = 12  # while a practice question waits, longer messages are answers, whatever they start with

# Topic words people use, by topic id. Deliberately not the topics' posting `terms` ("machine
# learning", "python"...): those also name roles and would turn "the ML engineer role" into a topic.
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

_FILLER = (r"(?:please |pls |ok |okay |now |then |and |so |hey |can you |could you |would you |let'?s |i want to "
           r"|i'd like to )*")
_STOP = re.compile(rf"^{_FILLER}(?:stop|end|cancel|finish|quit|enough|i'?m done|done)"
                   r"(?: (?:the |this |my |a )?(?:mock interview|mock|interview|quiz|review|session|practice|it))?"
                   r"(?: (?:please|now|for now|for today))?$")
_SKIP = re.compile(rf"^{_FILLER}(?:skip|pass|next|next one|next question|skip (?:this|it|this one|question|"
                   r"this question)|i don'?t know|idk|no idea|dunno)$")
_HELP = re.compile(rf"^{_FILLER}(?:help|\?|commands|menu|what can you do|what do you do|how does this work|"
                   r"how do i use (?:this|you))$")
_PROGRESS = re.compile(rf"^{_FILLER}(?:show (?:me )?)?(?:my )?(?:progress|stats|statistics|streak|score|scores)"
                       r"(?: so far)?$|\bhow am i doing\b|\bmy (?:progress|stats|streak)\b")
_REVIEW = re.compile(rf"^{_FILLER}(?:start (?:a |my )?)?(?:review|reviews|revise|revision)(?: (?:time|session|"
                     r"my cards|cards|due|due cards|due questions|please|now))?$"
                     r"|\bwhat'?s due\b|\bwhat is due\b|\banything due\b|\b(?:show|list) (?:me )?(?:my )?due\b"
                     r"|^(?:what|which) (?:cards|questions) are due\b|\breview (?:my|the) (?:due|cards)\b")
_SET_ROLE = re.compile(rf"^{_FILLER}(?:set|change|switch|update|make) (?:my )?(?:target )?role (?:to|=|as) (?P<a>.+)$"
                       r"|^my (?:target )?role (?:is|should be) (?P<b>.+)$"
                       rf"|^{_FILLER}i'?m (?:preparing|prepping|applying|interviewing|studying) for (?P<c>.+)$"
                       rf"|^{_FILLER}i am (?:preparing|prepping|applying|interviewing|studying) for (?P<d>.+)$"
                       rf"|^{_FILLER}(?:target|use) (?P<e>.+?) as my (?:target )?role$")
_CLEAR_ROLE = re.compile(rf"^{_FILLER}(?:clear|reset|forget|remove|unset|delete) my (?:target )?role$")
_SHOW_ROLE = re.compile(r"^(?:what'?s|what is|which is|show(?: me)?) my (?:target )?role$|^my (?:target )?role$")
_ROLES = re.compile(rf"^{_FILLER}(?:list|show)? ?(?:me )?(?:the |all )?(?:all )?roles$"
                    r"|^what roles (?:do you (?:know|have)|are (?:there|indexed))$")
_MOCK = re.compile(rf"^{_FILLER}(?:start|begin|do|run|try|give me|have|practi[cs]e)? ?(?:a |an |the |another |new )?"
                   r"mock\b|^interview me\b|\bmock interview me\b"
                   rf"|^{_FILLER}(?:start|begin|do|run) (?:a |an |the |another |new )?(?:practice )?interview\b")
_QUIZ = re.compile(r"\bquiz me\b"
                   rf"|^{_FILLER}(?:quiz|test|drill|grill) me\b"
                   rf"|^{_FILLER}(?:start |begin |new |another |run |give me )?(?:a |an |another |new )?quiz\b"
                   rf"|^{_FILLER}(?:give|ask|send|throw) me .{{0,60}}\bquestions?\b"
                   rf"|^{_FILLER}(?:more|another) (?:\w+ ){{0,3}}questions?\b"
                   rf"|^{_FILLER}practi[cs]e (?!interview)\w")
_COUNT = re.compile(r"\b(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")\b(?= (?:\S+ ){0,4}?(?:questions?|quiz|more)\b)")
_DIFFICULTY = re.compile(r"\b(" + "|".join(DIFFICULTY_WORDS) + r")\b")
_ROLE_TAIL = re.compile(r"\b(?:for|about|on|from|targeting) (?P<text>(?:(?!\b(?:for|about|on|from)\b)[^?.!])*?"
                        r"\b(?:role|one|position|internship|job|posting|opening|intern)s?\b)")
_SUBJECT = re.compile(r"\b(?:on|about|covering|from) (.+)$")
_NOT_A_SUBJECT = frozenset(DIFFICULTY_WORDS) | frozenset(NUMBER_WORDS) | frozenset(
    "something anything everything stuff random any some the all topic topics question questions me more of "
    "please now today".split())


@dataclass(frozen=True)
class Request:
    """One parsed message. kind: stop | skip | rate | help | progress | review | set_role | clear_role |
    show_role | roles | mock | quiz | ask | answer."""

    kind: str
    text: str = ""
    rating: str | None = None
    topic: str | None = None
    difficulty: str | None = None
    count: int | None = None
    role_text: str | None = None  # words that may name a role ("the e-commerce role"); resolved by the engine
    unknown_topic: str | None = None  # "quiz me on astronomy": a subject that is no topic of the bank


def normalise(text: str) -> str:
    """Lower-case, curly quotes straightened, spaces collapsed, trailing punctuation and emoji dropped."""
    text = text.replace("’", "'").replace("‘", "'").lower()
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"[\s?.!,;:)\]]+$", "", text).strip() or text.strip()


def parse_request(text: str, *, answering: bool = False) -> Request:
    """What one message asks for. With `answering` (a practice question is waiting) only short,
    unmistakable commands count, so an answer that happens to start with "test..." stays an answer."""
    plain = normalise(text)
    if plain in RATINGS:
        return Request("rate", text, rating=plain)
    for kind, pattern in (("stop", _STOP), ("skip", _SKIP), ("help", _HELP)):
        if pattern.search(plain):
            return Request(kind, text)
    if answering and len(plain.split()) > MAX_COMMAND_WORDS:
        return Request("answer", text)
    simple = (("clear_role", _CLEAR_ROLE), ("show_role", _SHOW_ROLE), ("progress", _PROGRESS),
              ("review", _REVIEW), ("roles", _ROLES))
    for kind, pattern in simple:
        if pattern.search(plain):
            return Request(kind, text)
    if match := _SET_ROLE.search(plain):
        return Request("set_role", text, role_text=next(g for g in match.groups() if g).strip())
    if _MOCK.search(plain):
        return Request("mock", text, role_text=_role_text(plain))
    if _QUIZ.search(plain):
        return _quiz_request(text, plain)
    if answering and not text.strip().endswith("?"):
        return Request("answer", text)
    return Request("ask", text)


def _quiz_request(text: str, plain: str) -> Request:
    role_text = _role_text(plain)
    rest = plain.replace(role_text, " ") if role_text else plain
    difficulty = next((DIFFICULTY_WORDS[w] for w in _DIFFICULTY.findall(rest)), None)
    topic = find_topic(rest)
    return Request("quiz", text, topic=topic, difficulty=difficulty, count=_count(rest), role_text=role_text,
                   unknown_topic=None if topic else _subject(rest))


def _subject(plain: str) -> str | None:
    """What follows "on/about" when it is more than filler: "quiz me on astronomy" -> "astronomy"."""
    match = _SUBJECT.search(plain)
    if not match:
        return None
    kept = [w for w in match.group(1).split() if w not in _NOT_A_SUBJECT and not w.isdigit()]
    return " ".join(kept) or None


def _role_text(plain: str) -> str | None:
    """ "for the e-commerce role" -> "the e-commerce role"; None when no role word follows."""
    match = _ROLE_TAIL.search(plain)
    return match.group("text").strip() if match else None


def _count(plain: str) -> int | None:
    match = _COUNT.search(plain)
    if not match:
        return None
    word = match.group(1)
    return max(1, min(MAX_COUNT, int(word) if word.isdigit() else NUMBER_WORDS[word]))


def find_topic(plain: str) -> str | None:
    """The topic a request names, longest alias first ("ml systems" before "systems")."""
    spaced = f" {plain.replace('-', ' ')} "
    aliases = sorted(((alias, topic) for topic, names in TOPIC_ALIASES.items() for alias in names),
                     key=lambda pair: -len(pair[0]))
    for alias, topic in aliases:
        pattern = rf"(?<![\w+]){re.escape(alias.replace('-', ' '))}(?![\w+])"
        if re.search(pattern, spaced):
            return topic
    return None
