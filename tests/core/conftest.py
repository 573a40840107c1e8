"""Fixtures of the conversation tests (tests/core/test_conversation*.py): an engine over the session's
seeded index with a real SQLite state store of the test's own, rebuilt on the same file to "restart"."""

from __future__ import annotations

from pathlib import Path

import pytest
from fsrs import Scheduler

from bot.config import Settings
from bot.core.answers import AnswerEngine
from bot.core.conversation import ConversationEngine
from bot.core.embeddings import CachedEmbeddings
from bot.core.grading import Grader
from bot.core.index import KnowledgeIndex
from bot.core.questions import QuestionBank
from bot.core.quiz import QuizMaker
from bot.core.services import Services
from bot.core.state import StateStore


class FixtureServices(Services):
    """Services over the session's seeded index and a state store of the test's own."""

    def __init__(self, index: KnowledgeIndex, answers: AnswerEngine, state: StateStore) -> None:
        super().__init__(Settings())
        self.__dict__.update(index=index, answers=answers, state=state)


@pytest.fixture(scope="session")
def quiz_maker(seeded_index: KnowledgeIndex) -> QuizMaker:
    return QuizMaker(QuestionBank.load(Settings().questions_dir), seeded_index)


@pytest.fixture(scope="session")
def grader(embeddings: CachedEmbeddings) -> Grader:
    return Grader(embeddings)


@pytest.fixture
def db_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def make_engine(db_dir: Path, seeded_index: KnowledgeIndex, answer_engine: AnswerEngine, quiz_maker: QuizMaker,
                grader: Grader):
    """Builds an engine on a fresh StateStore over the same database file (a "restart" each call)."""
    stores: list[StateStore] = []

    def build() -> ConversationEngine:
        store = StateStore.for_data_dir(db_dir, scheduler=Scheduler(enable_fuzzing=False))
        stores.append(store)
        return ConversationEngine(FixtureServices(seeded_index, answer_engine, store), quiz_maker, grader)

    yield build
    for store in stores:
        store.close()


@pytest.fixture
def engine(make_engine) -> ConversationEngine:
    return make_engine()
