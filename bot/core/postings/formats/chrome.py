"""What a web page marks as not the posting: navigation, footers, cookie banners, forms, hidden
elements. The words and roles are data (knowledge/reading/html.yaml); the rules here say how to
use them without ever dropping the posting itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

import yaml

RULES_PATH = Path(__file__).resolve().parents[4] / "knowledge" / "reading" / "html.yaml"
CHROME_SHARE = 0.4  # hiding and class words never drop an element holding this share of the page's text
ACTION_WORDS = 5  # an action link is a short label; a longer link is text
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


@dataclass(frozen=True)
class _Rules:
    drop_tags: frozenset[str]
    drop_roles: frozenset[str]
    chrome_words: frozenset[str]
    hidden_classes: frozenset[str]
    action_link_words: frozenset[str]


@cache
def _rules() -> _Rules:
    data = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))
    return _Rules(*(frozenset(data[field.name]) for field in fields(_Rules)))


def prune(body) -> None:
    """Remove site chrome in place; the text of kept siblings (element tails) stays."""
    rules = _rules()
    page_size = len(body.text_content()) or 1
    titled = {ancestor for h1 in body.iter("h1") for ancestor in h1.iterancestors()}  # never chrome
    doomed = []
    for element in body.iter():
        if not isinstance(element.tag, str):
            doomed.append(element)  # comments and processing instructions
        elif _is_chrome(element, rules, element in titled, page_size):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the tail text, unlike remove()


def _is_chrome(element, rules: _Rules, has_title: bool, page_size: int) -> bool:
    """Chrome by tag, ARIA role, hiding, or class words. Hiding and class words never drop the
    page's title or an element holding much of its text (a description collapsed behind 'Show
    more', or a wrapper whose class happens to contain a chrome word)."""
    tag = element.tag.lower()
    if tag in rules.drop_tags:
        return True
    attrs = element.attrib
    if tag in {"header", "footer"} or attrs.get("role", "").lower() in rules.drop_roles:
        return tag == "footer" or not has_title
    if tag == "a" and _is_action_link(element, rules):
        return True
    names = " ".join(attrs.get(name, "") for name in ("class", "id", "data-automation-id"))
    hidden = "hidden" in attrs or attrs.get("aria-hidden") == "true" or _HIDDEN_STYLE.search(attrs.get("style", ""))
    hidden = hidden or bool(rules.hidden_classes & set(attrs.get("class", "").split()))
    if hidden or {word.lower() for word in _WORDS.findall(names)} & rules.chrome_words:
        return not has_title and len(element.text_content()) < CHROME_SHARE * page_size
    return False


def _is_action_link(link, rules: _Rules) -> bool:
    """'Apply now', 'Sign in', 'Share': a short link to an action or to nowhere (#, javascript:)."""
    href = (link.get("href") or "").strip().lower()
    if len(link.text_content().split()) > ACTION_WORDS:
        return False
    if href in {"", "#"} or href.startswith("javascript:"):
        return True
    return bool({word.lower() for word in _WORDS.findall(href)} & rules.action_link_words)
