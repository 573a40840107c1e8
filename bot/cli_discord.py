"""`prepbot run` (the Discord bot) and `prepbot sync` (push the slash commands to Discord now).

Both need DISCORD_TOKEN (environment or `.env`). Start-up problems a user can fix (no token, a
token Discord rejects, a missing privileged intent, no network) are one line on stderr, never a
traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from bot.cli_common import PARSER_EXTENSIONS, command, err, out

if TYPE_CHECKING:
    from bot.core.services import Services

log = logging.getLogger(__name__)
NO_TOKEN = ("DISCORD_TOKEN is not set: put the bot token in .env or the environment (see .env.example), "
            "or try the terminal version with `prepbot chat`.")


def add_discord_parsers(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    run.add_argument("--shard-count", type=str, default=None, metavar="N",
                     help="total number of gateway shards across all processes")
    run.add_argument("--shard-ids", type=str, default=None, metavar="A,B",
                     help="the shards this process runs (comma-separated, 0..N-1; default: all N)")
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


def parse_shards(count: str | None, ids: str | None) -> tuple[int | None, list[int] | None]:
    """`--shard-count` / `--shard-ids` as (count, ids); ValueError with a one-line message when invalid."""
    if count is None:
        if ids is not None:
            raise ValueError("--shard-ids needs --shard-count (the total number of shards across all processes).")
        return None, None
    try:
        total = int(count)
    except ValueError:
        raise ValueError(f"--shard-count must be a whole number, not '{count}'.") from None
    if total < 1:
        raise ValueError(f"--shard-count must be at least 1, not {total}.")
    if ids is None:
        return total, None
    chosen: list[int] = []
    for part in ids.split(","):
        part = part.strip()
        try:
            shard = int(part)
        except ValueError:
            raise ValueError(f"--shard-ids must be comma-separated numbers like 0,1, not '{ids}'.") from None
        if not 0 <= shard < total:
            raise ValueError(f"shard id {shard} is outside 0..{total - 1} (--shard-count {total}).")
        if shard in chosen:
            raise ValueError(f"shard id {shard} is listed twice in --shard-ids.")
        chosen.append(shard)
    return total, chosen


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


async def start_bot(services: Services, token: str, *, shard_count: int | None = None,
                    shard_ids: list[int] | None = None) -> None:
    """Run the bot (all shards, or `shard_ids` of `shard_count`) until it is closed (Ctrl-C)."""
    import signal

    from bot.discord_app.bot import make_bot

    bot = make_bot(services, shard_count=shard_count, shard_ids=shard_ids)
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # SIGTERM closes the bot cleanly
        loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(bot.close()))
    async with bot:
        await bot.start(token)
    if bot.startup.error is not None:  # the services failed after connecting: fail as a start-up error would
        raise bot.startup.error


async def sync_commands(services: Services, token: str) -> int | None:
    """Log in over REST only, load the command tree and sync it unconditionally."""
    from bot.discord_app.bot import PrepBot

    bot = PrepBot(services, warm_up=False, sync_on_start=False)
    async with bot:
        await bot.login(token)
        await bot.startup.wait()  # the extensions load after login (bot/discord_app/startup.py)
        return await bot.command_sync.sync(force=True)


@command("run")
def run_bot(args: argparse.Namespace, services: Services) -> int:
    try:
        shard_count, shard_ids = parse_shards(getattr(args, "shard_count", None), getattr(args, "shard_ids", None))
    except ValueError as error:
        from rich.markup import escape

        err.print(f"[red]error:[/red] {escape(str(error))}")
        return 1
    token = _token(services)
    if token is None:
        err.print(f"[red]error:[/red] {NO_TOKEN}")
        return 1
    logging.getLogger("bot").setLevel(logging.INFO)
    shards = "" if shard_count is None else (
        f", shards {','.join(map(str, shard_ids or range(shard_count)))} of {shard_count}")
    err.print(f"Starting prepbot on Discord{shards} (Ctrl-C stops it).")
    return _guarded(start_bot(services, token, shard_count=shard_count, shard_ids=shard_ids)) or 0


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
