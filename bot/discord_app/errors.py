"""The one place errors become replies.

Dispatch order for an application command: discord.py calls `PrepTree.on_error`, which calls
`report_interaction_error`; buttons and modals (the `components` module) call it too, and message
handlers (DMs, threads) call `report_message_error`. Then:

1. Errors meant for users (`PrepbotError`, the root of every core error, rate limits, missing
   permissions, guild-only commands) become their message, sent ephemerally: as the response when
   the interaction is not answered yet, else as a followup.
2. Anything else is a bug: the traceback is logged, the bot's error listeners are told (tests fail
   on it), and the user sees only "Sorry, an unexpected error occurred."
"""

from __future__ import annotations

import logging
from typing import Protocol

import discord
from discord import app_commands

from bot.core.errors import PrepbotError
from bot.discord_app.ratelimit import retry_phrase

log = logging.getLogger(__name__)
UNEXPECTED = "Sorry, an unexpected error occurred."


class BugListeners(Protocol):
    """What the handlers need from the bot: someone to tell about a bug (tests fail on it)."""

    def notify_unexpected(self, error: BaseException) -> None: ...


class RateLimited(app_commands.CheckFailure):
    """The user exceeded the per-user rate limit."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"You're going a little fast. Try again {retry_phrase(retry_after)}.")
        self.retry_after = retry_after


def user_message(error: BaseException) -> str | None:
    """The sentence to show for an expected error; None for a bug."""
    original = getattr(error, "original", None) or error  # CommandInvokeError wraps the real one
    if isinstance(original, PrepbotError):
        return str(original)
    if isinstance(error, RateLimited):
        return str(error)
    if isinstance(error, app_commands.MissingPermissions):
        names = ", ".join(p.replace("_", " ").replace("guild", "server").title() for p in error.missing_permissions)
        return f"You need the {names} permission to use this command."
    if isinstance(error, app_commands.BotMissingPermissions):
        names = ", ".join(p.replace("_", " ").replace("guild", "server").title() for p in error.missing_permissions)
        return f"I'm missing permissions for that: {names}."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return "That command has changed since your app loaded it; try again in a minute."
    if isinstance(error, app_commands.TransformerError):
        return f"'{error.value}' is not a valid value for that option."
    if isinstance(original, discord.Forbidden) and original.code == 50007:
        return "I can't send you direct messages. Allow DMs from server members and try again."
    return None


async def report_interaction_error(bot: BugListeners, interaction: discord.Interaction, error: BaseException) -> None:
    """Answer the interaction with the error's message (or the generic one, logging the bug)."""
    text = user_message(error)
    if text is None:
        where = interaction.command.qualified_name if interaction.command else interaction.data
        log.error("unexpected error handling %s", where, exc_info=error)
        bot.notify_unexpected(error)
        text = UNEXPECTED
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as failure:  # the interaction expired or the channel is gone
        log.warning("could not report an error to the user: %s", failure)


async def report_message_error(bot: BugListeners, channel: discord.abc.Messageable, error: BaseException) -> None:
    """Tell the author of a DM or thread message that handling it failed."""
    text = user_message(error)
    if text is None:
        log.error("unexpected error handling a message", exc_info=error)
        bot.notify_unexpected(error)
        text = UNEXPECTED
    try:
        await channel.send(text)
    except discord.HTTPException as failure:
        log.warning("could not report an error to the user: %s", failure)
