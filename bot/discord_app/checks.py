"""Command checks that discord.py leaves to Discord but a client could bypass."""

from __future__ import annotations

import discord
from discord import app_commands


def _in_guild(interaction: discord.Interaction) -> bool:
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage
    return True


#: Refuse the command outside a server (Discord hides guild-only commands in DMs; this enforces it).
in_guild = app_commands.check(_in_guild)
