"""/quiz, /mock start, /mock stop, /review, /progress: practice with feedback and spaced repetition.

Quiz and review questions come with Answer buttons (a form; the feedback is private); mock
interviews run in DMs through the conversation engine, so a restart does not lose them.
"""

from __future__ import annotations

import asyncio
import zlib
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.errors import UnknownTopic
from bot.discord_app import autocomplete, render
from bot.discord_app.components import practice_view, view_kwargs
from bot.discord_app.fit_render import chart_file
from bot.discord_app.lookup import resolve_role
from bot.discord_app.replies import reply_text
from bot.discord_app.text import split_message
from bot.discord_app.viewers import scoped, scoped_engine, scoped_index

if TYPE_CHECKING:
    from datetime import datetime

    from bot.core.conversation import Reply
    from bot.core.postings import Posting
    from bot.discord_app.bot import PrepBot

Difficulty = Literal["easy", "medium", "hard"]


class Practice(commands.Cog):
    """Quizzes, mock interviews, reviews and progress."""

    mock = app_commands.Group(name="mock", description="A mock interview in your DMs")

    def __init__(self, bot: PrepBot) -> None:
        self.bot = bot

    @app_commands.command(name="quiz", description="Practice questions with private feedback on your answers")
    @app_commands.describe(role="Questions weighted to this role (default: your target role)",
                           topic="Only this topic, e.g. recsys or pytorch",
                           difficulty="Only this difficulty", count="How many questions (1-10, default 3)")
    @app_commands.autocomplete(role=autocomplete.role, topic=autocomplete.topic)
    async def quiz(self, interaction: discord.Interaction, role: str | None = None, topic: str | None = None,
                   difficulty: Difficulty | None = None, count: app_commands.Range[int, 1, 10] = 3) -> None:
        services = scoped(self.bot, interaction)  # the library + this server's + the user's own postings
        index = await scoped_index(self.bot, interaction)
        posting = resolve_role(index, role) if role else None
        if topic and topic not in self.bot.services.topics():
            raise UnknownTopic(topic, self.bot.services.topics())
        if posting is None and (target := await asyncio.to_thread(services.state.get_target_role,
                                                                  interaction.user.id)):
            posting = index.role(target)
        # A quiz on the asker's personal posting stays private in a server.
        private = interaction.guild_id is not None and posting is not None and index.personal([posting.role_id])
        await interaction.response.defer(thinking=True, ephemeral=private)
        now = self.bot.now()
        engine = scoped_engine(self.bot, interaction)
        posting, questions = await asyncio.to_thread(self._pick, engine, interaction.user.id, posting, topic,
                                                     difficulty, count, now)
        if not questions:
            await interaction.followup.send("No questions in the bank match that; try another topic or difficulty.",
                                            ephemeral=private)
            return
        title = f"Quiz · {posting.display_name if posting else 'any role'}" + (f" · {topic}" if topic else "")
        view = practice_view(interaction.user.id, answer_ids=[q.id for q in questions])
        await interaction.followup.send(embed=render.quiz_embed(questions, title), ephemeral=private,
                                        **view_kwargs(view))

    def _pick(self, engine: Any, user_id: int, posting: Posting | None, topic: str | None, difficulty: str | None,
              count: int, now: datetime) -> tuple[Posting | None, list[Any]]:
        seed = zlib.crc32(f"{user_id}:{now.isoformat()}".encode())
        questions = engine.practice.pick(str(user_id), role=posting.role_id if posting else None, topic=topic,
                                                  difficulty=difficulty, n=count, seed=seed)
        return posting, questions

    @mock.command(name="start", description="Start a mock interview; the questions come in your DMs")
    @app_commands.describe(role="The role to interview for (default: your target role)")
    @app_commands.autocomplete(role=autocomplete.role)
    async def mock_start(self, interaction: discord.Interaction, role: str | None = None) -> None:
        in_dm = interaction.guild is None
        await interaction.response.defer(ephemeral=not in_dm, thinking=True)
        engine = scoped_engine(self.bot, interaction)  # the roles this user may see here
        reply = await asyncio.to_thread(engine.start_mock, str(interaction.user.id), role, self.bot.now())
        if reply.kind == "error" or in_dm:
            await self._send_chunks(interaction, reply)
            return
        channel = interaction.user.dm_channel or await interaction.user.create_dm()
        for chunk in split_message(reply_text(reply)):
            await channel.send(chunk)
        await interaction.followup.send("Your mock interview has started: I sent the first question to your DMs. "
                                        "Answer there; `/mock stop` ends it with a summary.", ephemeral=True)

    @mock.command(name="stop", description="End your mock interview with a summary")
    async def mock_stop(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=interaction.guild is not None, thinking=True)
        reply = await asyncio.to_thread(scoped_engine(self.bot, interaction).stop_mock, str(interaction.user.id),
                                        self.bot.now())
        await self._send_chunks(interaction, reply)

    async def _send_chunks(self, interaction: discord.Interaction, reply: Reply) -> None:
        for chunk in split_message(reply_text(reply)) or ["Done."]:
            await interaction.followup.send(chunk, ephemeral=interaction.guild is not None)

    @app_commands.command(name="review", description="Practised questions that are due for review")
    async def review(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        due = await asyncio.to_thread(scoped_engine(self.bot, interaction).due_reviews, str(interaction.user.id),
                                      self.bot.now())
        if not due:
            await interaction.followup.send("Nothing is due for review. Practise with `/quiz` or `/mock start`; "
                                            "each question you answer comes back here when it is due.")
            return
        view = practice_view(interaction.user.id, answer_ids=[q.id for q in due])
        embed = render.quiz_embed(due, f"Due for review · {len(due)}",
                                  note="Answer each again; then rate how well you knew it to reschedule it.")
        await interaction.followup.send(embed=embed, **view_kwargs(view))

    @app_commands.command(name="progress", description="Your answers, coverage, review cards and streak")
    async def progress(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        progress, target = await asyncio.to_thread(self._progress, scoped(self.bot, interaction), interaction.user.id)
        png = await asyncio.to_thread(self._progress_chart, interaction.user.id, progress)
        embed = render.progress_embed(progress, target)
        embed.set_image(url="attachment://progress.png")
        await interaction.followup.send(embed=embed, file=chart_file(png, "progress.png"))

    def _progress_chart(self, user_id: int, progress: Any) -> bytes:
        from bot.core.charts import progress_png

        bank = self.bot.services.bank
        names = {topic: bank.topic_info(topic).name for topic in bank.topics()}
        return progress_png(self.bot.state, names, str(user_id), self.bot.now(), progress)

    def _progress(self, services: Any, user_id: int) -> tuple[Any, Posting | None]:
        target = services.state.get_target_role(user_id)
        return services.state.progress(user_id, self.bot.now()), services.index.role(target) if target else None


async def setup(bot: PrepBot) -> None:
    await bot.add_cog(Practice(bot))
