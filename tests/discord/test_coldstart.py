"""The bot identifies before its services are built; what arrives meanwhile is acknowledged in time
and answered once they are ready; a failed build closes the bot with the error."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.core.errors import KnowledgeBaseUnavailable
from bot.core.services import Services
from bot.discord_app.bot import PrepBot
from bot.discord_app.startup import ACK_GRACE
from tests.discord.harness import ACK_DEADLINE, APP_ID, BOT_ID, TOKEN, make_services, make_settings
from tests.fakediscord import FakeDiscord, running_bot

pytestmark = pytest.mark.asyncio(loop_scope="module")
DEFERRED = 5


@pytest.fixture
def slow_build(monkeypatch):
    """Services.warm_up blocks until the test releases it, so the start-up window is as long as needed."""
    release = threading.Event()
    started = threading.Event()
    real_build = Services.warm_up

    def build(services):
        started.set()
        if not release.wait(60):
            raise TimeoutError("the test never released the build")
        return real_build(services)

    monkeypatch.setattr(Services, "warm_up", build)
    yield started, release
    release.set()


async def test_identified_before_the_services_and_answers_after(seeded_index, tmp_path, slow_build):
    started, release = slow_build
    fake = FakeDiscord(bot_user_id=BOT_ID, application_id=APP_ID, token=TOKEN)
    guild = fake.add_guild(name="Prep Guild")
    channel = fake.add_text_channel(guild, name="general")
    user = fake.add_user("ada")
    fake.add_member(guild, user)
    await fake.start()
    bot = PrepBot(make_services(make_settings(tmp_path / "data"), seeded_index), guild_ready_timeout=0.05)
    try:
        async with running_bot(bot, fake, timeout=60):
            assert fake.identifies and await asyncio.to_thread(started.wait, 10)
            assert not bot.services_ready and not bot.startup.ready.is_set()  # connected while the build waits
            asked = await fake.send_slash_command("ask", {"question": "Which roles require a PhD?"}, user=user,
                                                  channel=channel)
            await fake.send_dm(user, "what does the e-commerce role pay?")
            callback = await fake.wait_for_interaction_response(asked, timeout=ACK_DEADLINE + 1)
            assert callback.accepted and ACK_GRACE <= callback.latency < ACK_DEADLINE
            assert callback.type == DEFERRED and callback.ephemeral  # deferred privately while starting
            dm = fake.dm_channel_for(user)
            assert not [m for m in fake.messages_in(dm) if int(m["author"]["id"]) == BOT_ID]  # held, not dropped
            release.set()
            answer = await fake.wait_for_response_message(asked, timeout=30)
            assert answer["embeds"]
            await bot.startup.wait()
            reply = await fake.wait_for_bot_message(dm, timeout=30)
            assert reply["content"] or reply["embeds"]
            assert not fake.errors, fake.describe()
    finally:
        await fake.stop()


async def test_a_failed_build_closes_the_bot_with_the_error(seeded_index, tmp_path, monkeypatch):
    def broken(services):
        raise KnowledgeBaseUnavailable("The knowledge base at /nowhere cannot be read (test).")

    monkeypatch.setattr(Services, "warm_up", broken)
    fake = FakeDiscord(bot_user_id=BOT_ID, application_id=APP_ID, token=TOKEN)
    await fake.start()
    bot = PrepBot(make_services(make_settings(tmp_path / "data"), seeded_index), guild_ready_timeout=0.05)
    try:
        await asyncio.wait_for(bot.start(TOKEN), 30)  # returns once the failed build has closed the bot
        assert bot.is_closed()
        assert isinstance(bot.startup.error, KnowledgeBaseUnavailable)
    finally:
        if not bot.is_closed():
            await bot.close()
        await fake.stop()
