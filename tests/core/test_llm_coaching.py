"""LLM-assisted quizzes and feedback, with the real ChatOpenAI client against a loopback server."""

from __future__ import annotations

import json

import pytest

from bot.config import Settings
from bot.core.embeddings import CachedEmbeddings
from bot.core.grading import Grader
from bot.core.index import KnowledgeIndex
from bot.core.llm import build_chat_model
from bot.core.llm.coaching import LLMGrader, LLMQuizMaker
from bot.core.questions import QuestionBank
from bot.core.quiz import QuizMaker
from tests.llm_server import FakeLLMServer, fresh_script, llm_settings, server_fixture  # noqa: F401  (fixtures)

pytest.importorskip("langchain_openai", reason="needs the optional extra: pip install 'prepbot[llm]'")
ECOM = "tiktok-ml-scientist-intern-global-e-commerce-content-recommendation-phd"


@pytest.fixture(scope="module")
def model(server: FakeLLMServer):
    return build_chat_model(llm_settings(server, timeout=5))


@pytest.fixture(scope="module")
def offline_maker(seeded_index: KnowledgeIndex) -> QuizMaker:
    return QuizMaker(QuestionBank.load(Settings().questions_dir), seeded_index)


def _line_with(body: dict, needle: str) -> int:
    content = body["messages"][-1]["content"]
    for part in content.split("<line id=")[1:]:
        number, text = part.split(">", 1)
        if needle in text.split("</line>")[0]:
            return int(number.strip('"'))
    raise AssertionError(f"{needle!r} not sent to the model")


def test_quiz_adds_model_written_posting_question(server: FakeLLMServer, model, offline_maker: QuizMaker) -> None:
    """A role quiz includes a question the model wrote from a line it was given; the id finds it again."""
    def reply(body: dict) -> str:
        line = _line_with(body, "Diffusion Models")
        return json.dumps([{"line": line, "question": "How would a diffusion model generate candidate items for "
                            "e-commerce recommendation, and how would you evaluate it?", "difficulty": "hard",
                            "topic": "recsys", "key_points": ["Denoising over item embeddings.",
                                                              "Offline recall@k and online A/B tests."]}])

    server.script(reply=reply)
    maker = LLMQuizMaker(offline_maker, model)
    quiz = maker.make_quiz(role=ECOM, n=4, seed=3)
    written = [q for q in quiz.questions if "language model" in q.why]
    assert len(quiz.questions) == 4 and len(written) == 1
    assert written[0].source == "posting" and written[0].topic == "recsys" and "Diffusion Models" in written[0].why
    assert maker.question(written[0].id) == written[0]
    assert len({q.id for q in quiz.questions}) == 4


def test_quiz_falls_back_when_model_fails(server: FakeLLMServer, model, offline_maker: QuizMaker) -> None:
    """On a 500 the quiz is exactly the offline quiz."""
    server.script(status=500)
    quiz = LLMQuizMaker(offline_maker, model).make_quiz(role=ECOM, n=4, seed=3)
    assert [q.id for q in quiz.questions] == [q.id for q in offline_maker.make_quiz(role=ECOM, n=4, seed=3).questions]


def test_feedback_adds_critique(server: FakeLLMServer, model, embeddings: CachedEmbeddings,
                                offline_maker: QuizMaker) -> None:
    """Feedback keeps its measured facts and adds the model's critique; a failure adds a note instead."""
    question = offline_maker.question("recsys-two-tower-logq-correction")
    answer = "In-batch negatives over-penalise popular items, so we subtract log of sampling probability."
    offline = Grader(embeddings)
    server.script(reply="Good start: you named the logQ correction. Explain how to estimate the probability.")
    feedback = LLMGrader(offline, model).grade(question, answer)
    assert feedback.critique.startswith("Good start") and "Critique (language model)" in feedback.render()
    assert feedback.covered == offline.grade(question, answer).covered
    server.script(status=500)
    failed = LLMGrader(offline, model).grade(question, answer)
    assert failed.critique is None and any("unavailable" in note for note in failed.notes)
