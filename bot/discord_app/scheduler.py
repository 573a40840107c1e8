"""The daily study-group question: posted at each guild's configured local time, in its own thread.

Every `interval` seconds (30 by default) the loop looks at the enabled study groups; for each whose
local post time has passed today it claims the day (`claim_daily_post`, which succeeds exactly
once, even across processes), posts the question with a "Show key points" button, opens a thread
on it and records the thread. A failed post releases the claim so the next tick retries.
The time comes from `bot.now()`, so tests move the clock instead of waiting.

Sharded (`prepbot run --shard-count N --shard-ids ...`), a process only considers guilds whose
shard it runs (`bot.owns_guild`); the claim still guards against a restart or a misconfigured
second process. When the database cannot say whether a claim was written (`StateUnavailable`), the
scheduler reads the day's record (`get_daily_post`): its own claim (same `claimed_at`) means post,
someone else's means skip, none means claim again on the next tick; a failed read also waits for
the next tick, remembering the uncertain claim so the day is neither skipped nor posted twice.

A process killed between claiming and recording the thread leaves a claim without a thread. Once
that claim is older than `STALE_CLAIM` (5 minutes), the next tick of any process looks in the
channel's last `HISTORY_LIMIT` messages for the bot's own post for that date (title
"Daily question — <date>", question id in the footer): if it is there, the post is finished (its
thread opened or found, then recorded) without posting again; if not, the stale claim is taken over
(`reclaim_stale_daily_post`, which exactly one caller wins) and the question is posted.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import tasks

from bot.core.errors import PrepbotError
from bot.core.state import StateUnavailable
from bot.discord_app import render
from bot.discord_app.components import practice_view
from bot.discord_app.viewers import scoped, server_viewer

if TYPE_CHECKING:
    from bot.core.state import StudyGroup
    from bot.discord_app.bot import PrepBot

log = logging.getLogger(__name__)
THREAD_NAME_LIMIT = 100
#: A claim without a thread this old is taken to be from a process that died before finishing.
STALE_CLAIM = timedelta(minutes=5)
#: How many of the channel's latest messages are searched for an unrecorded daily post.
HISTORY_LIMIT = 50
THREAD_EXISTS = 160004  # Discord: "A thread has already been created for this message"


class DailyQuestionScheduler:
    def __init__(self, bot: PrepBot, *, interval: float = 30.0) -> None:
        self.bot = bot
        self.loop = tasks.loop(seconds=interval)(self._run_tick)
        self.loop.before_loop(self._before)
        self._uncertain: dict[tuple[str, date], datetime] = {}  # claims whose outcome is unknown
        self.ticks_done = 0  # finished ticks: lets a caller wait for "the loop has looked again"

    def start(self) -> None:
        if not self.loop.is_running():
            self.loop.start()

    def stop(self) -> None:
        self.loop.cancel()

    async def _before(self) -> None:
        await self.bot.wait_until_ready()

    async def _run_tick(self) -> None:
        try:
            await self.tick()
        except StateUnavailable as error:  # the database is away: nothing is lost, the next tick retries
            log.warning("daily question tick skipped: %s", error)
        except Exception as error:  # noqa: BLE001 - keep the loop alive; the next tick retries
            log.exception("daily question tick failed")
            self.bot.notify_unexpected(error)
        finally:
            self.ticks_done += 1

    async def tick(self) -> list[str]:
        """Post every daily question that is due now; returns the guild ids posted to."""
        now = self.bot.now()
        state = self.bot.state
        posted = []
        for group in await asyncio.to_thread(state.enabled_studygroups):
            if not self.bot.owns_guild(group.guild_id) or not group.is_post_due(now):
                continue
            local = group.local_date(now)
            if not await self._claim(group.guild_id, local, now):
                # already posted today (by this or another process), not known yet, or left half-done
                if await self._recover(group, local, now):
                    posted.append(group.guild_id)
                continue
            try:
                await self.post(group, local, now)
            except (discord.HTTPException, LookupError) as error:
                log.warning("could not post the daily question in guild %s: %s", group.guild_id, error)
                await asyncio.to_thread(state.release_daily_post, group.guild_id, local)
                continue
            posted.append(group.guild_id)
        return posted

    async def _claim(self, guild_id: str, local: date, now: datetime) -> bool:
        """Whether this process may post the guild's question for `local` (claiming it if needed)."""
        state = self.bot.state
        key = (str(guild_id), local)
        stamp = self._uncertain.get(key)
        if stamp is None:
            try:
                return await asyncio.to_thread(state.claim_daily_post, guild_id, local, now=now)
            except StateUnavailable as error:
                log.warning("claiming the daily question in guild %s: %s; checking the record", guild_id, error)
                stamp = self._uncertain[key] = now
        try:
            record = await asyncio.to_thread(state.get_daily_post, guild_id, local)
        except StateUnavailable as error:
            log.warning("daily question claim in guild %s still unknown (%s); retrying next tick", guild_id, error)
            return False
        del self._uncertain[key]
        if record is None:
            return False  # the claim was not written: claim again on the next tick
        return record.thread_id is None and record.claimed_at == stamp  # ours, and not posted yet

    async def _recover(self, group: StudyGroup, local: date, now: datetime) -> bool:
        """Finish or retake a day whose claim is stale and has no thread; True if it got posted now."""
        state = self.bot.state
        try:
            record = await asyncio.to_thread(state.get_daily_post, group.guild_id, local)
        except StateUnavailable as error:
            log.warning("daily question record in guild %s unknown (%s); retrying next tick", group.guild_id, error)
            return False
        if record is None or record.thread_id is not None or record.claimed_at >= now - STALE_CLAIM:
            return False  # unclaimed (claim next tick), done, or a claim that may still be in progress
        try:
            channel = await self._channel(group)
            found = await self._find_post(channel, local)
        except (discord.HTTPException, LookupError) as error:
            log.warning("could not check for an unfinished daily post in guild %s: %s", group.guild_id, error)
            return False
        if found is not None:
            message, question_id = found
            try:
                topic = await asyncio.to_thread(self._topic, question_id, group.guild_id)
                thread_id = await self._open_thread(message, local, topic)
            except discord.HTTPException as error:
                log.warning("could not open the daily thread in guild %s: %s", group.guild_id, error)
                return False  # the post exists: never release the claim, retry next tick
            await asyncio.to_thread(state.set_daily_thread, group.guild_id, local, thread_id, question_id, now=now)
            log.info("finished the unrecorded daily post %s in guild %s (thread %s)", message.id, group.guild_id,
                     thread_id)
            return False  # posted earlier, only recorded now
        if not await asyncio.to_thread(state.reclaim_stale_daily_post, group.guild_id, local, STALE_CLAIM, now=now):
            return False  # another process took it over first
        log.warning("took over a stale daily question claim in guild %s for %s", group.guild_id, local)
        try:
            await self.post(group, local, now)
        except (discord.HTTPException, LookupError) as error:
            log.warning("could not post the daily question in guild %s: %s", group.guild_id, error)
            await asyncio.to_thread(state.release_daily_post, group.guild_id, local)
            return False
        return True

    async def _channel(self, group: StudyGroup) -> discord.TextChannel:
        channel = self.bot.get_channel(int(group.channel_id)) or await self.bot.fetch_channel(int(group.channel_id))
        if not isinstance(channel, discord.TextChannel):
            raise LookupError(f"channel {group.channel_id} is not a text channel")
        return channel

    async def _find_post(self, channel: discord.TextChannel, local: date) -> tuple[discord.Message, str] | None:
        """The bot's own daily post for `local` among the channel's latest messages, with its question id."""
        me = self.bot.user
        async for message in channel.history(limit=HISTORY_LIMIT):
            if me is None or message.author.id != me.id:
                continue
            for embed in message.embeds:
                question_id = render.daily_question_id(embed, local)
                if question_id:
                    return message, question_id
        return None

    def _topic(self, question_id: str, guild_id: int | str | None = None) -> str:
        try:
            if not self.bot.services_ready:
                return "Daily question"
            services = scoped(self.bot, server_viewer(int(guild_id))) if guild_id else self.bot.services
            maker = services.quiz_maker
            return str(maker.question(question_id).topic)
        except (PrepbotError, LookupError):  # a question no longer in the bank: still name the thread
            return "Daily question"

    async def _open_thread(self, message: discord.Message, local: date, topic: str) -> int:
        """Open the day's thread on `message` (or find the one already opened); returns its id."""
        if message.flags.has_thread or message.thread is not None:
            return message.id  # a thread started from a message has the message's id
        name = render.truncate(f"{local.isoformat()} · {topic} — answer here", THREAD_NAME_LIMIT)
        try:
            thread = await message.create_thread(name=name, auto_archive_duration=1440)
        except discord.HTTPException as error:
            if error.code == THREAD_EXISTS:
                return message.id
            raise
        return thread.id

    async def post(self, group: StudyGroup, local: date, now: datetime) -> discord.Thread | int:
        channel = await self._channel(group)
        question = await asyncio.to_thread(self._pick, group.guild_id, local)
        view = practice_view(0, key_points_id=question.id)
        message = await channel.send(embed=render.daily_embed(question, local), view=view)
        thread_id = await self._open_thread(message, local, question.topic)
        await asyncio.to_thread(self.bot.state.set_daily_thread, group.guild_id, local, thread_id, question.id,
                                now=now)
        log.info("posted daily question %s in guild %s (thread %s)", question.id, group.guild_id, thread_id)
        return thread_id

    def _pick(self, guild_id: str, local: date) -> Any:
        """A question the guild has not had yet (any once all were asked), stable for the day."""
        seed = zlib.crc32(f"{guild_id}:{local.isoformat()}".encode())
        asked = self.bot.state.asked_questions(guild_id)
        maker = scoped(self.bot, server_viewer(int(guild_id))).quiz_maker  # the library + this server's postings
        for question in maker.pick(recent=asked, n=1, seed=seed):
            return question
        raise LookupError("the question bank is empty")
