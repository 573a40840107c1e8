"""Posting questions worded the way an interviewer asks them, never a quoted fragment in a frame.

A posting line is reduced to its subject in a few of its own words ("diffusion models", "offline
metrics", "long-range detection"), and a template for the line's kind (knowledge/quiz/interviewer.yaml)
asks about it. Which template is chosen depends on a hash of the role and the line, so a posting's
questions read differently from one another yet the same posting always reads the same. A line
whose subject cannot be found in a few words gets no question rather than an awkward one.
"""

from __future__ import annotations

import re
import zlib
from functools import cache
from pathlib import Path

import yaml

from bot.core.quiz.lines import Focus, natural_case
from bot.core.text import compounds, words

INTERVIEWER_FILE = Path(__file__).resolve().parents[3] / "knowledge" / "quiz" / "interviewer.yaml"
MAX_SUBJECT_WORDS = 5
MAX_EXAMPLE_WORDS = 4
_BOUNDARY = frozenset("that which who whose to for with on from behind by in into at across so while using via "
                      "of over under through against without and or than as before after once when".split())
_WH = frozenset("where what how why when whether which who".split())
_STOP = frozenset("your our their its this these those any some".split())
_ARTICLES = frozenset("the a an".split())
# Verbs a responsibility line starts with ("build", "lead"...): the templates say "this role asks you to ..."
ACTION_VERBS = frozenset(
    "build create develop drive explore lead conduct own optimize optimise deliver provide work partner design "
    "improve research implement collaborate apply train deploy scale maintain analyze analyse invent innovate "
    "refine devise establish define integrate launch ship architect prototype evaluate".split()
)


@cache
def _data(path: Path = INTERVIEWER_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def templates(kind: str) -> list[str]:
    return list(_data().get("templates", {}).get(kind, []))


def _words(name: str) -> frozenset[str]:
    value = _data().get(name, "")
    return frozenset(value.split() if isinstance(value, str) else (str(v) for v in value))


def is_admin(text: str) -> bool:
    """Eligibility, not skill: "Currently enrolled in a PhD program", "CA$8,500 per month"."""
    joined = compounds(text)  # "hour-long videos" is not about hours; "full-time" is one admin word
    parts = {part for compound in joined for part in compound.split("-")}
    found = {w for w in words(text) if w not in parts} | set(joined)
    return bool(found & _words("admin_words")) or "$" in text


def subject_of(text: str, *, duty: bool) -> str | None:
    """The subject of a duty ("explore generative recommendation techniques" -> "generative
    recommendation techniques") or a requirement ("Understanding of precision/recall trade-offs and
    how to ..." -> "precision/recall trade-offs"), in at most a few words; None if there is none."""
    tokens = [t for t in re.split(r"\s+", text.strip()) if t]
    if tokens and tokens[0].lower() in ("you've", "you're", "you'd"):
        tokens = tokens[2:]  # "you've built a recommender system" : a duty in the past
        duty = False
    if duty and tokens:
        tokens = tokens[1:]  # a duty opens with its verb ("build", "explore", "present")
        while len(tokens) > 1 and tokens[0].lower() in ("and", "or"):
            tokens = tokens[2:]  # "pretrain and fine-tune ..." : the second verb too
    lead = _words("lead_words")
    while tokens and (tokens[0].lower().strip(",.:") in lead or tokens[0].lower() in _STOP | _ARTICLES):
        tokens = tokens[1:]
    if tokens and tokens[0].lower().strip(",.") in _verbs():
        tokens = tokens[1:]  # "ability to explain a model's decisions" -> "a model's decisions"
        while tokens and tokens[0].lower() in _STOP | _ARTICLES:
            tokens = tokens[1:]
    if not tokens or tokens[0].lower() in _WH or tokens[0].lower() in _BOUNDARY:
        return None
    subject: list[str] = []
    for token in tokens:
        bare = token.lower().strip(",.;:()")
        if subject and bare in _BOUNDARY and (len(subject) >= 2 or _joins_a_clause(tokens, token)):
            break
        if bare in _STOP and not subject:
            continue
        subject.append(token.strip(",.;:()"))
        if token.endswith((",", ";", ":", ".")) or len(subject) == MAX_SUBJECT_WORDS:
            break
    while subject and (subject[-1].lower() in _BOUNDARY | _STOP | _ARTICLES or _adverb(subject[-1])):
        subject.pop()
    while subject and _adverb(subject[0]):
        subject.pop(0)  # "closely with radiologists" is how, not what
    if not subject or not any(len(w) > 2 and w.lower() not in _BOUNDARY for w in subject):
        return None
    return natural_case(" ".join(subject))


def _adverb(word: str) -> bool:
    return len(word) > 4 and word.lower().endswith("ly") and word.lower() not in ("only", "family", "supply")


def _joins_a_clause(tokens: list[str], token: str) -> bool:
    """"HIPAA and working with ...": a conjunction before a gerund starts another clause."""
    at = tokens.index(token)
    following = tokens[at + 1].lower() if at + 1 < len(tokens) else ""
    return token.lower() in ("and", "or") and following.endswith("ing")


@cache
def _verbs() -> frozenset[str]:
    return ACTION_VERBS | _words("communication_verbs") | {"explain", "read", "set", "turn", "turning"}


def _clip_words(text: str, limit: int) -> str:
    return " ".join(text.replace("(", " ").replace(")", " ").split()[:limit])


def ask(focus: Focus, template_kind: str, domain: str, key: str, *, technique: bool) -> str | None:
    """The interviewer's question for `focus`, or None when the line has no subject to ask about
    (or asks about eligibility rather than skill)."""
    if template_kind not in ("publication", "competition") and is_admin(focus.clause):
        return None
    duty = focus.line.section == "responsibilities"
    verb = focus.lead.split()[0].lower() if duty and focus.lead.split() else ""
    if template_kind in ("research", "system") and verb in _words("communication_verbs"):
        template_kind = "communication"
    elif template_kind in ("research", "system") and verb in _words("team_verbs"):
        template_kind = "collaboration"
    lead_subject = subject_of(focus.lead if duty else focus.clause, duty=duty)
    example = None
    if template_kind == "research":
        if focus.item and technique:
            subject = _clip_words(focus.item, MAX_SUBJECT_WORDS)
        elif focus.item:
            subject, example, template_kind = lead_subject, _clip_words(focus.item, MAX_EXAMPLE_WORDS), \
                "research_example"
        else:
            subject, template_kind = lead_subject, "duty"
    else:
        subject = _clip_words(focus.item, MAX_SUBJECT_WORDS) if focus.item else lead_subject
    if template_kind not in ("publication", "competition", "collaboration", "communication") and not subject:
        return None
    if subject and domain.split()[0].lower() in subject.lower():
        domain = "this team's product"  # not "ranking improvements in ranking"
    choices = templates(template_kind)
    if not choices:
        return None
    template = choices[zlib.crc32(key.encode()) % len(choices)]
    return template.format(subject=subject or "", domain=domain, example=example or "")
