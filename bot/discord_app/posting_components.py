"""The posting form (a modal with a paragraph field), the "Add to my postings" button offered in
DMs, and the small hook the DM router calls to offer it.

Discord's string options lose the newlines of a paste on the desktop and web clients; a modal's
paragraph field keeps them (up to 4,000 characters), so pasting goes through the form. Longer
postings go by file or URL.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

import discord

from bot.core.errors import BadPostingFile
from bot.core.fit.dm import says_resume
from bot.core.postings.reading import SUPPORTED_SUFFIXES
from bot.core.scopes import Scope
from bot.core.understanding.posting_request import PostingInMessage
from bot.core.uploads import Added, add_link, add_upload, cap_for, check_size, safe_filename
from bot.discord_app import render
from bot.discord_app.components import _Button
from bot.discord_app.errors import report_interaction_error
from bot.discord_app.text import split_message

if TYPE_CHECKING:
    from bot.discord_app.bot import PrepBot

log = logging.getLogger(__name__)
MODAL_TEXT_LIMIT = 4000  # Discord's limit for a paragraph text input


def _bot(interaction: discord.Interaction) -> PrepBot:
    return interaction.client  # type: ignore[return-value]


def where_added(scope: Scope) -> str:
    """One line saying who will see an added posting."""
    if scope.kind == "server":
        return "Only this server sees it (not other servers, not DMs). `/posting list` shows the server's postings."
    if scope.kind == "user":
        return "It is yours alone: you see it in DMs and in every server; no one else does. `/posting list` in DMs."
    return "Everyone sees it."


def added_text(added: Added) -> str:
    summary = render.ingest_summary(added.report, added.roles)
    if any(o.status in ("added", "updated", "merged", "unchanged") for o in added.report.outcomes):
        summary += "\n" + where_added(added.scope)
    return summary


async def add_and_reply(interaction: discord.Interaction, scope: Scope, filename: str, data: bytes) -> None:
    """Index the posting in a worker thread, then reply privately (the interaction is deferred)."""
    bot = _bot(interaction)
    settings = bot.services.settings
    cap = cap_for(scope, settings.max_personal_postings, settings.max_server_postings)
    added = await asyncio.to_thread(add_upload, bot.services.index, scope, filename, data, cap)
    for chunk in split_message(added_text(added)):
        await interaction.followup.send(chunk, ephemeral=True)


async def add_link_and_reply(interaction: discord.Interaction, scope: Scope, url: str) -> None:
    """Fetch and index a posting by link in a worker thread, then reply privately (deferred)."""
    bot = _bot(interaction)
    settings = bot.services.settings
    cap = cap_for(scope, settings.max_personal_postings, settings.max_server_postings)
    index = bot.services.index
    added = await asyncio.to_thread(add_link, index, scope, url, settings.fetch_limits(), cap)
    for chunk in split_message(added_text(added)):
        await interaction.followup.send(chunk, ephemeral=True)


class PostingModal(discord.ui.Modal):
    """Paste a posting (newlines kept), with an optional file name."""

    def __init__(self, scope: Scope) -> None:
        super().__init__(title="Add a job posting", timeout=30 * 60, custom_id="pb:posting-form")
        self.scope = scope
        self.text: discord.ui.TextInput[PostingModal] = discord.ui.TextInput(
            custom_id="text", style=discord.TextStyle.paragraph, min_length=1, max_length=MODAL_TEXT_LIMIT,
            placeholder="Paste the whole posting: title, company, location, pay, requirements…")
        self.name: discord.ui.TextInput[PostingModal] = discord.ui.TextInput(
            custom_id="name", style=discord.TextStyle.short, required=False, max_length=80,
            placeholder="optional, e.g. acme-ml-engineer.md")
        self.add_item(discord.ui.Label(text="The posting", description="Up to 4,000 characters; longer ones as a file",
                                       component=self.text))
        self.add_item(discord.ui.Label(text="A name for it", component=self.name))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        filename = safe_filename(self.name.value or None, pasted=True)
        await interaction.response.defer(ephemeral=True, thinking=True)
        await add_and_reply(interaction, self.scope, filename, self.text.value.encode("utf-8"))

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:
        await report_interaction_error(_bot(interaction), interaction, error)


class AddPostingButton(_Button, template=r"pb:addposting:(?P<mid>\d+)"):
    """Under the bot's offer in DMs: add the posting in the user's message `mid` as personal. The
    message is read again on click, so the button works after a restart and holds no copy."""

    def __init__(self, message_id: int) -> None:
        super().__init__(discord.ui.Button(label="Add to my postings", emoji="📌", style=discord.ButtonStyle.primary,
                                           custom_id=f"pb:addposting:{message_id}"))
        self.message_id = message_id

    @classmethod
    def from_match(cls, match: re.Match[str]) -> AddPostingButton:
        return cls(int(match["mid"]))

    async def run(self, interaction: discord.Interaction) -> None:
        if interaction.guild_id is not None or interaction.channel is None:
            raise BadPostingFile("Personal postings are added from DMs.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        message = await interaction.channel.fetch_message(self.message_id)
        if message.author.id != interaction.user.id:
            raise BadPostingFile("That message is not yours to add.")
        brought = await posting_in(_bot(interaction), message)
        if isinstance(brought, str):
            await add_link_and_reply(interaction, Scope.user(interaction.user.id), brought)
        else:
            await add_and_reply(interaction, Scope.user(interaction.user.id), *brought)
        if interaction.message is not None:
            await interaction.message.edit(view=None)


def _attachment(message: discord.Message) -> discord.Attachment | None:
    return next((a for a in message.attachments if "." + a.filename.rsplit(".", 1)[-1].lower() in SUPPORTED_SUFFIXES),
                None)


async def posting_in(bot: PrepBot, message: discord.Message) -> tuple[str, bytes] | str:
    """What a DM brings to add: (file name, bytes) of its attachment or pasted posting, or a link to
    fetch. Whether its text brings one is core's call (bot/core/understanding/posting_request.py)."""
    attachment = _attachment(message)
    if attachment is not None:
        filename = safe_filename(attachment.filename, pasted=False)
        check_size(filename, attachment.size)
        return filename, await attachment.read()
    found = await _found(bot, message)
    if found is None:
        raise BadPostingFile("Paste the posting after “add this posting”, or attach it as a file.")
    if found.url:
        return found.url
    return safe_filename(None, pasted=True), found.text.encode("utf-8")


async def _found(bot: PrepBot, message: discord.Message) -> PostingInMessage | None:
    """The posting in the DM's text, judged in a worker thread (it embeds the first line)."""
    text = message.content or ""
    requests = bot.services.posting_requests
    return await asyncio.to_thread(requests.find, text, says_resume(text))


async def offer_posting(bot: PrepBot, message: discord.Message) -> bool:
    """The DM router's hook: offer to add a posting the user sent (a posting file, a request with a
    posting or a link after it, or a posting pasted on its own) with one button, instead of treating
    it as a question. True when it did; the router then stops."""
    if message.guild is not None:
        return False
    if _attachment(message) is None and await _found(bot, message) is None:
        return False
    view = discord.ui.View(timeout=None)
    view.add_item(AddPostingButton(message.id))
    await message.channel.send("That looks like a job posting. Add it to your personal postings? Only you will see "
                               "it, here and in every server.", view=view)
    return True


POSTING_ITEMS: tuple[type[_Button], ...] = (AddPostingButton,)
