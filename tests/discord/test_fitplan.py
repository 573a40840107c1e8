"""/fit, /plan, /forget, /progress's chart, the DM resume flow and the daily plan DM, end to end
through the fake Discord."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.discord.harness import is_ephemeral

pytestmark = pytest.mark.asyncio(loop_scope="module")

RESUMES = Path(__file__).resolve().parents[1] / "fixtures" / "fit" / "resumes"
ROLE = "e-commerce"
PNG = b"\x89PNG\r\n\x1a\n"


def resume(name: str) -> tuple[str, bytes]:
    return name, (RESUMES / name).read_bytes()


async def dm_with(h, user, text: str, attachments=()) -> list[dict]:
    """DM the bot with files; wait until it has handled the DM, then return its replies."""
    channel = h.fake.dm_channel_for(user)
    before = len(h.fake.messages_in(channel))
    sent = await h.fake.send_dm(user, text, attachments=attachments)
    await h.handled(sent, 30)
    return h.fake.messages_in(channel)[before:]


def _attachment(h, message: dict, name: str) -> bytes:
    found = [a for a in message.get("attachments", []) if a["filename"] == name]
    assert found, message.get("attachments")
    return h.fake.attachment_bytes(found[0])


async def test_fit_with_an_uploaded_resume_is_private_and_keeps_nothing_by_default(h):
    user = h.user()
    interaction = await h.command("fit", {"role": ROLE, "resume": resume("r04_sam_ortiz.docx")}, user=user)
    reply = await h.reply(interaction, timeout=30)
    assert is_ephemeral(reply)
    embed = reply["embeds"][0]
    assert embed["title"].startswith("Fit · ")
    assert embed["description"].startswith("**minimum: ")
    assert "✅" in embed["description"] or "🟡" in embed["description"] or "❌" in embed["description"]
    assert any(f["name"].startswith("Added to your reviews") for f in embed.get("fields", []))
    state = h.bot.state
    assert 0 < len(state.card_ids(user.id)) <= 5
    assert state.kept_resume(user.id) is None  # dropped unless the user keeps it


async def test_keep_my_resume_button_stores_it_and_fit_reuses_it(h):
    user = h.user()
    reply = await h.reply(await h.command("fit", {"role": ROLE, "resume": resume("r01_maya_chen.md")}, user=user),
                          timeout=30)
    kept = await h.followup(await h.click(reply, label="Keep my resume", user=user))
    assert is_ephemeral(kept) and kept["content"].startswith("Kept.")
    stored = h.bot.state.kept_resume(user.id)
    assert stored is not None and "Tidewater Books" in stored.text
    again = await h.reply(await h.command("fit", {"role": ROLE}, user=user), timeout=30)
    assert again["embeds"][0]["description"] == reply["embeds"][0]["description"]  # same resume, same result


async def test_unreadable_resumes_get_no_judgement(h):
    user = h.user()
    for name in ("scanned_resume.pdf", "empty.txt"):
        reply = await h.reply(await h.command("fit", {"role": ROLE, "resume": resume(name)}, user=user), timeout=30)
        assert is_ephemeral(reply) and reply["content"].startswith("I can't read this file"), reply
        assert not reply.get("embeds")
    assert h.bot.state.card_ids(user.id) == set()


async def test_wrong_file_type_is_refused_before_download(h, monkeypatch):
    import discord

    downloads = []
    real_read = discord.Attachment.read

    async def counting_read(self, *args, **kwargs):
        downloads.append(self.filename)
        return await real_read(self, *args, **kwargs)

    monkeypatch.setattr(discord.Attachment, "read", counting_read)
    user = h.user()
    reply = await h.reply(await h.command("fit", {"role": ROLE, "resume": ("resume.exe", b"MZ" * 100)}, user=user))
    assert "not a resume format" in reply["content"] and downloads == []
    reply = await h.reply(await h.command("fit", {"role": ROLE, "resume": resume("r01_maya_chen.md")}, user=user),
                          timeout=30)
    assert downloads == ["r01_maya_chen.md"]  # the same path does download an accepted file


async def test_plan_attaches_its_chart_and_remembers_the_timezone(h):
    user = h.user()
    h.clock.now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    try:
        interaction = await h.command("plan", {"role": ROLE, "date": "2026-06-15", "minutes": 20,
                                               "timezone": "Asia/Tokyo"}, user=user)
        reply = await h.reply(interaction, timeout=30)
    finally:
        h.clock.now = None
    assert is_ephemeral(reply)
    embed = reply["embeds"][0]
    assert embed["title"].startswith("Study plan · ") and "2026-06-15" in embed["description"]
    assert embed["image"]["url"] == "attachment://plan.png"
    assert _attachment(h, reply, "plan.png").startswith(PNG)
    assert h.bot.state.user_prefs(user.id).timezone == "Asia/Tokyo"
    saved = h.bot.state.saved_plan(user.id)
    assert saved is not None and saved.interview_date == date(2026, 6, 15) and saved.minutes == 20
    bad = await h.reply(await h.command("plan", {"role": ROLE, "date": "15/06/2026", "minutes": 20}, user=user))
    assert "YYYY-MM-DD" in bad["content"]


async def test_progress_attaches_a_chart(h):
    user = h.user()
    h.bot.state.add_new_cards(user.id, ["recsys-multi-stage-funnel"], datetime.now(UTC))
    reply = await h.reply(await h.command("progress", user=user), timeout=30)
    assert is_ephemeral(reply)
    assert reply["embeds"][0]["image"]["url"] == "attachment://progress.png"
    assert _attachment(h, reply, "progress.png").startswith(PNG)


async def test_forget_deletes_everything_after_confirmation(h):
    user = h.user()
    now = datetime.now(UTC)
    state = h.bot.state
    state.add_new_cards(user.id, ["recsys-multi-stage-funnel"], now)
    state.keep_resume(user.id, "cv.md", "Experience", now)
    state.save_plan(user.id, "some-role", date(2030, 1, 1), 20, {}, now)
    state.record_answer(user.id, h.guild.id, "recsys-multi-stage-funnel", "recsys", "an answer", 1, 3, now)
    other = h.user()
    state.add_new_cards(other.id, ["recsys-multi-stage-funnel"], now)
    asked = await h.reply(await h.command("forget", user=user))
    assert is_ephemeral(asked) and "cannot be undone" in asked["content"]
    assert state.card_ids(user.id)  # nothing goes before the button
    done = await h.followup(await h.click(asked, label="Delete everything", user=user))
    assert done["content"].startswith("Done: I deleted everything")
    assert state.card_ids(user.id) == set() and state.kept_resume(user.id) is None
    assert state.saved_plan(user.id) is None and state.recent_answers(user.id) == []
    assert state.card_ids(other.id) == {"recsys-multi-stage-funnel"}


async def test_dm_resume_flow_uses_the_target_role(h):
    user = h.user()
    no_role = await dm_with(h, user, "here's my resume", [resume("r01_maya_chen.md")])
    assert "Which role should I check your resume against?" in no_role[-1]["content"]
    role_id = next(p.role_id for p in h.bot.services.index.roles() if "e-commerce" in p.role_id.replace(
        "ecommerce", "e-commerce"))
    h.bot.state.set_target_role(user.id, role_id)
    replies = await dm_with(h, user, "here's my CV", [resume("r03_priya_nair.md")])
    embeds = [e for m in replies for e in m.get("embeds", [])]
    assert embeds and embeds[0]["title"].startswith("Fit · ")
    assert any(c["components"][0]["label"] == "Keep my resume" for m in replies for c in m.get("components", []))
    assert h.bot.state.kept_resume(user.id) is None


async def test_daily_plan_dm_at_local_time_once(h):
    user = h.user()
    h.clock.now = datetime(2026, 6, 1, 0, 30, tzinfo=UTC)  # 09:30 in Tokyo
    try:
        await h.reply(await h.command("plan", {"role": ROLE, "date": "2026-06-20", "minutes": 30,
                                               "timezone": "Asia/Tokyo", "daily_dm": True, "dm_time": "10:00"},
                                      user=user), timeout=30)
        cog = h.bot.get_cog("FitPlan")
        assert str(user.id) not in await cog.tick()  # 09:30 local: not yet
        h.clock.now = datetime(2026, 6, 1, 1, 5, tzinfo=UTC)  # 10:05 in Tokyo
        assert str(user.id) in await cog.tick()
        dm = await h.bot_message(h.fake.dm_channel_for(user))
        assert dm["content"].startswith("📅 **Today's plan** (2026-06-01, 19 days")
        assert str(user.id) not in await cog.tick()  # claimed: never twice, whichever process ticks
        assert not h.bot.state.claim_plan_dm(user.id, date(2026, 6, 1))
        h.clock.now += timedelta(days=1)
        assert str(user.id) in await cog.tick()  # the next local day
    finally:
        h.clock.now = None
