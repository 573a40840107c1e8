"""DM conversations: every DM is a turn for the conversation engine (questions with memory, quizzes,
mock interviews, reviews, ratings); the reply is split into messages with buttons where useful."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.discord_app.errors import report_message_error
from bot.discord_app.fit_dm import offer_fit
from bot.discord_app.posting_components import offer_posting
from bot.discord_app.ratelimit import retry_phrase
from bot.discord_app.replies import send_reply
from bot.discord_app.viewers import scoped_engine

if TYPE_CHECKING:
    from bot.discord_app.bot import PrepBot


class Conversations(commands.Cog):
    """The bot as a DM study partner."""

    def __init__(self, bot: PrepBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is not None:
            return
        try:
            if not (message.author.bot or message.webhook_id):
                await self._handle_dm(message)
        finally:
            # Announced once every reply to this DM has been sent: anything awaiting the bot's answer
            # (`bot.wait_for("message_handled")`, the tests) waits on this instead of guessing with a timer.
            self.bot.dispatch("message_handled", message)

    async def _handle_dm(self, message: discord.Message) -> None:
        if await offer_fit(self.bot, message):  # "here's my resume" with a file: a fit check (before postings)
            return
        if await offer_posting(self.bot, message):  # a posting file, or text that brings one: offer to add it
            return
        if not message.content.strip():
            return
        wait = self.bot.is_rate_limited(message.author.id)
        if wait:
            await message.channel.send(f"You're going a little fast. Try again {retry_phrase(wait)}.")
            return
        try:
            async with message.channel.typing():
                engine = scoped_engine(self.bot, message)  # the library + this user's own postings
                reply = await asyncio.to_thread(engine.handle, str(message.author.id), message.content,
                                                self.bot.now())
            await send_reply(message.channel, reply, message.author.id)
        except Exception as error:  # noqa: BLE001 - reported to the user and logged
            await report_message_error(self.bot, message.channel, error)


async def setup(bot: PrepBot) -> None:
    await bot.add_cog(Conversations(bot))
