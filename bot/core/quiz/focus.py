"""What a role quiz leans toward: the role's subject, as an interviewer for it would ask.

A posting names tools on every other line (Python, PyTorch, SQL), so the role profile, which counts
evidence line by line, often ranks a tool topic first; an interview for a ranking role is still
mostly about ranking. The quiz weights therefore:

- damp skill topics (knowledge/quiz/interviewer.yaml) against subject topics,
- add the topics the title names by their terms ("…Intern, Recommendations", "LLM Inference…"),
  since the title says what the role is about in a few words (not general topics every ML title
  names, like "Machine Learning"),
- sharpen (a power of 1.25) the result, so the leading subjects take most of a quiz while every topic keeps
  a chance.
The same weights are the prior when a posting line is labelled with a topic: a line that names no
topic at all ("present your results at the end of the summer") belongs to the role's subject.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import yaml

from bot.core.postings import Posting
from bot.core.profile import RoleProfile, TopicScorer

INTERVIEWER_FILE = Path(__file__).resolve().parents[3] / "knowledge" / "quiz" / "interviewer.yaml"
SKILL_DAMP = 0.5  # a skill topic counts half as much as a subject with the same evidence
TITLE_WEIGHT = 1.0  # the title's topic scores, added to the profile's (both are shares summing to 1)
SHARPEN = 1.25
LABEL_PRIOR = 0.15  # how much the role's quiz weights add to a line's own topic scores when labelling


@cache
def _data(path: Path = INTERVIEWER_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def skill_topics() -> frozenset[str]:
    return frozenset(_data().get("skill_topics", []))


def general_topics() -> frozenset[str]:
    return frozenset(_data().get("general_topics", []))


def quiz_weights(posting: Posting, profile: RoleProfile, scorer: TopicScorer) -> dict[str, float]:
    """Topic weights for a role's quiz (sum to 1), leaning toward the role's subject."""
    ids = scorer.ids
    # The title's topic terms only: its embedding leans to whatever "Machine Learning Engineer" is
    # near, which says nothing about this role; a named subject ("Recommendations", "LLM") does.
    hits = scorer.evidence([posting.title])[1][0] if posting.title else np.zeros(len(ids))
    title = np.asarray([0.0 if t in general_topics() or t in skill_topics() else float(v)
                        for t, v in zip(ids, hits, strict=True)])
    title_share = title / title.sum() if float(title.sum()) > 0 else np.zeros(len(ids))
    skills = skill_topics()
    raw = {}
    for number, topic in enumerate(ids):
        value = profile.weights.get(topic, 0.0) + TITLE_WEIGHT * float(title_share[number])
        raw[topic] = (value * (SKILL_DAMP if topic in skills else 1.0)) ** SHARPEN
    total = sum(raw.values()) or 1.0
    return {topic: value / total for topic, value in raw.items()}


def with_weights(profile: RoleProfile, weights: dict[str, float]) -> RoleProfile:
    """The profile's reasons (`why`) with the quiz's weights."""
    return RoleProfile(profile.role_id, weights, profile.why)
