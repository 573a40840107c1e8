"""Persistent buttons: registers the dynamic items (vote, rate, key points, answer, add posting) so a
button on any message, however old, still works after a restart. Their callbacks live in
bot/discord_app/components.py and bot/discord_app/posting_components.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.discord_app.components import DYNAMIC_ITEMS
from bot.discord_app.posting_components import POSTING_ITEMS

if TYPE_CHECKING:
    from discord.ext import commands

ITEMS = DYNAMIC_ITEMS + POSTING_ITEMS


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(*ITEMS)


async def teardown(bot: commands.Bot) -> None:
    bot.remove_dynamic_items(*ITEMS)
