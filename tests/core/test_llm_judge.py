"""The language-model judge with the real ChatOpenAI client against the loopback OpenAI-compatible
server: scripted verdicts are used only when their quotes are verbatim in the answer; a judge that
tries to credit everything credits nothing; timeouts and bad output fall back to the offline grader."""

from __future__ import annotations

import json

import pytest

from bot.config import Settings
from bot.core.grading import CONTRADICTED, MISSING, PARTLY, STATED, Grader
from bot.core.llm import build_chat_model
from bot.core.llm.coaching import LLMGrader
from bot.core.llm.judge import BadJudgement, parse_judgement, verbatim
from bot.core.questions import QuestionBank
from tests.llm_server import FakeLLMServer, fresh_script, llm_settings, server_fixture  # noqa: F401  (fixtures)

pytest.importorskip("langchain_openai", reason="needs the optional extra: pip install 'prepbot[llm]'")

QUESTION = "ml-fundamentals-l1-vs-l2-regularization"
ANSWER = ("L2 adds the squared weights to the loss, so weights shrink smoothly but rarely hit zero. "
          "L1 uses absolute values and pushes many weights to exactly zero, so the model is sparse. "
          "In Bayesian terms L1 is a Gaussian prior.")


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return QuestionBank.load(Settings().questions_dir)


def _model(server: FakeLLMServer, timeout: float = 5):
    return build_chat_model(llm_settings(server, timeout=timeout))


def _grader(bank: QuestionBank, server: FakeLLMServer, timeout: float = 5) -> LLMGrader:
    return LLMGrader(Grader(None, bank=bank), _model(server, timeout))


def _judging(verdicts: list[tuple[str, str]]):
    """A scripted judge: replies to the judgement prompt with these (verdict, quote) pairs, and to the
    critique prompt with a plain sentence."""
    def reply(body: dict) -> str:
        if "Write a short critique" in body["messages"][0]["content"]:
            return "Clear on L1 and L2; check the Bayesian view."
        return json.dumps({"points": [{"point": n, "verdict": v, "quote": q}
                                      for n, (v, q) in enumerate(verdicts, start=1)]})
    return reply


def test_judge_verdicts_rest_on_verbatim_quotes(bank: QuestionBank, server: FakeLLMServer) -> None:
    """Each verdict keeps the answer's own words; covered, partly and contradicted map through."""
    server.script(reply=_judging([
        ("covered", "L2 adds the squared weights to the loss, so weights shrink smoothly but rarely hit zero"),
        ("covered", "pushes many weights to exactly zero, so the model is sparse"),
        ("missing", ""),
        ("contradicted", "in bayesian terms l1 is a gaussian prior."),
        ("partly", "L1 uses absolute values"),
    ]))
    feedback = _grader(bank, server).grade(bank.get(QUESTION), ANSWER)
    assert [v.verdict for v in feedback.verdicts] == [STATED, STATED, MISSING, CONTRADICTED, PARTLY]
    assert feedback.judge == "language model" and all(v.quote in ANSWER for v in feedback.verdicts)
    assert feedback.verdicts[3].quote == "In Bayesian terms L1 is a Gaussian prior"  # the answer's own case
    assert feedback.to_dict()["contradicted"] == [bank.get(QUESTION).key_points[3]]
    assert "check this — the key point says" in feedback.render()
    assert feedback.quality == pytest.approx(0.2) and feedback.suggested_rating() == "again"  # 2 credited, 1 against


def test_judge_that_credits_everything_credits_nothing(bank: QuestionBank, server: FakeLLMServer) -> None:
    """A judge quoting the key points (text the candidate never wrote) or a stray word credits nothing."""
    question = bank.get(QUESTION)
    everything = [("covered", point) for point in question.key_points]
    everything[1] = ("covered", "zero")  # verbatim but too short to state anything
    server.script(reply=_judging(everything))
    keywords = "L1, L2, lasso, ridge, sparsity, Laplace prior, Gaussian prior, zero."
    feedback = _grader(bank, server).grade(question, keywords)
    assert feedback.covered == [] and feedback.quality == 0
    assert len(feedback.missed) == len(question.key_points)


def test_bad_output_and_timeouts_fall_back_to_the_offline_grader(bank: QuestionBank, server: FakeLLMServer) -> None:
    """Prose, a reply judging too few points, an HTTP 500 and a timeout all leave the offline verdicts."""
    question = bank.get(QUESTION)
    offline = Grader(None, bank=bank).grade(question, ANSWER)
    assert offline.contradicted  # "L1 is a Gaussian prior" is flagged offline too
    cases = [dict(reply="I think the answer is decent."),
             dict(reply=json.dumps({"points": [{"point": 1, "verdict": "covered", "quote": "L1 uses absolute values"}]})),
             dict(status=500)]
    for behaviour in cases:
        server.script(**behaviour)
        feedback = _grader(bank, server).grade(question, ANSWER)
        assert [v.verdict for v in feedback.verdicts] == [v.verdict for v in offline.verdicts], behaviour
        assert feedback.judge == "offline" and any("could not judge" in n for n in feedback.notes)
    server.script(reply=_judging([("covered", "L1 uses absolute values")] * 5), delay=3)
    slow = _grader(bank, server, timeout=0.5).grade(question, ANSWER)
    assert slow.judge == "offline" and [v.verdict for v in slow.verdicts] == [v.verdict for v in offline.verdicts]


def test_parse_judgement_rules() -> None:
    """Unknown verdicts, repeated or out-of-range points and non-JSON raise; fences are tolerated."""
    points = ["a", "b"]
    good = '```json\n{"points": [{"point": 1, "verdict": "missing"}, {"point": 2, "verdict": "missing"}]}\n```'
    assert [v.verdict for v in parse_judgement(good, points, "x")] == [MISSING, MISSING]
    for bad in ("nope", '{"points": []}', '{"points": [{"point": 3, "verdict": "missing"}]}',
                '{"points": [{"point": 1, "verdict": "great"}, {"point": 2, "verdict": "missing"}]}',
                '{"points": [{"point": 1, "verdict": "missing"}, {"point": 1, "verdict": "missing"}]}'):
        with pytest.raises(BadJudgement):
            parse_judgement(bad, points, "x")
    assert verbatim("  “weights  SHRINK smoothly.” ", "so weights shrink\nsmoothly but") == "weights shrink\nsmoothly"
    assert verbatim("not there at all", "so weights shrink smoothly") is None
