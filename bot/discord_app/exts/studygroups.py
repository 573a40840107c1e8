"""Study groups: /studygroup setup and off, /leaderboard show and hide, answers in the daily thread, and questions
asked by mentioning the bot in the study-group channel (answered in a thread of their own, where
follow-ups need no mention). The daily post itself is the scheduler's job (`scheduler.py`): this cog
creates it, starts it once the bot's services are ready and stops it when unloaded."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import autocomplete, render
from bot.discord_app.checks import in_guild
from bot.discord_app.components import practice_view, view_kwargs
from bot.discord_app.errors import report_message_error
from bot.discord_app.ratelimit import retry_phrase
from bot.discord_app.replies import send_reply
from bot.discord_app.scheduler import DailyQuestionScheduler
from bot.discord_app.viewers import scoped, scoped_engine, server_viewer

if TYPE_CHECKING:
    from bot.core.state import StudyGroup
    from bot.discord_app.bot import PrepBot

THREAD_NAME_LIMIT = 100
MANAGE_SERVER = discord.Permissions(manage_guild=True)
#: Graded answers in the period a member needs to appear on the board (one lucky answer is not a rank).
LEADERBOARD_MIN_ANSWERS = 2


class StudyGroups(commands.Cog):
    """Daily questions in a channel, with streaks and leaderboards per server."""

    studygroup = app_commands.Group(name="studygroup", description="A daily question in a channel (Manage Server)",
                                    guild_only=True, default_permissions=MANAGE_SERVER)
    leaderboard = app_commands.Group(name="leaderboard", description="This server's board: quality of answers, "
                                     "not their number", guild_only=True)

    def __init__(self, bot: PrepBot) -> None:
        self.bot = bot
        self.scheduler = DailyQuestionScheduler(bot, interval=bot.scheduler_interval)
        bot.scheduler = self.scheduler  # tests and operators reach it through the bot

    async def cog_load(self) -> None:
        if self.bot.services_ready:  # loaded again after start-up: no `services_ready` event will come
            self.scheduler.start()

    async def cog_unload(self) -> None:
        self.scheduler.stop()

    @commands.Cog.listener()
    async def on_services_ready(self) -> None:
        """The daily question needs the question bank and the database: start once they are open."""
        self.scheduler.start()

    # ----- commands -----------------------------------------------------------------------------
    @studygroup.command(name="setup", description="Post a daily question in a channel at a local time")
    @app_commands.describe(channel="Where the daily question goes (each day gets its own thread)",
                           time="Local time, 24-hour HH:MM, e.g. 09:00",
                           timezone="IANA timezone, e.g. Europe/London or Asia/Tokyo")
    @app_commands.autocomplete(timezone=autocomplete.timezone)
    @app_commands.checks.has_permissions(manage_guild=True)
    @in_guild
    async def setup_group(self, interaction: discord.Interaction, channel: discord.TextChannel, time: str,
                          timezone: str) -> None:
        _check_can_post(channel)
        now = self.bot.now()
        group = await asyncio.to_thread(self.bot.state.set_studygroup, interaction.guild_id, channel.id, time,
                                        timezone, now=now)
        await interaction.response.send_message(
            f"📚 {channel.mention} is now a study group: a daily question at **{group.post_time}** "
            f"({group.timezone}), {await self._next_post(group, now)}. Answer in each day's thread for feedback "
            "and streaks; `/leaderboard show` shows who is keeping up. Mention me there to ask about the roles.")

    async def _next_post(self, group: StudyGroup, now: datetime) -> str:
        local = group.local_date(now)
        if group.is_post_due(now):
            posted = await asyncio.to_thread(self.bot.state.get_daily_post, group.guild_id, local)
            if posted is None:
                return "starting with today's question within a minute"
            local += timedelta(days=1)
        return f"next on <t:{int(group.post_at(local).timestamp())}:F>"

    @studygroup.command(name="off", description="Stop the daily question (settings are kept)")
    @app_commands.checks.has_permissions(manage_guild=True)
    @in_guild
    async def off(self, interaction: discord.Interaction) -> None:
        stopped = await asyncio.to_thread(self.bot.state.disable_studygroup, interaction.guild_id, now=self.bot.now())
        await interaction.response.send_message(
            "The daily question is off; `/studygroup setup` turns it back on." if stopped
            else "This server has no active study group.")

    @leaderboard.command(name="show", description="Members ranked by the quality of their answers (streaks break ties)")
    @app_commands.describe(period="week: the last 7 days (default); all: all time")
    @in_guild
    async def leaderboard_show(self, interaction: discord.Interaction,
                               period: Literal["week", "all"] = "week") -> None:
        await interaction.response.defer(thinking=True)
        rows = await asyncio.to_thread(self._leaderboard, interaction.guild_id, period)
        guild_name = interaction.guild.name if interaction.guild else "this server"
        await interaction.followup.send(embed=render.leaderboard_embed(rows, period, guild_name,
                                                                       LEADERBOARD_MIN_ANSWERS))

    @leaderboard.command(name="hide", description="Leave this server's leaderboard (or rejoin it)")
    @app_commands.describe(hidden="True: keep me off the board (default); False: show me again")
    @in_guild
    async def leaderboard_hide(self, interaction: discord.Interaction, hidden: bool = True) -> None:
        await asyncio.to_thread(self.bot.state.set_leaderboard_hidden, interaction.guild_id, interaction.user.id,
                                hidden, now=self.bot.now())
        await interaction.response.send_message(
            "You're off this server's leaderboard; your answers, feedback and streaks are unchanged. "
            "`/leaderboard hide hidden: False` puts you back." if hidden else
            "You're back on this server's leaderboard.", ephemeral=True)

    def _leaderboard(self, guild_id: int, period: str) -> list:
        now = self.bot.now()
        group = self.bot.state.get_studygroup(guild_id)
        today = group.local_date(now) if group else now.date()
        return self.bot.state.leaderboard(guild_id, period, today, min_answers=LEADERBOARD_MIN_ANSWERS)

    # ----- messages -----------------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None:
            return
        try:
            if not (message.author.bot or message.webhook_id or not message.content.strip()):
                await self._handle(message)
        finally:
            self.bot.dispatch("message_handled", message)  # every reply sent; see the DM cog

    async def _handle(self, message: discord.Message) -> None:
        try:
            if isinstance(message.channel, discord.Thread):
                await self._in_thread(message, message.channel)
            elif self.bot.user is not None and self.bot.user in message.mentions:
                await self._mentioned(message)
        except Exception as error:  # noqa: BLE001 - reported to the user and logged
            await report_message_error(self.bot, message.channel, error)

    async def _in_thread(self, message: discord.Message, thread: discord.Thread) -> None:
        state = self.bot.state
        question_id = await asyncio.to_thread(state.question_for_thread, thread.id)
        if question_id is not None:
            if await self._allowed(message):
                await self._grade(message, question_id)
        elif await asyncio.to_thread(state.is_bot_thread, thread.id) and await self._allowed(message):
            await self._converse(thread, message.author, self._without_mention(message.content))

    async def _grade(self, message: discord.Message, question_id: str) -> None:
        assert message.guild is not None
        now = self.bot.now()
        group = await asyncio.to_thread(self.bot.state.get_studygroup, message.guild.id)
        local = group.local_date(now) if group else now.date()
        async with message.channel.typing():
            engine = scoped_engine(self.bot, server_viewer(message.guild.id))
            reply = await asyncio.to_thread(engine.grade_answer, str(message.author.id), question_id,
                                            message.content, now, str(message.guild.id), local)
        if reply.feedback is None:  # e.g. an answer too long to grade
            await message.reply(render.truncate(reply.text, 2000))
            return
        streak = await asyncio.to_thread(self.bot.state.record_activity, message.guild.id, message.author.id, local)
        question = await asyncio.to_thread(scoped(self.bot, server_viewer(message.guild.id)).quiz_maker.question,
                                           question_id)
        view = practice_view(message.author.id, rate_question_id=reply.rate_question_id)
        await message.reply(embed=render.feedback_embed(question, reply.feedback, streak=streak), **view_kwargs(view))

    async def _mentioned(self, message: discord.Message) -> None:
        assert message.guild is not None
        group = await asyncio.to_thread(self.bot.state.get_studygroup, message.guild.id)
        in_group = group is not None and group.enabled and int(group.channel_id) == message.channel.id
        if not in_group or not isinstance(message.channel, discord.TextChannel) or not await self._allowed(message):
            return
        text = self._without_mention(message.content) or "help"
        thread = await message.create_thread(name=render.truncate(text, THREAD_NAME_LIMIT),
                                             auto_archive_duration=1440)
        await asyncio.to_thread(self.bot.state.remember_bot_thread, thread.id, message.guild.id, now=self.bot.now())
        await self._converse(thread, message.author, text)

    async def _converse(self, thread: discord.Thread, author: discord.abc.User, text: str) -> None:
        async with thread.typing():
            # A public thread: the library + this server's postings (never anyone's personal ones).
            engine = scoped_engine(self.bot, server_viewer(thread.guild.id))
            reply = await asyncio.to_thread(engine.handle, str(author.id), text, self.bot.now(),
                                            channel_key=f"thread:{thread.id}")
        await send_reply(thread, reply, author.id)

    async def _allowed(self, message: discord.Message) -> bool:
        wait = self.bot.is_rate_limited(message.author.id)
        if wait:
            await message.reply(f"You're going a little fast. Try again {retry_phrase(wait)}.")
        return not wait

    def _without_mention(self, content: str) -> str:
        if self.bot.user is None:
            return content.strip()
        return re.sub(rf"<@!?{self.bot.user.id}>", "", content).strip()


def _check_can_post(channel: discord.TextChannel) -> None:
    """The daily question needs the bot to post, embed and open threads in the channel."""
    allowed = channel.permissions_for(channel.guild.me)
    needed = ("view_channel", "send_messages", "embed_links", "create_public_threads", "send_messages_in_threads")
    missing = [name for name in needed if not getattr(allowed, name)]
    if missing:
        raise app_commands.BotMissingPermissions(missing)


async def setup(bot: PrepBot) -> None:
    await bot.add_cog(StudyGroups(bot))
