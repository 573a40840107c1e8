"""DM conversations end to end: memory across turns, plain-language practice, a full mock interview,
rating buttons, long replies split safely, other bots ignored."""

from __future__ import annotations

import pytest

from bot.core.conversation import ConversationEngine, Reply
from bot.discord_app.text import MESSAGE_LIMIT
from tests.discord.harness import NO_MENTIONS

pytestmark = pytest.mark.asyncio(loop_scope="module")
SETTINGS = {"PREPBOT_RATE_LIMIT_PER_MINUTE": 30}  # a mock interview is a quick back-and-forth


def text_of(messages: list[dict]) -> str:
    return "\n".join(m["content"] for m in messages)


def labels(message: dict) -> list[str]:
    return [c.get("label") or c.get("emoji", {}).get("name") for row in message["components"]
            for c in row["components"]]


def strong_answer(question) -> str:
    return " ".join(question.key_points)


async def test_dm_conversation_remembers_the_role_for_a_follow_up(h):
    """"what does the PhD one pay?" then "and where is it?": the second answer resolves "it"."""
    user = h.user()
    pay = await h.dm(user, "what does the PhD one pay?")
    assert "$57" in text_of(pay) and "$60" in text_of(pay)
    assert "**Sources**" in text_of(pay)  # citations under the answer
    assert labels(pay[-1]) == ["👍", "👎"]
    where = await h.dm(user, "and where is it?")
    assert "Seattle" in text_of(where) and "Los Angeles" in text_of(where)
    turns = h.bot.state.recent_turns(f"dm:{user.id}", limit=10)
    assert [t.speaker for t in turns] == ["user", "bot", "user", "bot"]


async def test_plain_language_quiz_with_rating_buttons(h):
    """"quiz me on pytorch" asks a question; the answer gets feedback and Again/Hard/Good/Easy."""
    user = h.user()
    asked = await h.dm(user, "quiz me on pytorch")
    assert "pytorch" in text_of(asked).lower()
    graded = await h.dm(user, "autograd records the operations on tensors and backward computes gradients")
    assert "Feedback" in text_of(graded)
    assert labels(graded[-1])[:4] == ["Again", "Hard", "Good", "Easy"]
    click = await h.click(graded[-1], label="Hard", user=user)
    assert "Rated **hard**" in (await h.followup(click))["content"]
    rated = [m for m in h.fake.messages_in(h.fake.dm_channel_for(user)) if m["id"] == graded[-1]["id"]][0]
    assert all(c["disabled"] for c in rated["components"][0]["components"])


async def test_full_mock_interview_in_dms(h):
    """A mock interview from "start" to the summary: questions, feedback, follow-ups, adaptation."""
    user = h.user()
    engine = h.bot.engine
    started = await h.dm(user, "start a mock interview for the research scientist role")
    assert "Mock interview" in text_of(started) and "Question 1 of 5" in text_of(started)
    transcript = [text_of(started)]
    for _ in range(15):
        session = engine.mocks.load(str(user.id))
        if session is None:
            break
        question = h.bot.services.quiz_maker.question(session.current)
        reply = await h.dm(user, strong_answer(question))
        transcript.append(text_of(reply))
        assert all(len(m["content"]) <= MESSAGE_LIMIT for m in reply)
    everything = "\n".join(transcript)
    assert "Mock interview finished" in everything
    assert "Feedback" in everything and "Question 5 of 5" in everything
    assert engine.mocks.load(str(user.id)) is None
    assert len(h.bot.state.recent_answers(user.id, limit=20)) == 5


async def test_mock_started_by_slash_command_continues_in_dms(h):
    """/mock start DMs the first question; the DM answer is graded; "stop" ends it with a summary."""
    user = h.user()
    await h.reply(await h.command("mock start", user=user))
    first = await h.bot_message(h.fake.dm_channel_for(user), lambda m: "Question 1 of 5" in m["content"])
    assert first
    question = h.bot.services.quiz_maker.question(h.bot.engine.mocks.load(str(user.id)).current)
    graded = await h.dm(user, strong_answer(question))
    assert "Feedback" in text_of(graded)
    stopped = await h.dm(user, "stop")
    assert "Mock interview stopped" in text_of(stopped)


async def test_long_replies_are_split_without_breaking_code_blocks(h, monkeypatch):
    """A 7,000-character reply with a long code block arrives as several ≤ 2,000-character messages,
    each with balanced ``` fences; the buttons are on the last one."""
    code = "```python\n" + "\n".join(f"loss_{i} = criterion(model(x_{i}), y_{i})" for i in range(120)) + "\n```"
    prose = "\n\n".join(f"Paragraph {i}: " + "gradient descent " * 20 for i in range(10))
    long_text = f"{prose}\n\n{code}\n\nDone."
    assert len(long_text) > 3 * MESSAGE_LIMIT
    monkeypatch.setattr(ConversationEngine, "handle", lambda *a, **k: Reply(long_text, "answer"))
    user = h.user()
    messages = await h.dm(user, "explain it at length")
    assert len(messages) >= 4
    assert all(len(m["content"]) <= MESSAGE_LIMIT for m in messages)
    assert all(m["content"].count("```") % 2 == 0 for m in messages)
    assert [m for m in messages if m["components"]] == [messages[-1]]
    assert messages[-1]["content"].endswith("Done.")
    sent = h.fake.requests_matching("POST", rf"/channels/{h.fake.dm_channel_for(user).id}/messages")
    assert sent and all(r.json["allowed_mentions"] == NO_MENTIONS for r in sent)


async def test_everyone_in_a_reply_pings_nobody(h, monkeypatch):
    """Even a reply that contains @everyone and a user mention is sent with allowed_mentions none."""
    monkeypatch.setattr(ConversationEngine, "handle", lambda *a, **k: Reply(f"@everyone look, <@{h.admin.id}>!", "info"))
    user = h.user()
    (message,) = await h.dm(user, "ping everyone please")
    request = h.fake.requests_matching("POST", rf"/channels/{message['channel_id']}/messages")[-1]
    assert request.json["allowed_mentions"] == NO_MENTIONS


async def test_other_bots_are_ignored(h):
    """A DM from another bot gets no reply."""
    robot = h.fake.add_user("robot", bot=True)
    sent = await h.fake.send_dm(robot, "what does the PhD one pay?")
    await h.handled(sent)
    assert h.fake.messages_in(h.fake.dm_channel_for(robot)) == []


async def test_dm_rate_limit_says_when_to_retry(h, monkeypatch):
    """Past the per-minute allowance a DM gets a short refusal naming when to retry."""
    monkeypatch.setattr(ConversationEngine, "handle", lambda *a, **k: Reply("ok", "info"))
    monkeypatch.setattr(h.bot.limiter, "clock", lambda: 1000.0)  # no refill while the test runs
    user = h.user()
    for _ in range(h.bot.settings.rate_limit_per_minute):
        assert text_of(await h.dm(user, "hi")) == "ok"
    refused = await h.dm(user, "hi again")
    assert text_of(refused) == "You're going a little fast. Try again in 2 seconds."  # 60 s / 30 per minute
