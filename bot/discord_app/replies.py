"""Send a conversation `Reply` as one or more messages (split at 2,000 characters), with the
sources under an answer, 👍/👎 on answers and rating buttons after a practised question."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.discord_app import render
from bot.discord_app.components import practice_view
from bot.discord_app.text import split_message

if TYPE_CHECKING:
    from bot.core.conversation import Reply


def reply_text(reply: Reply) -> str:
    sources = render.sources_block(reply.citations)
    return f"{reply.text}\n\n{sources}" if sources else reply.text


async def send_reply(channel: discord.abc.Messageable, reply: Reply, user_id: int, *,
                     reference: discord.Message | None = None) -> list[discord.Message]:
    """Post `reply` in `channel`; buttons go on the last message, the first one answers `reference`."""
    chunks = split_message(reply_text(reply)) or ["(no reply)"]
    view = practice_view(user_id, rate_question_id=reply.rate_question_id, votes=reply.kind == "answer")
    sent = []
    for number, chunk in enumerate(chunks):
        extras: dict = {}
        if view is not None and number == len(chunks) - 1:
            extras["view"] = view
        if reference is not None and number == 0:
            extras["reference"] = reference
        sent.append(await channel.send(chunk, **extras))
    return sent
