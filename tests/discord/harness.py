"""Run the real PrepBot against the fake Discord, and wait for what it does.

Every wait races the bot's error listener: an unexpected error in a command, a button, a DM or
the scheduler fails the test at once instead of after a timeout. Waits have generous deadlines
(30 s, here and in the fake Discord): a deadline only matters when something is already wrong, and a
busy machine must not fail a correct bot. Only the 3-second acknowledgement, a product rule, is timed.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.core.index import KnowledgeIndex
from bot.core.services import Services
from bot.discord_app.bot import PrepBot
from tests.fakediscord import ALL_PERMISSIONS, FakeChannel, FakeDiscord, FakeGuild, FakeInteraction, FakeUser
from tests.fakediscord.payloads import FLAG_EPHEMERAL

BOT_ID = 222_000_000_000_000_001
APP_ID = 222_000_000_000_000_002
TOKEN = "prepbot-test-token"
ACK_DEADLINE = 3.0
NO_MENTIONS = {"parse": []}


class Clock:
    """The bot's clock: real UTC time unless a test sets `now`."""

    def __init__(self) -> None:
        self.now: datetime | None = None

    def __call__(self) -> datetime:
        return self.now or datetime.now(UTC)


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    values = {"PREPBOT_DATA_DIR": str(data_dir), "DISCORD_TOKEN": TOKEN, "DISCORD_GUILD_ID": None,
              "PREPBOT_RATE_LIMIT_PER_MINUTE": 8, "LLM_PROVIDER": None, "DATABASE_URL": None, "CHROMA_URL": None}
    values.update(overrides)
    return Settings(**values)


def make_services(settings: Settings, index: KnowledgeIndex) -> Services:
    services = Services(settings)
    services.__dict__["index"] = index  # the test's prebuilt index instead of loading one
    return services


