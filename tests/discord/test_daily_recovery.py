"""A restart never double-posts or skips a day: a process killed between claiming the daily question
and recording its thread leaves a claim without a thread. After the stale window (5 minutes) the
scheduler either posts (nothing in the channel) or finishes the post it finds (thread opened or found,
then recorded), never posting a second question. The loop is driven by hand on a simulated clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import discord
import pytest

pytestmark = pytest.mark.asyncio(loop_scope="module")
SCHEDULER_INTERVAL = 3600  # only the ticks the tests run

TOKYO_0900 = datetime(2026, 3, 2, 0, 0, 30, tzinfo=UTC)  # 09:00:30 on 2 March in Tokyo
DAY_ONE = date(2026, 3, 2)


class Killed(Exception):
    """Stands in for the process dying at that point."""


def posts_on(h, day: date) -> list[dict]:
    title = f"Daily question — {day.isoformat()}"
    return [m for m in h.fake.messages_in(h.study) if m["embeds"] and m["embeds"][0].get("title") == title]


async def at(h, moment: datetime) -> list[str]:
    h.clock.now = moment
    return await h.bot.scheduler.tick()


async def setup_day(h, day_offset: int) -> tuple[datetime, date]:
    """Enable the study group and claim the day, as the crashed process did; returns (09:00, date)."""
    start, day = TOKYO_0900 + timedelta(days=day_offset), DAY_ONE + timedelta(days=day_offset)
    h.clock.now = start
    state = h.bot.state
    await asyncio.to_thread(state.set_studygroup, h.guild.id, h.study.id, "09:00", "Asia/Tokyo")
    assert await asyncio.to_thread(state.claim_daily_post, h.guild.id, day, now=start)
    return start, day


async def test_a_claim_never_posted_is_taken_over_after_the_stale_window(h):
    """Claimed, then killed before posting: nothing while the claim is fresh, then exactly one post."""
    start, day = await setup_day(h, 0)
    guild = str(h.guild.id)
    assert await at(h, start) == []
    assert await at(h, start + timedelta(minutes=4)) == []  # might still be posting: wait
    assert posts_on(h, day) == []
    assert await at(h, start + timedelta(minutes=6)) == [guild]
    [post] = posts_on(h, day)
    record = h.bot.state.get_daily_post(h.guild.id, day)
    assert record.thread_id == post["id"] and record.question_id  # a message's thread has its id
    assert post["embeds"][0]["footer"]["text"].endswith(record.question_id)
    assert await at(h, start + timedelta(minutes=7)) == []
    assert await at(h, start + timedelta(hours=3)) == []
    assert len(posts_on(h, day)) == 1


async def test_a_post_whose_thread_was_not_recorded_is_finished_not_reposted(h, monkeypatch):
    """Killed after posting and opening the thread, before recording it: the thread is recorded."""
    start, day = await setup_day(h, 1)
    group = h.bot.state.get_studygroup(h.guild.id)

    def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(h.bot.state, "set_daily_thread", killed)
    with pytest.raises(Killed):
        await h.bot.scheduler.post(group, day, start)
    monkeypatch.undo()
    [post] = posts_on(h, day)
    assert h.bot.state.get_daily_post(h.guild.id, day).thread_id is None
    assert await at(h, start + timedelta(minutes=2)) == []
    assert h.bot.state.get_daily_post(h.guild.id, day).thread_id is None  # fresh claim: left alone
    assert await at(h, start + timedelta(minutes=6)) == []  # finished, not posted again
    record = h.bot.state.get_daily_post(h.guild.id, day)
    assert record.thread_id == post["id"]
    assert post["embeds"][0]["footer"]["text"].endswith(record.question_id)
    assert await at(h, start + timedelta(hours=1)) == []
    assert [m["id"] for m in posts_on(h, day)] == [post["id"]]
    assert len(h.fake.requests_matching("POST", rf"/channels/{h.study.id}/messages/{post['id']}/threads")) == 1


async def test_a_post_without_its_thread_gets_the_thread_and_no_second_post(h, monkeypatch):
    """Killed after posting, before opening the thread: the thread is opened on that post and recorded."""
    start, day = await setup_day(h, 2)
    group = h.bot.state.get_studygroup(h.guild.id)

    async def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(discord.Message, "create_thread", killed)
    with pytest.raises(Killed):
        await h.bot.scheduler.post(group, day, start)
    monkeypatch.undo()
    [post] = posts_on(h, day)
    assert await at(h, start + timedelta(minutes=6)) == []
    record = h.bot.state.get_daily_post(h.guild.id, day)
    assert record.thread_id == post["id"] and int(record.thread_id) in h.fake.channels
    assert h.fake.channels[int(record.thread_id)].name.startswith(day.isoformat())
    assert await at(h, start + timedelta(hours=1)) == []
    assert [m["id"] for m in posts_on(h, day)] == [post["id"]]
