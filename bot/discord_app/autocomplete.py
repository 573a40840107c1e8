"""Autocomplete for role, topic and timezone options: at most 25 choices, filtered by what the user
typed (every typed word must appear; roles whose id or title starts with it come first)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import available_timezones

from discord import app_commands

from bot.discord_app.render import truncate

if TYPE_CHECKING:
    import discord

    from bot.core.postings import Posting

MAX_CHOICES = 25
CHOICE_LIMIT = 100  # a choice's name and value are at most 100 characters


def _matches(typed: str, haystack: str) -> bool:
    return all(word in haystack for word in typed.lower().split())


def role_choices(roles: list[Posting], typed: str) -> list[app_commands.Choice[str]]:
    typed = typed.strip().lower()
    found = []
    for posting in roles:
        label = f"{posting.display_name} — {posting.company or 'unknown company'}"
        haystack = f"{posting.role_id} {label} {posting.location or ''}".lower()
        if _matches(typed, haystack):
            starts = posting.role_id.startswith(typed) or posting.title.lower().startswith(typed)
            found.append((not starts, label.lower(), label, posting.role_id))
    found.sort()
    return [app_commands.Choice(name=truncate(label, CHOICE_LIMIT), value=role_id[:CHOICE_LIMIT])
            for _, _, label, role_id in found[:MAX_CHOICES]]


def word_choices(words: list[str], typed: str) -> list[app_commands.Choice[str]]:
    typed = typed.strip().lower()
    found = sorted((not w.lower().startswith(typed), w) for w in words if _matches(typed, w.lower()))
    return [app_commands.Choice(name=w[:CHOICE_LIMIT], value=w[:CHOICE_LIMIT]) for _, w in found[:MAX_CHOICES]]


@cache
def _timezones() -> list[str]:
    return sorted(available_timezones())


async def role(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    if not getattr(interaction.client, "services_ready", False):  # still starting: offer nothing yet
        return []
    from bot.discord_app.viewers import scoped_index  # the roles this user may see here, and no others

    return role_choices((await scoped_index(interaction.client, interaction)).roles(), current)


async def topic(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    client = interaction.client
    return word_choices(client.services.topics(), current) if getattr(client, "services_ready", False) else []


async def timezone(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    return word_choices(_timezones(), current.replace(" ", "_"))
