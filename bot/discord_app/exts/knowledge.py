"""/ask, /roles, /role show, /role set: questions about the indexed roles."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.answers import MAX_QUESTION_CHARS, Answer, validate_question
from bot.discord_app import autocomplete, render
from bot.discord_app.components import practice_view, view_kwargs
from bot.discord_app.lookup import resolve_role
from bot.discord_app.viewers import scoped, scoped_index

if TYPE_CHECKING:
    from bot.discord_app.bot import PrepBot


class Knowledge(commands.Cog):
    """Answers grounded in the job postings."""

    role = app_commands.Group(name="role", description="Look at a role, or choose your target role")

    def __init__(self, bot: PrepBot) -> None:
        self.bot = bot

    @app_commands.command(name="ask", description="Ask about the indexed roles; the answer cites the postings")
    @app_commands.describe(question="What you want to know, e.g. 'what does the PhD role pay?'",
                           role="The role to ask about (default: the one the question names, else your target role)",
                           private="Only you see the answer")
    @app_commands.autocomplete(role=autocomplete.role)
    async def ask(self, interaction: discord.Interaction,
                  question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
                  role: str | None = None, private: bool = False) -> None:
        validate_question(question)  # cheap checks first: their errors stay private
        services = scoped(self.bot, interaction)
        # A named role is resolved before deferring, so a bad one is answered privately; otherwise
        # defer first: a viewer's first question reads their scopes from the store.
        role_id = resolve_role(await scoped_index(self.bot, interaction), role).role_id if role else None
        await interaction.response.defer(ephemeral=private, thinking=True)
        answer = await asyncio.to_thread(self._answer, services, interaction.user.id, question, role_id)
        index = await scoped_index(self.bot, interaction)
        view = practice_view(interaction.user.id, votes=True)
        if not private and interaction.guild_id is not None and index.personal(
                [answer.role_id, *answer.role_ids, *(c.role_id for c in answer.citations)]):
            # It draws on the asker's personal posting: the answer goes to them alone.
            await interaction.edit_original_response(content="I sent you the answer privately: it draws on one of "
                                                             "your personal postings.")
            private = True
        await interaction.followup.send(embed=render.answer_embed(question, answer), ephemeral=private,
                                        **view_kwargs(view))

    def _answer(self, services, user_id: int, question: str, role_id: str | None) -> Answer:
        context = None
        if role_id is None and (target := services.state.get_target_role(user_id)) and services.index.role(target):
            context = [target]
        return services.answers.answer(question, role=role_id, context_roles=context)

    @app_commands.command(name="roles", description="List the indexed roles")
    async def roles(self, interaction: discord.Interaction) -> None:
        index = await scoped_index(self.bot, interaction)
        roles = index.roles()
        personal = interaction.guild_id is not None and index.personal([p.role_id for p in roles])
        await interaction.response.send_message(embed=render.roles_embed(roles), ephemeral=personal)

    @role.command(name="show", description="Details of one role: level, location, pay, stack, source")
    @app_commands.describe(role="The role: pick a suggestion or type words that name it")
    @app_commands.autocomplete(role=autocomplete.role)
    async def role_show(self, interaction: discord.Interaction, role: str) -> None:
        index = await scoped_index(self.bot, interaction)
        posting = resolve_role(index, role)
        target = await asyncio.to_thread(self.bot.state.get_target_role, interaction.user.id)
        embed = render.role_embed(posting, index.sources(posting.role_id), is_target=target == posting.role_id)
        personal = interaction.guild_id is not None and index.personal([posting.role_id])
        await interaction.response.send_message(embed=embed, ephemeral=personal)

    @role.command(name="set", description="Set your target role: the default for questions, quizzes and mocks")
    @app_commands.describe(role="The role you are preparing for: pick a suggestion or type words that name it")
    @app_commands.autocomplete(role=autocomplete.role)
    async def role_set(self, interaction: discord.Interaction, role: str) -> None:
        posting = resolve_role(await scoped_index(self.bot, interaction), role)
        await asyncio.to_thread(self.bot.state.set_target_role, interaction.user.id, posting.role_id,
                                now=self.bot.now())
        await interaction.response.send_message(
            f"Your target role is now **{posting.display_name}** (`{posting.role_id}`). Questions that name no "
            "role, quizzes and mock interviews default to it.", ephemeral=True)


async def setup(bot: PrepBot) -> None:
    await bot.add_cog(Knowledge(bot))
