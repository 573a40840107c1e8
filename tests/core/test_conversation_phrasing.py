"""Issue 10, found by trying `prepbot chat` as a student: misspellings ("requre", "salry"),
shorthand ("wat", "reqs", "abt") and follow-ups that open like one ("and the pay?", "plus where
is it?") are understood as what they mean, through the conversation engine. Each behaviour is
checked with several phrasings, so no string is special."""

from __future__ import annotations

import pytest

from tests.core.test_conversation import USER, Chat

REQUIREMENTS = ["what does the PhD e-commerce role requre?", "reqs for the e-commerce PhD internship?",
                "wat are the requirments for the e-commerce phd role"]
RS_PAY = ["whats the salry for the research scientist one", "how much does the research scientst role pay",
          "wat does the research scientist intern pay"]


@pytest.mark.parametrize("text", REQUIREMENTS)
def test_misspelt_and_shorthand_requirements(engine, text: str) -> None:
    reply = Chat(engine).say(text)
    assert "Minimum qualifications" in reply.text and "doesn't say" not in reply.text, reply.text
    assert reply.citations


@pytest.mark.parametrize("text", RS_PAY)
def test_misspelt_and_shorthand_pay(engine, text: str) -> None:
    reply = Chat(engine).say(text)
    assert "$60" in reply.text and "$57" not in reply.text, reply.text


@pytest.mark.parametrize(("opener", "follow_up"), [
    ("tell me abt the research scientist role", "and the pay?"),
    ("where is the research scientist internship?", "what about the pay"),
    ("is the research scientist one remote?", "plus how much does it pay"),
])
def test_a_follow_up_opener_is_about_the_role_just_discussed(engine, opener: str, follow_up: str) -> None:
    chat = Chat(engine)
    first = chat.say(opener)
    assert first.citations, first.text
    reply = chat.say(follow_up)
    assert "$60" in reply.text and "$57" not in reply.text and "$45" not in reply.text, reply.text


@pytest.mark.parametrize("question", ["and which one pays best?", "also, which role pays the most?"])
def test_a_ranking_after_one_role_ranks_every_role(engine, question: str) -> None:
    """ "and which one pays best?" after talking about one role compares all of them, not that one."""
    chat = Chat(engine)
    chat.say("tell me about the e-commerce PhD role")
    reply = chat.say(question)
    assert "$60" in reply.text and "$57" in reply.text and reply.text.index("$60") < reply.text.index("$57"), \
        reply.text


@pytest.mark.parametrize("question", ["compare the pay of the two phd ones", "how do the 2 PhD roles compare on pay?",
                                      "compare pay for both phd internships"])
def test_a_count_before_a_role_noun_is_not_a_name(engine, question: str) -> None:
    """ "the two PhD ones": "two" counts roles, it names none (no posting is looked up by it)."""
    reply = Chat(engine).say(question)
    assert "$60" in reply.text and "$57" in reply.text and "doesn't say" not in reply.text, reply.text


@pytest.mark.parametrize(("follow_up", "place", "not_place"), [
    ("where is the first one?", "Seattle", "Los Angeles"), ("where's the 2nd one located", "Los Angeles", "Seattle"),
    ("and the last role, where is it?", "Los Angeles", "Seattle"),
])
def test_an_ordinal_picks_from_the_list_just_given(engine, follow_up: str, place: str, not_place: str) -> None:
    chat = Chat(engine)
    listing = chat.say("which roles need a PhD?")
    assert listing.text.index("E-Commerce") < listing.text.index("Research Scientist"), listing.text
    reply = chat.say(follow_up)
    assert place in reply.text and not_place not in reply.text, reply.text


@pytest.mark.parametrize("text", ["hey, what does the research scientist role pay?",
                                  "hi there! how much does the research scientist internship pay",
                                  "good morning, what's the pay for the research scientist one?"])
def test_a_greeting_around_a_question_still_gets_the_answer(engine, text: str) -> None:
    reply = Chat(engine).say(text)
    assert "$60" in reply.text and "Hi!" not in reply.text, reply.text


@pytest.mark.parametrize("follow_up", ["thanks! and where is it?", "ok cool, where is it based?",
                                       "got it, thanks. where is that one located?"])
def test_thanks_before_a_follow_up_still_answers_it(engine, follow_up: str) -> None:
    chat = Chat(engine)
    chat.say("what does the research scientist role pay?")
    reply = chat.say(follow_up)
    assert "Los Angeles" in reply.text and "welcome" not in reply.text, reply.text


@pytest.mark.parametrize("text", ["what do interns do on the e-commerce PhD team?",
                                  "what do the e-commerce PhD interns work on?"])
def test_what_interns_do_is_the_responsibilities(engine, text: str) -> None:
    reply = Chat(engine).say(text)
    assert "Responsibilities" in reply.text and reply.citations, reply.text


@pytest.mark.parametrize("text", ["im done", "thanks, im done", "i wanna stop"])
def test_stopping_without_apostrophes_stops_the_quiz(engine, text: str) -> None:
    chat = Chat(engine)
    assert chat.say("quiz me on pytorch").question is not None
    reply = chat.say(text)
    assert "Quiz stopped" in reply.text and reply.feedback is None, reply.text


@pytest.mark.parametrize("text", ["set my role to the research scientist one",
                                  "change my target role to the research scientist internship"])
def test_setting_the_target_role_mid_quiz_is_a_request(engine, text: str) -> None:
    """Not graded as an answer; the practice question keeps waiting."""
    chat = Chat(engine)
    question = chat.say("quiz me on pytorch").question
    reply = chat.say(text)
    assert reply.feedback is None and "target role" in reply.text and "Research Scientist" in reply.text, reply.text
    assert engine.quizzes.load(USER).current == question.id
    assert "Research Scientist" in chat.say("whats my target role?").text


@pytest.mark.parametrize("text", ["what should i focus on?", "what do I need to focus on to prepare?"])
def test_what_to_focus_on_is_study_advice(engine, text: str) -> None:
    chat = Chat(engine)
    chat.say("set my role to the research scientist one")
    reply = chat.say(text)
    assert "What to study for" in reply.text and "Research Scientist" in reply.text, reply.text


@pytest.mark.parametrize("text", ["what does tiktok look for in a phd intern", "what is TikTok looking for in PhD interns?"])
def test_what_a_company_looks_for_is_the_requirements(engine, text: str) -> None:
    reply = Chat(engine).say(text)
    assert "Minimum qualifications" in reply.text and reply.citations, reply.text


@pytest.mark.parametrize("text", ["where is the LA one?", "what does the LA internship pay", "tell me about the role in LA"])
def test_a_shortened_place_name_names_the_role_there(engine, text: str) -> None:
    reply = Chat(engine).say(text)
    assert "Research Scientist" in reply.text and "E-Commerce" not in reply.text, reply.text
