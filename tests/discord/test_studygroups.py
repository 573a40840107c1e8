"""Study groups end to end, on a simulated clock: setup (and the permission it needs), the daily
question at 09:00 Asia/Tokyo, answers graded in its thread, key points behind spoilers, streaks and
leaderboards, questions asked by mentioning the bot, and switching it off."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.discord.harness import is_ephemeral

pytestmark = pytest.mark.asyncio(loop_scope="module")
SCHEDULER_INTERVAL = 0.05
SETTINGS = {"PREPBOT_RATE_LIMIT_PER_MINUTE": 30}

TOKYO_0830 = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 08:30 on 2 March in Tokyo, already 23:30 in UTC
TOKYO_0900 = datetime(2026, 3, 2, 0, 0, 30, tzinfo=UTC)  # 09:00:30 on 2 March in Tokyo
DAY_ONE = date(2026, 3, 2)


def daily_posts(h) -> list[dict]:
    return [m for m in h.fake.messages_in(h.study) if m["embeds"] and "Daily question" in m["embeds"][0]["title"]]


async def ticks(h, n: int = 5) -> None:
    """Wait until the scheduler loop has looked `n` more times."""
    await h.scheduler_ticks(n)
    assert h.errors == []


async def answer_daily(h, user, day: date, text: str) -> dict:
    """Post `text` in the day's thread and return the bot's feedback reply to it."""
    post = h.bot.state.get_daily_post(h.guild.id, day)
    thread = h.fake.channels[int(post.thread_id)]
    sent = await h.fake.send_message(thread, user, text)
    return await h.bot_message(thread, lambda m: (m.get("message_reference") or {}).get("message_id") == sent["id"])


async def test_setup_needs_manage_server(h):
    """A member without Manage Server is refused, privately, and nothing is stored."""
    h.clock.now = TOKYO_0830
    member = h.user()
    interaction = await h.command("studygroup setup", {"channel": h.study, "time": "09:00",
                                                       "timezone": "Asia/Tokyo"}, user=member)
    refusal = await h.reply(interaction)
    assert is_ephemeral(refusal)
    assert refusal["content"] == "You need the Manage Server permission to use this command."
    assert h.bot.state.get_studygroup(h.guild.id) is None


async def test_setup_rejects_a_bad_time_or_timezone(h):
    """A time that is not HH:MM or an unknown timezone comes back as a short private message."""
    bad_time = await h.reply(await h.command(
        "studygroup setup", {"channel": h.study, "time": "25:00", "timezone": "Asia/Tokyo"}, user=h.admin))
    assert is_ephemeral(bad_time) and "HH:MM" in bad_time["content"]
    bad_zone = await h.reply(await h.command(
        "studygroup setup", {"channel": h.study, "time": "09:00", "timezone": "Mars/Olympus"}, user=h.admin))
    assert is_ephemeral(bad_zone) and "timezone" in bad_zone["content"]
    assert h.bot.state.get_studygroup(h.guild.id) is None


async def test_daily_question_is_posted_at_the_local_time_in_its_own_thread(h):
    """Set up for 09:00 Asia/Tokyo: nothing at 08:30 Tokyo time (23:30 UTC); at 09:00 one post with a
    thread and a key-points button, exactly once however many times the loop ticks."""
    h.clock.now = TOKYO_0830
    setup = await h.reply(await h.command(
        "studygroup setup", {"channel": h.study, "time": "09:00", "timezone": "asia/tokyo"}, user=h.admin))
    assert "**09:00** (Asia/Tokyo)" in setup["content"]
    assert f"<t:{int(datetime(2026, 3, 2, 0, 0, tzinfo=UTC).timestamp())}:F>" in setup["content"]
    await ticks(h)
    assert daily_posts(h) == []
    h.clock.now = TOKYO_0900
    post = await h.bot_message(h.study, lambda m: bool(m["embeds"]))
    assert post["embeds"][0]["title"] == "Daily question — 2026-03-02"
    assert [c["label"] for c in post["components"][0]["components"]] == ["Show key points"]
    thread_request = await h.fake.wait_for_request("POST", rf"/channels/{h.study.id}/messages/{post['id']}/threads")
    record = await h.eventually(lambda: (r := h.bot.state.get_daily_post(h.guild.id, DAY_ONE)) and r.thread_id and r)
    assert record.thread_id == str(thread_request.response["id"]) and record.question_id
    assert h.fake.channels[int(record.thread_id)].name.startswith("2026-03-02")
    await ticks(h, 10)
    assert len(daily_posts(h)) == 1


async def test_key_points_are_revealed_behind_spoilers(h):
    """"Show key points" answers privately with every key point inside ||spoilers||."""
    post = daily_posts(h)[0]
    click = await h.click(post, label="Show key points", user=h.user())
    reveal = await h.reply(click)
    record = h.bot.state.get_daily_post(h.guild.id, DAY_ONE)
    question = h.bot.services.quiz_maker.question(record.question_id)
    assert is_ephemeral(reveal)
    for point in question.key_points:
        assert f"||{point}||" in reveal["content"]


async def test_answers_in_the_thread_get_feedback_and_start_a_streak(h):
    """An answer in the day's thread is graded there (feedback embed, streak, rating buttons) and
    recorded for the guild on the guild's local date."""
    ada = h.user("ada")
    h.ada = ada
    record = h.bot.state.get_daily_post(h.guild.id, DAY_ONE)
    question = h.bot.services.quiz_maker.question(record.question_id)
    feedback = await answer_daily(h, ada, DAY_ONE, " ".join(question.key_points))
    embed = feedback["embeds"][0]
    assert embed["title"].startswith("Feedback — ")
    assert embed["footer"]["text"].startswith("🔥 1-day streak")
    assert [c["label"] for c in feedback["components"][0]["components"]] == ["Again", "Hard", "Good", "Easy"]
    stored = h.bot.state.recent_answers(ada.id)[0]
    assert (stored.guild_id, stored.local_date, stored.question_id) == (str(h.guild.id), DAY_ONE, question.id)


