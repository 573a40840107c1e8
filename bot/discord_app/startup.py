"""Connect first, load the rest after: what arrives meanwhile waits for it.

The extensions (importing most of bot.core) and `Services.warm_up` (the index, the embedding model,
the state database, the practice engine) take seconds of CPU. Run in `setup_hook`, before
connecting, they kept the bot offline for all of them; here they run once `setup_hook` returns,
while discord.py connects and identifies: the extension modules are imported and the services are
warmed up in worker threads, then the extensions load and the command tree is synced. Until all of
that is ready:
- a slash command or a button waits up to ACK_GRACE for it; if it is still not ready the
  interaction is deferred (Discord wants an answer within 3 s) and answered once it is. The
  deferral is ephemeral, so nothing meant to be private is ever shown publicly; the cost is that
  a public answer given during start-up is visible to its asker only;
- a message (DMs, study-group threads) is held and dispatched once it is ready;
- autocomplete offers nothing, and the daily-question scheduler starts once it is ready.
If the build fails, the bot closes and `prepbot run` reports the error, as it did when the
build ran before connecting.
"""

from __future__ import annotations

import asyncio
import ctypes
import importlib
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

import discord

if TYPE_CHECKING:
    from bot.core.services import Services

log = logging.getLogger(__name__)
ACK_GRACE = 1.5  # seconds an interaction may wait for the services before it is deferred (Discord allows 3)
HELD_EVENTS = ("message",)  # gateway events whose listeners need the services and need no quick acknowledgement
RETRY_BUTTON = "prepbot was still starting up; press the button again."


def release_free_memory() -> None:
    """Give the heap that loading freed back to the system (glibc keeps it otherwise): warming up
    parses JSON, YAML and the model, and the bot then runs for weeks at its steady size."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to do
        pass


def warm_up(services: Any) -> None:
    """`Services.warm_up`, then the memory it freed goes back to the system. Blocking."""
    services.warm_up()
    release_free_memory()


def preimport(modules: Iterable[str]) -> None:
    """Import modules (in a worker thread) so loading them on the event loop is quick; a module
    that fails here is reported when the bot loads it as an extension."""
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - load_extension logs it with its traceback
            log.debug("pre-import of %s failed", name, exc_info=True)


class StartingBot(Protocol):
    """What `Startup` needs from the bot (PrepBot), named here so this module does not import it."""

    services: Services
    warm_services: bool
    services_ready: bool

    async def load_features(self) -> None: ...

    def announce_services_ready(self) -> None: ...

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None: ...

    async def close(self) -> None: ...


class StartupFailed(RuntimeError):
    """The services could not start; the bot is closing."""


class DeferredResponse(discord.InteractionResponse):
    """The response of an interaction deferred while the services were warming up.

    The command runs afterwards unchanged: its own `defer()` is already done, and its first
    `send_message()` fills the deferred reply. A modal cannot follow a deferral, so a button that
    opens one asks to be pressed again."""

    async def defer(self, **kwargs: Any) -> None:
        return None

    async def send_message(self, content: Any = None, **kwargs: Any) -> None:
        kwargs.pop("delete_after", None)  # not supported by followups; ephemeral replies vanish anyway
        kwargs.pop("tts", None)
        await self._parent.followup.send(content, **{k: v for k, v in kwargs.items() if v is not None})

    async def send_modal(self, modal: discord.ui.Modal, /) -> None:
        await self._parent.followup.send(RETRY_BUTTON, ephemeral=True)


class Startup:
    """Warms up the bot's services in a worker thread after connecting, and holds what needs them."""

    def __init__(self, bot: StartingBot) -> None:
        self.bot = bot
        self.ready = asyncio.Event()
        self.error: BaseException | None = None
        self._task: asyncio.Task[None] | None = None
        self._held: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    @property
    def pending(self) -> bool:
        """True while a build has begun and not finished."""
        return self._task is not None and not self.ready.is_set()

    def begin(self) -> None:
        """Start (called by `setup_hook`; discord.py connects meanwhile)."""
        self._task = asyncio.get_running_loop().create_task(self._build(), name="prepbot-runtime-build")

    async def _build(self) -> None:
        try:
            await self.bot.load_features()
            if self.bot.warm_services:
                await asyncio.to_thread(warm_up, self.bot.services)
        except Exception as error:  # noqa: BLE001 - reported by `prepbot run` after the bot closes
            log.error("the bot's services could not start (%s); closing", error)
            self.error = error
            self._held.clear()
            self.ready.set()
            await self.bot.close()
            return
        self.bot.services_ready = self.bot.warm_services  # False: a bot made without them (`prepbot sync`, tests)
        self.ready.set()
        if self.bot.services_ready:
            self.bot.announce_services_ready()
            log.info("services ready (%d roles indexed)", len(self.bot.services.index.roles()))
        held, self._held = self._held, []
        for name, args, kwargs in held:
            self.bot.dispatch(name, *args, **kwargs)

    def hold(self, event_name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        """Keep a gateway event for after the build; False: dispatch it now."""
        if event_name not in HELD_EVENTS or not self.pending:
            return False
        self._held.append((event_name, args, kwargs))
        return True

    async def wait(self) -> None:
        """Until the services are ready (or the build failed: StartupFailed)."""
        if self._task is None:
            return
        await self.ready.wait()
        if self.error is not None:
            raise StartupFailed(str(self.error)) from self.error

    async def admit(self, interaction: discord.Interaction) -> None:
        """Let an interaction through once the services are ready, deferring it if that takes long."""
        if not self.pending:
            await self.wait()
            return
        try:
            await asyncio.wait_for(asyncio.shield(self.ready.wait()), ACK_GRACE)
        except TimeoutError:
            await interaction.response.defer(ephemeral=True, thinking=True)
            deferred = DeferredResponse(interaction)
            deferred._response_type = interaction.response.type
            interaction._cs_response = deferred  # discord.py 2.7 caches `response` in this slot
        await self.wait()

    def cancel(self) -> None:
        """Stop waiting for a build still running (the bot is closing); the thread finishes on its own."""
        current = asyncio.current_task()
        if self._task is not None and not self._task.done() and self._task is not current:
            self._task.cancel()
