"""`QuizMaker.pick`: the one place a new quiz avoids recently answered questions (chat, Discord, daily)."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.core.index import KnowledgeIndex
from bot.core.questions import QuestionBank
from bot.core.quiz import QuizMaker


@pytest.fixture(scope="module")
def maker(seeded_index: KnowledgeIndex) -> QuizMaker:
    return QuizMaker(QuestionBank.load(Settings().questions_dir), seeded_index)


def _topic_ids(maker: QuizMaker, topic: str) -> list[str]:
    return [q.id for q in maker.bank.questions(topic=topic)]


def test_recent_questions_wait_while_others_fit(maker: QuizMaker) -> None:
    """With all but two of a topic's questions answered lately, those two are the ones picked."""
    ids = _topic_ids(maker, "cpp")
    fresh = set(ids[:2])
    picked = maker.pick(recent=ids[2:], topic="cpp", n=2, seed=7)
    assert {q.id for q in picked} == fresh


def test_recent_questions_come_back_when_nothing_else_fits(maker: QuizMaker) -> None:
    """A user who answered every question of a topic still gets a quiz: repeats beat nothing."""
    ids = _topic_ids(maker, "cpp")
    picked = maker.pick(recent=ids, topic="cpp", n=3, seed=7)
    assert len(picked) == 3 and {q.id for q in picked} <= set(ids)


def test_excluded_questions_never_come_back(maker: QuizMaker) -> None:
    """`exclude` (asked in this mock interview) is never relaxed: with all excluded, nothing is picked."""
    ids = _topic_ids(maker, "cpp")
    assert maker.pick(exclude=ids, topic="cpp", n=1, seed=7) == []
    kept = ids[-1]
    assert [q.id for q in maker.pick(recent=[kept], exclude=ids[:-1], topic="cpp", n=1, seed=7)] == [kept]


def test_the_same_seed_picks_the_same_questions(maker: QuizMaker) -> None:
    """The daily question is stable for a guild's day: the seed decides the pick."""
    first = [q.id for q in maker.pick(n=1, seed=20260101)]
    assert first == [q.id for q in maker.pick(n=1, seed=20260101)]
