"""Spot a question about a company that no indexed posting is from ("what does Google pay?").

Answering it from the postings we do have would state a fact the sources don't support, so the
answer engine refuses instead. Two signals: a well-known employer's name, or a capitalised name used
as an employer ("at Foo", "Foo's", "the Foo role") that appears in no posting.
"""

from __future__ import annotations

import re

from bot.core.postings import Posting

KNOWN_EMPLOYERS = (
    "google",
    "alphabet",
    "deepmind",
    "meta",
    "facebook",
    "instagram",
    "whatsapp",
    "amazon",
    "aws",
    "apple",
    "microsoft",
    "linkedin",
    "netflix",
    "openai",
    "anthropic",
    "nvidia",
    "bytedance",
    "douyin",
    "uber",
    "lyft",
    "airbnb",
    "pinterest",
    "snap",
    "snapchat",
    "spotify",
    "twitter",
    "tesla",
    "salesforce",
    "adobe",
    "ibm",
    "intel",
    "amd",
    "oracle",
    "stripe",
    "databricks",
    "doordash",
    "instacart",
    "shopify",
    "reddit",
    "youtube",
    "alibaba",
    "tencent",
    "baidu",
    "kuaishou",
    "samsung",
    "cohere",
    "mistral",
    "huggingface",
    "scale ai",
)
_EMPLOYER_USE = re.compile(
    r"(?:\b(?:at|from|for|with|join)\s+([A-Z][\w&.-]+(?:\s[A-Z][\w&.-]+)?)"
    r"|\b([A-Z][\w&.-]+)(?:'s|’s)\s|\b(?:the\s+)?([A-Z][\w&.-]+)\s+(?:roles?|internships?|postings?|jobs?|positions?|offers?))",
)
_WORD = re.compile(r"[a-z0-9&]+")
_NOT_EMPLOYERS = {"i", "ml", "ai", "phd", "ms", "bs", "llm", "llms", "the", "a", "an", "us", "usa", "cv", "nlp", "rl"}


def vocabulary(roles: list[Posting]) -> frozenset[str]:
    """Every word of every posting (lower case), built once per index load, not per question."""
    words: set[str] = set()
    for posting in roles:
        words.update(_WORD.findall((posting.company or "").lower()))
        for line in posting.lines:
            words.update(_WORD.findall(line.text.lower()))
    return frozenset(words)


def unknown_entity(question: str, known_words: frozenset[str]) -> str | None:
    """The employer the question names that no indexed posting mentions, if any."""
    lowered = question.lower()
    for name in KNOWN_EMPLOYERS:
        if re.search(rf"\b{re.escape(name)}\b", lowered) and not _known(name, known_words):
            return name.title() if len(name) > 3 else name.upper()
    for match in _EMPLOYER_USE.finditer(question):
        name = next(group for group in match.groups() if group)
        if name.lower() in _NOT_EMPLOYERS or _known(name.lower().removesuffix("'s"), known_words):
            continue
        return name
    return None


def _known(name: str, known_words: frozenset[str]) -> bool:
    words = _WORD.findall(name.lower())
    return bool(words) and all(word in known_words for word in words)
