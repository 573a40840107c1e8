"""A test-only extension whose setup fails, to check that the bot starts without it."""

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    raise RuntimeError("this extension is broken on purpose")