async def test_streaks_and_weekly_and_all_time_leaderboards(h):
    """Answering on consecutive local days builds a streak; /leaderboard show ranks by answer quality
    (week and all time, a minimum of answers to appear) and shows streaks; /leaderboard hide opts out."""
    ada, bob = h.ada, h.user("bob")
    h.clock.now = TOKYO_0900 + timedelta(days=1)
    day_two = DAY_ONE + timedelta(days=1)
    await h.eventually(lambda: (r := h.bot.state.get_daily_post(h.guild.id, day_two)) and r.thread_id)
    assert "2026-03-03" in daily_posts(h)[-1]["embeds"][0]["title"]
    feedback = await answer_daily(h, ada, day_two, "I would compare the options and measure the impact")
    assert feedback["embeds"][0]["footer"]["text"].startswith("🔥 2-day streak")
    await answer_daily(h, bob, day_two, "some answer")
    assert h.bot.state.streak(h.guild.id, ada.id, day_two) == 2
    assert h.bot.state.streak(h.guild.id, bob.id, day_two) == 1
    week = await h.reply(await h.command("leaderboard show", user=bob))
    lines = week["embeds"][0]["description"].splitlines()
    assert week["embeds"][0]["title"] == "Leaderboard — this week"
    # ranked by answer quality; bob's single answer is below the two-answer minimum
    assert re.fullmatch(rf"\*\*1\.\*\* <@{ada.id}> — \d+% of key points · 2 answers · 🔥 2", lines[0]), lines
    assert len(lines) == 1
    assert week["mentions"] == []  # names in an embed ping nobody
    h.clock.now = TOKYO_0900 + timedelta(days=9)  # a week later: the week is empty, all time is not
    week_later = await h.reply(await h.command("leaderboard show", {"period": "week"}, user=bob))
    assert "No answers yet" in week_later["embeds"][0]["description"]
    all_time = await h.reply(await h.command("leaderboard show", {"period": "all"}, user=bob))
    assert re.fullmatch(rf"\*\*1\.\*\* <@{ada.id}> — \d+% of key points · 2 answers",
                        all_time["embeds"][0]["description"].splitlines()[0])
    hidden = await h.reply(await h.command("leaderboard hide", user=ada))
    assert is_ephemeral(hidden) and hidden["content"].startswith("You're off this server's leaderboard")
    all_time = await h.reply(await h.command("leaderboard show", {"period": "all"}, user=bob))
    assert f"<@{ada.id}>" not in all_time["embeds"][0]["description"]
    await h.reply(await h.command("leaderboard hide", {"hidden": False}, user=ada))


async def test_mentioning_the_bot_in_the_study_channel_opens_a_thread(h):
    """A mention in the study-group channel is answered in a new thread; a follow-up there needs no
    mention; a mention elsewhere is not answered."""
    user = h.user()
    asked = await h.fake.send_message(h.study, user, "what does the PhD one pay?", mention_bot=True)
    thread_request = await h.fake.wait_for_request("POST", rf"/channels/{h.study.id}/messages/{asked['id']}/threads")
    thread = h.fake.channels[int(thread_request.response["id"])]
    assert thread.name == "what does the PhD one pay?"
    answer = await h.bot_message(thread)
    assert "$57" in answer["content"] and "$60" in answer["content"]
    assert h.bot.state.is_bot_thread(thread.id)
    since = h.fake.requests[-1].time
    await h.fake.send_message(thread, user, "and where is it?")
    where = await h.bot_message(thread, lambda m: "Seattle" in m["content"], since=since)
    assert "Los Angeles" in where["content"]
    before = len(h.fake.messages_in(h.channel))
    sent = await h.fake.send_message(h.channel, user, "what does the PhD one pay?", mention_bot=True)
    await h.handled(sent)
    assert h.fake.requests_matching("POST", rf"/channels/{h.channel.id}/messages/\d+/threads") == []
    assert len(h.fake.messages_in(h.channel)) == before


async def test_other_bots_are_ignored_in_threads(h):
    """Another bot answering in the daily thread gets no feedback."""
    robot = h.fake.add_user("robot", bot=True)
    h.fake.add_member(h.guild, robot)
    post = h.bot.state.get_daily_post(h.guild.id, DAY_ONE)
    thread = h.fake.channels[int(post.thread_id)]
    before = len(h.fake.messages_in(thread))
    sent = await h.fake.send_message(thread, robot, "beep boop")
    await h.handled(sent)
    assert len(h.fake.messages_in(thread)) == before


async def test_studygroup_off_stops_the_daily_question(h):
    """/studygroup off stops the posts (the next day passes without one)."""
    reply = await h.reply(await h.command("studygroup off", user=h.admin))
    assert "off" in reply["content"]
    posts = len(daily_posts(h))
    h.clock.now = TOKYO_0900 + timedelta(days=20)
    await ticks(h, 10)
    assert len(daily_posts(h)) == posts
    again = await h.reply(await h.command("studygroup off", user=h.admin))
    assert "no active study group" in again["content"]
