"""/help: what the bot can do."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import render

if TYPE_CHECKING:
    from bot.discord_app.bot import PrepBot


class Meta(commands.Cog):
    def __init__(self, bot: PrepBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What prepbot can do and how to use it")
    async def help(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=render.help_embed(), ephemeral=True)


async def setup(bot: PrepBot) -> None:
    await bot.add_cog(Meta(bot))
