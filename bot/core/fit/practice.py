"""Fit gaps become practice: a bank question on each gap's topic, at most five new review cards per
check (the rest are listed, not scheduled), so one resume check cannot flood a review queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.core.questions import DIFFICULTIES

if TYPE_CHECKING:
    from bot.core.fit.check import FitReport
    from bot.core.profile import TopicScorer
    from bot.core.questions import QuestionBank

MAX_NEW_CARDS = 5


@dataclass(frozen=True)
class GapPractice:
    """What to practise for one unevidenced requirement."""

    requirement: str
    status: str  # mentioned | missing
    topic: str | None
    question_id: str | None
    question: str | None
    scheduled: bool = False  # a new review card was added for it

    def to_dict(self) -> dict[str, Any]:
        return {"requirement": self.requirement, "status": self.status, "topic": self.topic,
                "question_id": self.question_id, "question": self.question, "scheduled": self.scheduled}


def gap_practice(report: FitReport, bank: QuestionBank, scorer: TopicScorer, have: set[str]) -> list[GapPractice]:
    """One suggestion per gap, minimum requirements first; a question the user already has a card for
    (or that an earlier gap took) is not suggested twice."""
    gaps = report.gaps()
    if not gaps:
        return []
    scores = scorer.scores([gap.requirement for gap in gaps])
    taken = set(have)
    found = []
    for gap, row in zip(gaps, scores, strict=True):
        best = int(row.argmax())
        topic = scorer.ids[best] if float(row[best]) > 0 else None
        question = _first_new(bank, topic, taken) if topic else None
        if question is not None:
            taken.add(question.id)
        found.append(GapPractice(gap.requirement, gap.status, topic, question.id if question else None,
                                 question.question if question else None))
    return found


def _first_new(bank: QuestionBank, topic: str, taken: set[str]):
    """The easiest question of the topic not yet taken (bank order within a difficulty: stable)."""
    for difficulty in DIFFICULTIES:
        for question in bank.questions(topic=topic, difficulty=difficulty):
            if question.id not in taken:
                return question
    return None


def to_schedule(practice: list[GapPractice], limit: int = MAX_NEW_CARDS) -> list[str]:
    """The question ids that become new cards: the first `limit` gaps that have a question."""
    return [p.question_id for p in practice if p.question_id][:limit]


def mark_scheduled(practice: list[GapPractice], added: list[str]) -> list[GapPractice]:
    chosen = set(added)
    return [GapPractice(p.requirement, p.status, p.topic, p.question_id, p.question,
                        scheduled=p.question_id in chosen) for p in practice]