@dataclass
class Harness:
    fake: FakeDiscord
    bot: PrepBot
    clock: Clock
    guild: FakeGuild
    channel: FakeChannel
    study: FakeChannel
    admin: FakeUser
    errors: list[BaseException] = field(default_factory=list)
    allowed_rest_errors: list[str] = field(default_factory=list)  # path regexes a test expects to fail
    failed: asyncio.Event = field(default_factory=asyncio.Event)
    handled_messages: set[int] = field(default_factory=set)  # ids of DMs the bot has finished answering
    _users: int = 0

    async def on_message_handled(self, message: Any) -> None:
        self.handled_messages.add(message.id)

    async def handled(self, sent: dict[str, Any], timeout: float = 30.0) -> None:
        """Wait until the bot has finished with a message the fake Discord delivered (every reply sent)."""
        await self.eventually(lambda: int(sent["id"]) in self.handled_messages, timeout)

    async def scheduler_ticks(self, n: int = 2, timeout: float = 30.0) -> None:
        """Wait until the daily-question loop has run `n` more ticks."""
        target = self.bot.scheduler.ticks_done + n
        await self.eventually(lambda: self.bot.scheduler.ticks_done >= target, timeout)

    def record_error(self, error: BaseException) -> None:
        self.errors.append(error)
        self.failed.set()

    def user(self, name: str | None = None, *, permissions: int | None = None) -> FakeUser:
        """A new member of the guild (each test uses its own users, so rate limits don't collide)."""
        self._users += 1
        user = self.fake.add_user(name or f"user{self._users}")
        self.fake.add_member(self.guild, user, permissions=permissions)
        return user

    # ----- waiting, failing fast on bot errors --------------------------------------------------
    async def until(self, awaitable: Awaitable[Any], timeout: float = 30.0) -> Any:
        task = asyncio.ensure_future(awaitable)
        failed = asyncio.ensure_future(self.failed.wait())
        try:
            await asyncio.wait({task, failed}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            failed.cancel()
        if self.errors:
            task.cancel()
            raise AssertionError(f"the bot hit an unexpected error: {self.errors[0]!r}") from self.errors[0]
        if not task.done():
            task.cancel()
            raise TimeoutError(f"nothing within {timeout}s\n{self.fake.describe()}")
        return task.result()

    async def eventually(self, predicate, timeout: float = 30.0) -> Any:
        """Poll `predicate` (a plain function) until it returns something truthy."""
        async def poll() -> Any:
            while not (result := predicate()):
                await asyncio.sleep(0.02)
            return result

        return await self.until(poll(), timeout)

    async def command(self, name: str, options: dict[str, Any] | None = None, *, user: FakeUser,
                      channel: FakeChannel | None = None, dm: bool = False) -> FakeInteraction:
        """Send a slash command and wait until it is acknowledged (within Discord's 3 s)."""
        interaction = await self.fake.send_slash_command(name, options, user=user, dm=dm,
                                                         channel=None if dm else channel or self.channel)
        callback = await self.until(self.fake.wait_for_interaction_response(interaction, timeout=ACK_DEADLINE + 1))
        assert callback.accepted and callback.latency < ACK_DEADLINE, (name, callback.latency, callback.status)
        return interaction

    async def reply(self, interaction: FakeInteraction, timeout: float = 30.0) -> dict[str, Any]:
        """The interaction's visible answer (the response, or the followup filling a defer)."""
        return await self.until(self.fake.wait_for_response_message(interaction, timeout=timeout), timeout + 1)

    async def click(self, message: dict[str, Any], *, user: FakeUser, label: str | None = None,
                    custom_id: str | None = None) -> FakeInteraction:
        interaction = await self.fake.send_component_click(message, custom_id=custom_id, label=label, user=user)
        callback = await self.until(self.fake.wait_for_interaction_response(interaction, timeout=ACK_DEADLINE + 1))
        assert callback.accepted and callback.latency < ACK_DEADLINE, (label or custom_id, callback.latency)
        return interaction

    async def followup(self, interaction: FakeInteraction, index: int = 0, timeout: float = 30.0) -> dict[str, Any]:
        return await self.until(self.fake.wait_for_followup(interaction, timeout=timeout, index=index), timeout + 1)

    async def bot_message(self, channel: FakeChannel, predicate=None, *, since: float | None = None,
                          timeout: float = 30.0) -> dict[str, Any]:
        return await self.until(self.fake.wait_for_bot_message(channel, predicate=predicate, since=since,
                                                               timeout=timeout), timeout + 1)

    async def dm(self, user: FakeUser, text: str, *, timeout: float = 30.0) -> list[dict[str, Any]]:
        """DM the bot; wait until it has handled the DM (its `message_handled` event), then return its replies."""
        channel = self.fake.dm_channel_for(user)
        before = len(self.fake.messages_in(channel))
        sent = await self.fake.send_dm(user, text)
        await self.handled(sent, timeout)
        return self.fake.messages_in(channel)[before:]

    # ----- checks run after every test ----------------------------------------------------------
    def check_requests(self, since: float) -> None:
        """No REST errors; every interaction acknowledged in time; every message pings nobody."""
        assert self.errors == [], self.errors
        unexpected = [r for r in self.fake.errors if r.time >= since
                      and not any(re.fullmatch(rx, r.path) for rx in self.allowed_rest_errors)]
        assert unexpected == [], self.fake.describe()
        for interaction in self.fake.interactions.values():
            if interaction.dispatched_at >= since:
                assert interaction.ack_latency is not None and interaction.ack_latency < ACK_DEADLINE, interaction
        for request in self.fake.requests:
            if request.time >= since:
                check_mentions(request)


def check_mentions(request: Any) -> None:
    """A request that posts or edits message content must carry allowed_mentions: none."""
    body = request.json if isinstance(request.json, dict) else {}
    if request.path.endswith("/callback"):
        body = body.get("data") or {} if body.get("type") in (4, 7) else {}
    posts = request.method in ("POST", "PATCH") and (
        "/messages" in request.path or "/webhooks/" in request.path or request.path.endswith("/callback"))
    if posts and (body.get("content") or body.get("embeds")):
        assert body.get("allowed_mentions") == NO_MENTIONS, (request, body.get("allowed_mentions"))


def is_ephemeral(message: dict[str, Any]) -> bool:
    return bool(int(message.get("flags") or 0) & FLAG_EPHEMERAL)


@contextlib.asynccontextmanager
async def running_prepbot(services: Services, *, clock: Clock | None = None, scheduler_interval: float = 30.0,
                          fake: FakeDiscord | None = None, extensions: tuple[str, ...] | None = None
                          ) -> AsyncIterator[Harness]:
    """A fake Discord with one guild (#general, #study, an admin with every permission), and PrepBot
    running against it."""
    from tests.fakediscord import running_bot

    fake = fake or FakeDiscord(bot_user_id=BOT_ID, application_id=APP_ID, token=TOKEN)
    guild = fake.add_guild(name="Prep Guild")
    channel = fake.add_text_channel(guild, name="general")
    study = fake.add_text_channel(guild, name="study")
    admin = fake.add_user("admin")
    fake.add_member(guild, admin, permissions=ALL_PERMISSIONS)
    clock = clock or Clock()
    await fake.start()
    bot = PrepBot(services, clock=clock, scheduler_interval=scheduler_interval, extensions=extensions,
                  guild_ready_timeout=0.05)
    harness = Harness(fake, bot, clock, guild, channel, study, admin)
    bot.error_listeners.append(harness.record_error)
    bot.add_listener(harness.on_message_handled, "on_message_handled")
    try:
        async with running_bot(bot, fake, timeout=60):
            await harness.until(bot.startup.wait(), 60)  # connected first; the services load after
            yield harness
    finally:
        await fake.stop()


def monotonic() -> float:
    return time.monotonic()
