"""`prepbot run` (the Discord bot) and `prepbot sync` (push the slash commands to Discord now).

Both need DISCORD_TOKEN (environment or `.env`). Start-up problems a user can fix (no token, a
token Discord rejects, a missing privileged intent, no network) are one line on stderr, never a
traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from bot.cli import PARSER_EXTENSIONS, command, err, out

if TYPE_CHECKING:
    from bot.core.services import Services

log = logging.getLogger(__name__)
NO_TOKEN = ("DISCORD_TOKEN is not set: put the bot token in .env or the environment (see .env.example), "
            "or try the terminal version with `prepbot chat`.")


def add_discord_parsers(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    sub.add_parser("sync", help="push the slash commands to Discord now (globally, or to DISCORD_GUILD_ID)")


PARSER_EXTENSIONS.append(add_discord_parsers)


def startup_error(error: BaseException) -> str | None:
    """The one-line explanation of a start-up failure the user can fix; None for anything else."""
    import aiohttp
    import discord

    if isinstance(error, discord.LoginFailure):
        return "Discord rejected DISCORD_TOKEN: check the bot token in the developer portal (Bot → Reset Token)."
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return ("Discord refused the Message Content intent: enable it for the bot in the developer portal "
                "(Bot → Privileged Gateway Intents).")
    if isinstance(error, aiohttp.ClientConnectionError | discord.GatewayNotFound | OSError):
        return f"Cannot reach Discord ({error.__class__.__name__}: {error}). Check the network and try again."
    return None


def _token(services: Services) -> str | None:
    token = (services.settings.discord_token or "").strip()
    return token or None


def _guarded(run: Coroutine[Any, Any, Any]) -> int | None:
    """Run a coroutine; a fixable start-up error becomes one line on stderr and exit status 1."""
    import aiohttp
    import discord

    try:
        asyncio.run(run)
    except (discord.DiscordException, aiohttp.ClientError, OSError) as error:
        message = startup_error(error)
        if message is None:
            raise
        err.print(f"[red]error:[/red] {message}")
        return 1
    return None


async def start_bot(services: Services, token: str) -> None:
    """Run the bot until it is closed (Ctrl-C)."""
    from bot.discord_app.bot import PrepBot

    bot = PrepBot(services)
    async with bot:
        await bot.start(token)


async def sync_commands(services: Services, token: str) -> int | None:
    """Log in over REST only, load the command tree and sync it unconditionally."""
    from bot.discord_app.bot import PrepBot

    bot = PrepBot(services, build_runtime=False, sync_on_start=False)
    async with bot:
        await bot.login(token)
        return await bot.command_sync.sync(force=True)


@command("run")
def run_bot(args: argparse.Namespace, services: Services) -> int:
    token = _token(services)
    if token is None:
        err.print(f"[red]error:[/red] {NO_TOKEN}")
        return 1
    logging.getLogger("bot").setLevel(logging.INFO)
    err.print("Starting prepbot on Discord (Ctrl-C stops it).")
    return _guarded(start_bot(services, token)) or 0


@command("sync")
def run_sync(args: argparse.Namespace, services: Services) -> int:
    token = _token(services)
    if token is None:
        err.print(f"[red]error:[/red] {NO_TOKEN}")
        return 1
    result: list[int | None] = []

    async def sync() -> None:
        result.append(await sync_commands(services, token))

    status = _guarded(sync())
    if status:
        return status
    scope = f"guild {services.settings.discord_guild_id}" if services.settings.discord_guild_id else "globally"
    out.print(f"Synced {result[0] or 0} commands {scope}.")
    return 0
