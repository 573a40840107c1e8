"""The DM router's hook for "here's my resume" with a file: check it against a role and reply with
the fit (the resume stays in memory only, behind a "Keep my resume" button)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord

from bot.core.fit.dm import fit_from_dm, says_resume
from bot.core.fit.resume import MAX_RESUME_BYTES, UnreadableResume, resume_format
from bot.discord_app.errors import report_message_error
from bot.discord_app.fit_render import KeepResumeView, fit_embed

if TYPE_CHECKING:
    from bot.discord_app.bot import PrepBot


def resume_attachment(message: discord.Message) -> discord.Attachment | None:
    """The first attachment of a DM that calls itself a resume (in its text or the file's name)."""
    if message.guild is not None:
        return None
    for attachment in message.attachments:
        if says_resume(message.content or "", attachment.filename):
            return attachment
    return None


def check_upload(attachment: discord.Attachment) -> None:
    """Size and type are checked before a byte is downloaded."""
    resume_format(attachment.filename, attachment.content_type)
    if attachment.size > MAX_RESUME_BYTES:
        raise UnreadableResume(f"I can't read this file: it is {attachment.size / 1024 / 1024:.1f} MB; resumes are "
                               f"limited to {MAX_RESUME_BYTES // 1024 // 1024} MB.")


async def offer_fit(bot: PrepBot, message: discord.Message) -> bool:
    """True when the DM was a resume and has been answered (the router then stops)."""
    attachment = resume_attachment(message)
    if attachment is None or not bot.services_ready:
        return False
    try:
        check_upload(attachment)
        data = await attachment.read()
        from bot.discord_app.viewers import scoped

        services = scoped(bot, message)
        async with message.channel.typing():
            result = await asyncio.to_thread(fit_from_dm, services, str(message.author.id), message.content or "",
                                             attachment.filename, data, attachment.content_type, bot.now())
        if result.outcome is None:
            await message.channel.send(result.message)
            return True
        view = KeepResumeView(bot, message.author.id, result.filename, result.resume_text)
        await message.channel.send(embed=fit_embed(result.outcome), view=view)
    except Exception as error:  # noqa: BLE001 - reported to the user (a PrepbotError) or logged
        await report_message_error(bot, message.channel, error)
    return True
