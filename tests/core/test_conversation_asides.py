"""Issue 10, found by trying the chat: "thanks!" or "got it" typed while a quiz question waits is
said to the bot, not an answer (a friendly reply, the question keeps waiting, nothing is graded),
while answers that merely start like one stay answers; "what's the best paying role" is the pay
comparison across roles, never one role's overview. Paraphrases throughout, so no string is special."""

from __future__ import annotations

import pytest

from bot.core.answers import AnswerEngine
from tests.core.test_conversation import USER, Chat, parse_request

ASIDES = ["thanks!", "thank you so much :)", "ok cool", "got it", "ah ok, I see", "gotcha, thx", "cool thx",
          "alright, makes sense"]
ANSWERS = ["skip connections help gradients", "thanks to skip connections the gradient reaches early layers",
           "yes", "ok so I would use dropout and weight decay", "cool features like attention help"]


@pytest.mark.parametrize("text", ASIDES)
def test_an_aside_mid_quiz_is_not_an_answer(answer_engine: AnswerEngine, text: str) -> None:
    """Recognised with high confidence as thanks or an acknowledgement: a reply, not a grade."""
    assert parse_request(answer_engine, text, answering=True).kind == "ask"


@pytest.mark.parametrize("text", ANSWERS)
def test_answers_that_start_like_an_aside_stay_answers(answer_engine: AnswerEngine, text: str) -> None:
    assert parse_request(answer_engine, text, answering=True).kind == "answer"


def test_thanks_in_a_quiz_leaves_the_question_waiting(engine) -> None:
    """The quiz keeps its question through several asides; then an answer is graded as usual."""
    chat = Chat(engine)
    question = chat.say("quiz me on deep learning").question
    assert question is not None
    for text in ("thanks!", "ok cool", "got it, thank you"):
        reply = chat.say(text)
        assert reply.kind == "answer" and reply.feedback is None, f"{text!r} -> {reply.text}"
        assert "still open" in reply.text and "Feedback" not in reply.text, reply.text
        assert engine.quizzes.load(USER).current == question.id
    graded = chat.say("skip connections help gradients reach the early layers")
    assert graded.kind == "feedback" and graded.feedback is not None


def test_acknowledgement_outside_a_quiz_is_small_talk(engine) -> None:
    chat = Chat(engine)
    reply = chat.say("okay, got it")
    assert reply.kind == "answer" and "couldn't find" not in reply.text and not reply.citations


BEST_PAID = ["what's the best paying role", "which role pays the most?", "highest-paid internship?",
             "what is the best paid position", "which job has the top salary?"]


@pytest.mark.parametrize("text", BEST_PAID)
def test_best_paying_role_is_the_pay_comparison(engine, text: str) -> None:
    """Ranked by pay across every role (the research scientist's $60/hour first), not a role card."""
    reply = Chat(engine).say(text)
    assert "$60" in reply.text and "$57" in reply.text, reply.text
    assert reply.text.index("$60") < reply.text.index("$57"), reply.text
    assert reply.citations
