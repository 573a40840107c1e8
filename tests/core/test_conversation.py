"""The conversation engine on the real index, question bank, grader and a real SQLite state store:
memory across turns, plain-language requests, quizzes, mock interviews, ratings and restarts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.answers import AnswerEngine
from bot.core.conversation import ConversationEngine, Reply
from bot.core.conversation._requests import TOPIC_ALIASES, Request, route
from bot.core.quiz import QuizQuestion

ECOM = "tiktok-ml-scientist-intern-global-e-commerce-content-recommendation-phd"
RS = "tiktok-research-scientist-intern-recommendation-phd"
MM = "tiktok-ml-engineer-intern-short-video-content-understanding-multimodal-ca16ce"
USER = "1001"
T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
WEAK = "I am not sure, I would probably just try a bigger model and see what happens."


class Chat:
    """Sends messages one minute apart, like a person typing."""

    def __init__(self, engine: ConversationEngine, start: datetime = T0) -> None:
        self.engine, self.now = engine, start

    def say(self, text: str) -> Reply:
        self.now += timedelta(minutes=1)
        return self.engine.handle(USER, text, self.now)


def strong_answer(question: QuizQuestion) -> str:
    return " ".join(question.key_points)


# ----- memory ------------------------------------------------------------------------------------
def test_follow_up_resolves_it(engine: ConversationEngine) -> None:
    """"what does the PhD one pay?" then "and where is it?" answers the location of both PhD roles."""
    chat = Chat(engine)
    pay = chat.say("what does the PhD one pay?")
    assert pay.kind == "answer" and "$57" in pay.text and "$60" in pay.text and pay.citations
    where = chat.say("and where is it?")
    assert where.kind == "answer" and "Seattle" in where.text and "Los Angeles" in where.text
    assert {c.role_id for c in where.citations} == {ECOM, RS}
    turns = engine.services.state.recent_turns(f"dm:{USER}", limit=10)
    assert [t.speaker for t in turns] == ["user", "bot", "user", "bot"]


def test_follow_up_survives_restart(make_engine) -> None:
    """The roles a conversation is about are remembered in SQLite, so a new engine resolves "it"."""
    Chat(make_engine()).say("what does the research scientist one pay?")
    where = Chat(make_engine(), T0 + timedelta(minutes=5)).say("and where is it?")
    assert "Los Angeles" in where.text and "Seattle" not in where.text


def test_target_role_is_the_default_but_never_overrides(engine: ConversationEngine) -> None:
    """The target role answers role-less questions; named roles and cross-role questions ignore it."""
    engine.services.state.set_target_role(USER, MM)
    chat = Chat(engine)
    assert "San Jose" in chat.say("where is it located?").text
    named = chat.say("what does the e-commerce PhD role pay?")
    assert "$57" in named.text and "San Jose" not in named.text
    phd = chat.say("which roles need a PhD?")
    assert {c.role_id for c in phd.citations} == {ECOM, RS}


def test_set_role_in_plain_language(engine: ConversationEngine) -> None:
    """"set my role to the multimodal one" sets it; "the PhD one" asks which, by name; an unknown role is
    said plainly (issue 10: names, never raw ids, in replies)."""
    chat = Chat(engine)
    assert chat.say("set my role to the multimodal one").kind == "info"
    assert engine.services.state.get_target_role(USER) == MM
    assert "San Jose" in chat.say("where is it?").text
    engine.services.state.clear_target_role(USER)
    ambiguous = chat.say("set my role to the PhD one")
    assert ambiguous.kind == "info" and "Which one" in ambiguous.text
    assert "E-Commerce" in ambiguous.text and "Research Scientist Intern" in ambiguous.text
    assert ECOM not in ambiguous.text and RS not in ambiguous.text
    assert engine.services.state.get_target_role(USER) is None
    unknown = chat.say("set my role to the astronaut role")
    assert "astronaut" in unknown.text and "don't have" in unknown.text and RS not in unknown.text


# ----- plain-language requests -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind", "topic", "difficulty", "count"),
    [
        ("quiz me on pytorch", "quiz", "pytorch", None, None),
        ("give me 3 hard recsys questions", "quiz", "recsys", "hard", 3),
        ("Give me two easy questions about C++", "quiz", "cpp", "easy", 2),
        ("quiz me for the e-commerce role", "quiz", None, None, None),
        ("start a mock interview for the research scientist role", "mock", None, None, None),
        ("stop", "stop", None, None, None),
        ("review", "review", None, None, None),
        ("what's due?", "review", None, None, None),
        ("my progress", "progress", None, None, None),
        ("set my role to the multimodal one", "set_role", None, None, None),
        ("help", "help", None, None, None),
        ("what does the PhD one pay?", "ask", None, None, None),
        ("which roles need a PhD?", "ask", None, None, None),
    ],
)
def test_plain_language_requests(answer_engine: AnswerEngine, text: str, kind: str, topic: str | None,
                                 difficulty: str | None, count: int | None) -> None:
    """Requests are recognised with their topic, difficulty and count; questions stay questions."""
    request = parse_request(answer_engine, text)
    assert (request.kind, request.topic, request.difficulty, request.count) == (kind, topic, difficulty, count)


def test_answers_that_look_like_commands_stay_answers(answer_engine: AnswerEngine) -> None:
    """While a question waits, "test it offline first..." is an answer, a short "where is it?" a question;
    "skip connections help gradients" is an answer, "skip" is not (issue 10)."""
    assert parse_request(answer_engine, "test the model offline first, then ship it", answering=True).kind == "answer"
    assert parse_request(answer_engine, "and where is it?", answering=True).kind == "ask"
    assert parse_request(answer_engine, "skip", answering=True).kind == "skip"
    assert parse_request(answer_engine, "skip connections help gradients", answering=True).kind == "answer"


def parse_request(answers: AnswerEngine, text: str, answering: bool = False) -> Request:
    """Understand the message once, then route it, as the engine does."""
    return route(answers.understand(text, topics=TOPIC_ALIASES), answering=answering)


# ----- quizzes -----------------------------------------------------------------------------------
def test_quiz_request_honours_topic_and_difficulty(engine: ConversationEngine) -> None:
    """"give me 3 hard recsys questions" asks 3 hard recsys questions one at a time, grading each."""
    chat = Chat(engine)
    first = chat.say("give me 3 hard recsys questions")
    assert first.kind == "quiz" and first.question is not None
    session = engine.quizzes.load(USER)
    assert session is not None and len(session.question_ids) == 3
    asked = [engine.practice.question(q) for q in session.question_ids]
    assert {(q.topic, q.difficulty) for q in asked} == {("recsys", "hard")}
    graded = chat.say(strong_answer(first.question))
    assert graded.kind == "feedback" and graded.feedback is not None and graded.feedback.covered
    assert graded.rate_question_id == first.question.id
    assert "✓" in graded.text and graded.question is not None and graded.question.id == session.question_ids[1]
    skipped = chat.say("skip")
    assert skipped.question is not None and skipped.question.id == session.question_ids[2]
    done = chat.say(WEAK)
    assert done.question is None and "Quiz finished" in done.text and engine.quizzes.load(USER) is None


def test_quiz_on_topic_for_a_named_role(engine: ConversationEngine) -> None:
    """"quiz me on pytorch" gives PyTorch questions; "for the e-commerce role" tailors them to that role."""
    chat = Chat(engine)
    pytorch = chat.say("quiz me on pytorch")
    assert pytorch.question is not None and pytorch.question.topic == "pytorch"
    ecommerce = chat.say("quiz me for the e-commerce role")
    assert "Quiz stopped" in ecommerce.text  # the new quiz replaced the running one
    assert ecommerce.question is not None and ecommerce.question.role_id == ECOM
    assert chat.say("quiz me on astrology").kind == "error"


# ----- mock interviews ---------------------------------------------------------------------------
def test_full_mock_interview(engine: ConversationEngine) -> None:
    """start -> strong answer -> feedback and a follow-up -> answer -> a harder question -> stop summary."""
    start = engine.start_mock(USER, "research scientist", T0)
    assert start.kind == "mock_question" and start.question is not None
    first = start.question
    assert engine.mocks.load(USER).role_id == RS
    chat = Chat(engine)
    graded = chat.say(strong_answer(first))
    assert graded.kind == "feedback" and graded.rate_question_id == first.id and graded.feedback.covered
    if first.follow_ups:
        assert "Follow-up" in graded.text and engine.mocks.load(USER).follow_up in first.follow_ups
        graded = chat.say(strong_answer(first))
        assert graded.kind == "feedback" and graded.rate_question_id is None
    following = graded.question
    assert following is not None and following.id != first.id
    session = engine.mocks.load(USER)
    assert session.current == following.id and session.difficulty == "hard"
    weak = chat.say(WEAK)
    assert "Follow-up" not in weak.text and engine.mocks.load(USER).difficulty == "medium"
    summary = engine.stop_mock(USER, chat.now)
    assert summary.kind == "info" and "2 questions answered" in summary.text and "mean coverage" in summary.text
    assert engine.mocks.load(USER) is None
    assert engine.stop_mock(USER, chat.now).kind == "info"


def test_mock_in_plain_language_uses_target_role(engine: ConversationEngine) -> None:
    """"start a mock interview" with no role named uses the target role; "stop" ends it with a summary."""
    chat = Chat(engine)
    chat.say("set my role to the multimodal one")
    start = chat.say("start a mock interview")
    assert start.kind == "mock_question" and engine.mocks.load(USER).role_id == MM
    assert "Mock interview stopped" in chat.say("stop").text


def test_mock_survives_restart(make_engine) -> None:
    """A new engine on the same database grades the answer the old one was waiting for."""
    start = make_engine().start_mock(USER, "e-commerce", T0)
    resumed = make_engine()
    graded = Chat(resumed).say(strong_answer(start.question))
    assert graded.kind == "feedback" and graded.rate_question_id == start.question.id
    assert resumed.mocks.load(USER).role_id == ECOM


# ----- spaced repetition -------------------------------------------------------------------------
def test_rating_schedules_a_card_that_comes_due(engine: ConversationEngine) -> None:
    """Rating a practised question makes an FSRS card; it is not due now but is due days later."""
    chat = Chat(engine)
    question = chat.say("quiz me on llm").question
    graded = chat.say(strong_answer(question))
    message = engine.rate(USER, graded.rate_question_id, "good", chat.now)
    assert message.startswith("Next review in")
    assert question.id not in [q.id for q in engine.due_reviews(USER, chat.now)]
    later = chat.now + timedelta(days=30)
    assert question.id in [q.id for q in engine.due_reviews(USER, later)]
    review = Chat(engine, later).say("review")
    assert review.kind == "review" and review.question.id == question.id


def test_typed_rating_and_unrated_questions(engine: ConversationEngine) -> None:
    """In chat, "again" rates the last practised question; an unrated one is scheduled from its score."""
    chat = Chat(engine)
    first = chat.say("give me 3 easy search questions").question
    second = chat.say(WEAK).question
    rated = chat.say("again")
    assert "Next review" in rated.text and rated.question.id == second.id
    assert engine.services.state.get_card(USER, first.id).last_rating == "again"
    chat.say(WEAK)  # answers the second question, leaving it unrated
    chat.say("stop")  # the next turn schedules it from its (low) coverage
    assert engine.services.state.get_card(USER, second.id) is not None
    assert chat.say("good").kind == "info"  # nothing left to rate


def test_grade_answer_records_answer_and_streak(engine: ConversationEngine) -> None:
    """grade_answer (study-group threads) stores the answer, counts the guild-local day, offers a rating."""
    question = engine.practice.pick(USER, role=None, topic="coding", n=1)[0]
    reply = engine.grade_answer(USER, question.id, strong_answer(question), T0, guild_id="42",
                                local_date=date(2026, 3, 3))
    assert reply.kind == "feedback" and reply.rate_question_id == question.id
    state = engine.services.state
    assert state.recent_answers(USER)[0].question_id == question.id
    assert state.streak("42", USER, date(2026, 3, 3)) == 1
    assert engine.grade_answer(USER, question.id, "   ", T0).kind == "error"
    assert engine.grade_answer(USER, "no-such-question", "an answer", T0).kind == "error"


def test_progress_and_help(engine: ConversationEngine) -> None:
    """"my progress" summarises answers, cards and streak; "help" lists what the bot can do."""
    chat = Chat(engine)
    question = chat.say("quiz me on coding").question
    chat.say(strong_answer(question))
    progress = chat.say("my progress")
    assert progress.kind == "info" and "Answers: 1" in progress.text and "Streak: 1 day" in progress.text
    assert chat.say("help").kind == "help"


def test_short_question_mid_quiz_is_answered(engine: ConversationEngine) -> None:
    """A short question ending in "?" during a quiz goes to the answer engine and the quiz stays open."""
    chat = Chat(engine)
    question = chat.say("quiz me on search").question
    reply = chat.say("what does the research scientist one pay?")
    assert reply.kind == "answer" and "$60" in reply.text and "still open" in reply.text
    assert engine.quizzes.load(USER).current == question.id


def test_run_whose_question_vanished_ends_cleanly(engine: ConversationEngine) -> None:
    """A saved quiz whose question no longer exists ends with an explanation instead of failing every turn."""
    engine.services.state.save_session(USER, "quiz", {"mode": "quiz", "question_ids": ["posting-gone-1-0"]}, T0)
    reply = Chat(engine).say("I would start with a simple baseline model and compare")
    assert reply.kind == "info" and "no longer exists" in reply.text and engine.quizzes.load(USER) is None
