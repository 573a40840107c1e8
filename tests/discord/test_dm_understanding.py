"""Issue 10's "Why" examples through the Discord DM path (the real discord.py client against the fake
Discord): small talk, role listings, "that role", "it" after a ranking, "the other PhD one", controls
inside a quiz, fuzzy topics; each in the issue's words and in a paraphrase. No raw ids, no log lines."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="module")
SETTINGS = {"PREPBOT_RATE_LIMIT_PER_MINUTE": 60}
ID = re.compile(r"\btiktok-[a-z0-9-]+|\bposting-[a-z0-9-]+")


def text_of(messages: list[dict]) -> str:
    return "\n".join(m["content"] for m in messages)


async def say(h, user, text: str) -> str:
    reply = text_of(await h.dm(user, text))
    assert not ID.search(reply), reply
    assert "Traceback" not in reply and "DEBUG" not in reply
    return reply


@pytest.mark.parametrize(("hello", "roles"), [("hi", "what roles do you know about?"),
                                              ("hey there", "list all the roles")])
async def test_small_talk_and_listing(h, hello: str, roles: str) -> None:
    user = h.user()
    greeted = await say(h, user, hello)
    assert "Hi!" in greeted and "couldn't find" not in greeted
    listed = await say(h, user, roles)
    assert "Research Scientist Intern" in listed and "E-Commerce" in listed and "mentions" not in listed
    assert "welcome" in (await say(h, user, "thanks!")).lower()


@pytest.mark.parametrize(("best", "where"), [("which one pays best?", "and where is it?"),
                                             ("which role pays the most?", "where's that one located?")])
async def test_it_after_a_ranking_is_the_top_payer(h, best: str, where: str) -> None:
    user = h.user()
    ranked = await say(h, user, best)
    assert ranked.index("$60") < ranked.index("$57")
    located = await say(h, user, where)
    assert "Los Angeles" in located and "Seattle" not in located and "San Jose" not in located


@pytest.mark.parametrize(("first", "other"), [("what does the e-commerce PhD role pay?", "what about the other PhD one?"),
                                              ("how much does the e-commerce PhD internship pay?",
                                               "and the other PhD one?")])
async def test_the_other_phd_one(h, first: str, other: str) -> None:
    user = h.user()
    assert "$57" in await say(h, user, first)
    answer = await say(h, user, other)
    assert "$60" in answer and "$57" not in answer


@pytest.mark.parametrize(("role", "quiz", "harder", "topics"), [
    ("what skills do I need for the multimodal role?", "quiz me on that role", "harder please",
     "what topics can you quiz me on?"),
    ("which skills are needed for the multimodal internship?", "test me on that role", "make them harder",
     "which topics are there?"),
])
async def test_quiz_on_that_role_with_controls(h, role: str, quiz: str, harder: str, topics: str) -> None:
    user = h.user()
    skills = await say(h, user, role)
    assert "doesn't list" in skills and "Internships at TikTok aim" not in skills
    started = await say(h, user, quiz)
    assert "Question 1 of" in started and "Multimodal" in started and "error" not in started.lower()
    switched = await say(h, user, harder)
    assert "Switching to" in switched and "Feedback" not in switched
    listed = await say(h, user, topics)
    assert "I can quiz you on" in listed and "Feedback" not in listed
    graded = await say(h, user, "skip connections help gradients flow through deep networks")
    assert "Feedback" in graded
    stopped = await say(h, user, "stop")
    assert "Quiz stopped" in stopped


@pytest.mark.parametrize(("typo", "topic"), [("give me 3 pytroch questions", "pytorch"),
                                             ("quiz me on reccomendation systems", "recsys")])
async def test_topics_matched_fuzzily(h, typo: str, topic: str) -> None:
    user = h.user()
    started = await say(h, user, typo)
    assert topic in started and "Question 1 of" in started
    await say(h, user, "stop")


async def test_mock_for_it_after_talking_about_a_role(h) -> None:
    user = h.user()
    card = await say(h, user, "tell me about the San Jose role")
    assert "San Jose" in card and "12 weeks" in card
    mock = await say(h, user, "start a mock interview for it")
    assert "Mock interview" in mock and "Multimodal" in mock
    assert "Mock interview stopped" in await say(h, user, "stop")
