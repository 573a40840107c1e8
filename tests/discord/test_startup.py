"""Starting, restarting and syncing the bot; `prepbot run` and `prepbot sync` from the command line."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest

from bot.cli import main
from bot.cli_discord import sync_commands
from bot.discord_app.bot import EXTENSIONS
from tests.discord.harness import APP_ID, BOT_ID, TOKEN, Clock, make_services, make_settings, running_prepbot
from tests.fakediscord import FakeDiscord

pytestmark = pytest.mark.asyncio(loop_scope="module")
GLOBAL_SYNC = rf"/applications/{APP_ID}/commands"


def global_syncs(fake: FakeDiscord) -> int:
    return len(fake.requests_matching("PUT", GLOBAL_SYNC))


@pytest.fixture
def services(seeded_index, tmp_path):
    return make_services(make_settings(tmp_path / "data"), seeded_index)


async def test_sync_only_when_the_command_tree_changed(services):
    """The first start syncs; a restart with the same commands does not; a changed tree syncs again."""
    async with running_prepbot(services) as first:
        assert global_syncs(first.fake) == 1
    async with running_prepbot(services) as second:
        assert global_syncs(second.fake) == 0
        assert (await second.reply(await second.command("help", user=second.user())))["embeds"]
    async with running_prepbot(services, extensions=(*EXTENSIONS, "tests.discord.extra_ext")) as third:
        assert global_syncs(third.fake) == 1
        assert "ping" in {c["name"] for c in third.fake.registered_commands()}


async def test_guild_sync_when_a_development_guild_is_set(seeded_index, tmp_path):
    """With DISCORD_GUILD_ID set, the commands are synced to that guild only."""
    fake = FakeDiscord(bot_user_id=BOT_ID, application_id=APP_ID, token=TOKEN)
    guild_id = fake.snowflake()
    services = make_services(make_settings(tmp_path, DISCORD_GUILD_ID=guild_id), seeded_index)
    fake.add_guild("Dev Guild", id=guild_id)
    async with running_prepbot(services, fake=fake) as h:
        assert global_syncs(h.fake) == 0
        assert h.fake.requests_matching("PUT", rf"/applications/{APP_ID}/guilds/{guild_id}/commands")
        assert "ask" in {c["name"] for c in h.fake.registered_commands(guild_id)}


async def test_prepbot_sync_always_syncs(services):
    """`prepbot sync` logs in over REST only and syncs even when nothing changed."""
    async with running_prepbot(services) as h:
        assert global_syncs(h.fake) == 1
        count = await sync_commands(services, TOKEN)
        assert count == len(h.fake.registered_commands()) == len(h.bot.tree.get_commands())
        assert global_syncs(h.fake) == 2


async def test_a_broken_extension_is_logged_and_skipped(services, caplog):
    """An extension that fails to load is logged; the bot starts and the other commands work."""
    with caplog.at_level(logging.ERROR):
        async with running_prepbot(services, extensions=("tests.discord.broken_ext", *EXTENSIONS)) as h:
            message = await h.reply(await h.command("help", user=h.user()))
            assert message["embeds"]
    assert any("tests.discord.broken_ext" in r.getMessage() for r in caplog.records)


async def test_mock_interview_and_daily_claim_survive_a_restart(services):
    """A mock interview started before a restart is graded after it; the day's question is not
    posted twice by the restarted bot."""
    clock = Clock()
    clock.now = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
    async with running_prepbot(services, clock=clock, scheduler_interval=0.05) as h:
        user = h.user()
        await h.reply(await h.command("mock start", user=user))
        await h.reply(await h.command("studygroup setup", {"channel": h.study, "time": "08:00", "timezone": "UTC"},
                                      user=h.admin))
        await h.eventually(lambda: h.bot.state.get_daily_post(h.guild.id, clock.now.date()))
        question = h.bot.services.quiz_maker.question(h.bot.engine.mocks.load(str(user.id)).current)
    async with running_prepbot(services, clock=clock, scheduler_interval=0.05) as again:
        again_user = again.fake.add_user("same-user", id=user.id)
        graded = await again.dm(again_user, " ".join(question.key_points))
        assert "Feedback" in graded[0]["content"]
        await again.scheduler_ticks(3)  # the loop looked again, and found the day's question already posted
        assert again.fake.requests_matching("POST", rf"/channels/{again.study.id}/messages") == []


async def test_prepbot_run_without_a_token_is_one_line(monkeypatch, capsys, tmp_path):
    """No DISCORD_TOKEN: exit status 1 and a single line on stderr, no traceback."""
    monkeypatch.setenv("DISCORD_TOKEN", "")
    monkeypatch.setenv("PREPBOT_DATA_DIR", str(tmp_path))
    assert main(["run"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: DISCORD_TOKEN is not set") and "\n" not in err


async def test_prepbot_run_with_a_rejected_token_is_one_line(monkeypatch, capsys, tmp_path):
    """A token Discord rejects (401 on login): exit status 1, one line, no traceback, nothing built."""
    fake = FakeDiscord(bot_user_id=BOT_ID, application_id=APP_ID, token=TOKEN)
    await fake.start()
    try:
        monkeypatch.setenv("DISCORD_TOKEN", "not-the-token")
        monkeypatch.setenv("PREPBOT_DATA_DIR", str(tmp_path))
        status = await asyncio.to_thread(main, ["run"])
    finally:
        await fake.stop()
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 1
    assert err[-1] == ("error: Discord rejected DISCORD_TOKEN: check the bot token in the developer portal "
                       "(Bot → Reset Token).")
    assert not any("Traceback" in line for line in err)
    assert fake.requests_matching("GET", "/users/@me") and not fake.requests_matching("PUT", GLOBAL_SYNC)
