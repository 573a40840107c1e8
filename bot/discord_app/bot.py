"""`PrepBot`: the one bot subclass. It holds the `Services` (index, answers, state, practice engine),
the rate limiter and the command sync; cogs only use them.

Features register themselves from their extension's `setup` (the buttons in exts/buttons.py, the
daily-question scheduler in exts/studygroups.py), so this module imports none of them: the bot
depends on nothing that depends on it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app.errors import RateLimited, report_interaction_error
from bot.discord_app.ratelimit import RateLimiter
from bot.discord_app.startup import Startup, preimport
from bot.discord_app.sync import CommandSync

if TYPE_CHECKING:
    from bot.core.conversation import ConversationEngine
    from bot.core.services import Services
    from bot.core.state import StateStore

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
EXTENSIONS = (
    "bot.discord_app.exts.knowledge",
    "bot.discord_app.exts.practice",
    "bot.discord_app.exts.studygroups",
    "bot.discord_app.exts.postings",
    "bot.discord_app.exts.conversations",
    "bot.discord_app.exts.meta",
    "bot.discord_app.exts.fitplan",
    "bot.discord_app.exts.buttons",
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def intents() -> discord.Intents:
    """Guilds, guild messages, DMs and message content (for DM conversations and thread answers)."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    wanted.message_content = True
    return wanted


class PrepTree(app_commands.CommandTree["PrepBot"]):
    """Applies the per-user rate limit to commands and sends every command error to one handler."""

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.type is discord.InteractionType.application_command:
            wait = self.client.limiter.hit(interaction.user.id)
            if wait:
                raise RateLimited(wait)
            await self.client.startup.admit(interaction)  # services still loading: wait, or defer and wait
        return True

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        await report_interaction_error(self.client, interaction, error)


class PrepBot(commands.Bot):
    """prepbot on Discord. `services` are built lazily; `setup_hook` builds them in a thread."""

    def __init__(self, services: Services, *, clock: Clock = utc_now, extensions: Sequence[str] | None = None,
                 scheduler_interval: float = 30.0, sync_on_start: bool = True, warm_up: bool = True,
                 **options) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=intents(), help_command=None,
                         allowed_mentions=discord.AllowedMentions.none(), tree_cls=PrepTree, **options)
        self.services = services
        self.settings = services.settings
        self.clock = clock
        self.extension_names = tuple(EXTENSIONS if extensions is None else extensions)
        self.sync_on_start = sync_on_start
        self.warm_services = warm_up
        #: True once `Startup` has warmed up `services` (after connecting): cogs answer from then on.
        self.services_ready = False
        self.startup = Startup(self)  # warms up `services` after connecting (bot/discord_app/startup.py)
        self.limiter = RateLimiter(services.settings.rate_limit_per_minute)
        self.command_sync = CommandSync(self.tree, services.settings.data_dir, services.settings.discord_guild_id)
        self.scheduler_interval = scheduler_interval  # seconds between the study groups' and plan DMs' ticks
        self.scheduler: Any = None  # the daily-question scheduler, set by exts/studygroups.py
        self.error_listeners: list[Callable[[BaseException], None]] = []

    # ----- lifecycle ----------------------------------------------------------------------------
    async def setup_hook(self) -> None:
        """Nothing slow before connecting: `Startup` loads the features, syncs the commands and warms
        up the services while discord.py connects and identifies (bot/discord_app/startup.py)."""
        self.startup.begin()

    async def load_features(self) -> None:
        """Extensions (features, persistent buttons) and the command sync; run by `Startup` after connecting."""
        await asyncio.to_thread(preimport, self.extension_names)  # their imports off the event loop
        for name in self.extension_names:
            try:
                await self.load_extension(name)
            except Exception:  # noqa: BLE001 - one broken feature must not take the bot down
                log.exception("failed to load extension %s", name)
        if self.sync_on_start:
            try:
                await self.command_sync.sync()
            except discord.HTTPException as error:
                log.error("command sync failed (%s); the previous commands stay in place", error)

    def announce_services_ready(self) -> None:
        """The services are ready (Startup): cogs start what needs them (`on_services_ready`)."""
        self.dispatch("services_ready")

    def dispatch(self, event_name: str, /, *args, **kwargs) -> None:
        """Messages that arrive while the services warm up are dispatched once they are ready."""
        if self.startup.hold(event_name, args, kwargs):
            return
        super().dispatch(event_name, *args, **kwargs)

    async def close(self) -> None:
        self.startup.cancel()
        await super().close()
        if self.services_ready:
            await asyncio.to_thread(self.services.close)

    async def on_ready(self) -> None:
        log.info("logged in as %s (%s) in %d servers", self.user, self.user.id if self.user else "?", len(self.guilds))

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: the cogs' listeners handle messages."""

    # ----- shards --------------------------------------------------------------------------------
    def owns_guild(self, guild_id: int | str) -> bool:
        """Whether this process runs the shard of `guild_id` (Discord's `(guild_id >> 22) % shard_count`).

        Unsharded (one process, `shard_count` None or 1) it owns every guild."""
        count = self.shard_count or 1
        if count <= 1:
            return True
        ids = getattr(self, "shard_ids", None)
        if ids is None:
            ids = [self.shard_id] if self.shard_id is not None else range(count)
        return (int(guild_id) >> 22) % count in ids

    # ----- what cogs use ------------------------------------------------------------------------
    def now(self) -> datetime:
        """The current UTC time (from the injectable clock, so tests can move it)."""
        return self.clock()

    @property
    def engine(self) -> ConversationEngine:
        """The conversation engine (once the services are ready)."""
        return self._ready_services().engine

    @property
    def state(self) -> StateStore:
        """The state store (once the services are ready)."""
        return self._ready_services().state

    def _ready_services(self) -> Services:
        if not self.services_ready:
            raise RuntimeError("the bot's services are not ready (Startup has not finished)")
        return self.services

    async def local_date(self, guild_id: int | None, now: datetime) -> date | None:
        """The guild's study-group calendar day at `now`, or None when it has no study group."""
        if guild_id is None:
            return None
        group = await asyncio.to_thread(self.state.get_studygroup, guild_id)
        return group.local_date(now) if group else None

    def is_rate_limited(self, user_id: int) -> float:
        """Seconds to wait before this user's next request (0.0: go ahead); counts as a request."""
        return self.limiter.hit(user_id)

    def notify_unexpected(self, error: BaseException) -> None:
        """Tell the listeners (tests) about a bug that was logged and hidden from the user."""
        for listener in self.error_listeners:
            listener(error)


class ShardedPrepBot(PrepBot, commands.AutoShardedBot):
    """PrepBot running some shards of the bot (`shard_ids` out of `shard_count`) in this process.

    Several processes with disjoint `shard_ids` share the load: Discord sends each guild's events
    to the shard `(guild_id >> 22) % shard_count`, and the daily-question scheduler only posts for
    guilds whose shard is here (`owns_guild`), with the database claim as the final guard.
    """


def make_bot(services: Services, *, shard_count: int | None = None, shard_ids: Sequence[int] | None = None,
             **options) -> PrepBot:
    """A `PrepBot`, or a `ShardedPrepBot` when a shard count is given."""
    if shard_count is None:
        return PrepBot(services, **options)
    return ShardedPrepBot(services, shard_count=shard_count,
                          shard_ids=list(shard_ids) if shard_ids is not None else None, **options)
