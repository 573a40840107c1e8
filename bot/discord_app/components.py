"""Buttons and the answer form. Every button is a `DynamicItem`: its state is in its custom id, so
buttons on old messages keep working after a restart (the classes are registered in `setup_hook`).

Custom ids (all ≤ 100 characters; <question> is a token of ≤ 60, see `question_ids`):
    pb:vote:up|down                     👍/👎 on an answer (stored per message)
    pb:rate:<user>:<rating>:<question>  Again/Hard/Good/Easy for the user who practised it
    pb:keys:<question>                  reveal the key points behind spoilers
    pb:answer:<question>                open the answer form for a quiz or review question
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.discord_app import render
from bot.discord_app.errors import report_interaction_error
from bot.discord_app.question_ids import TOKEN, decode, encode
from bot.discord_app.text import split_message
from bot.discord_app.viewers import scoped, scoped_engine

if TYPE_CHECKING:
    from datetime import date, datetime

    from bot.core.conversation import Reply
    from bot.discord_app.bot import PrepBot

log = logging.getLogger(__name__)
CUSTOM_ID_LIMIT = 100
RATING_STYLES = {
    "again": discord.ButtonStyle.danger,
    "hard": discord.ButtonStyle.secondary,
    "good": discord.ButtonStyle.primary,
    "easy": discord.ButtonStyle.success,
}


def _bot(interaction: discord.Interaction) -> PrepBot:
    return interaction.client  # type: ignore[return-value]


def _question_id(bot: PrepBot, token: str, where: discord.Interaction | None = None) -> str:
    """The question id a button's token stands for, among the roles the clicking user may see."""
    services = scoped(bot, where) if where is not None else bot.services
    return decode(token, services.index.roles())


def _question(bot: PrepBot, token: str, where: discord.Interaction | None = None) -> Any:
    """The question a button's token stands for (blocking: may rebuild a posting's questions), as
    the clicking user sees them: a posting they cannot see has no questions for them."""
    maker = scoped(bot, where).quiz_maker if where is not None else bot.services.quiz_maker
    return maker.question(_question_id(bot, token, where))


def _question_text(message: discord.Message | None, custom_id: str) -> str | None:
    """The question an Answer button belongs to, read from the quiz embed on the same message
    (its fields are in the same order as the Answer buttons)."""
    if message is None or not message.embeds:
        return None
    answer_ids = [child.custom_id for row in message.components for child in getattr(row, "children", [])
                  if (getattr(child, "custom_id", None) or "").startswith("pb:answer:")]
    fields = message.embeds[0].fields
    if custom_id not in answer_ids or len(fields) != len(answer_ids):
        return None
    return fields[answer_ids.index(custom_id)].value


class _Button(discord.ui.DynamicItem[discord.ui.Button], template=r"pb:never-matches^"):
    """A dynamic button whose failures go through the shared error reporting."""

    @classmethod
    def parse(cls, custom_id: str) -> _Button | None:
        match = cls.__discord_ui_compiled_template__.fullmatch(custom_id)
        return cls.from_match(match) if match else None

    @classmethod
    def from_match(cls, match: re.Match[str]) -> _Button:
        raise NotImplementedError

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> _Button:
        return cls.from_match(match)

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await _bot(interaction).startup.admit(interaction)  # services still loading: wait, or defer and wait
            await self.run(interaction)
        except Exception as error:  # noqa: BLE001 - reported to the user and logged
            await report_interaction_error(_bot(interaction), interaction, error)

    async def run(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError


class VoteButton(_Button, template=r"pb:vote:(?P<vote>up|down)"):
    """👍/👎 under an answer; the vote is stored against the answer's message."""

    def __init__(self, vote: str) -> None:
        super().__init__(discord.ui.Button(emoji="👍" if vote == "up" else "👎", style=discord.ButtonStyle.secondary,
                                           custom_id=f"pb:vote:{vote}"))
        self.vote = vote

    @classmethod
    def from_match(cls, match: re.Match[str]) -> VoteButton:
        return cls(match["vote"])

    async def run(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        key = f"answer:{interaction.message.id if interaction.message else interaction.id}"
        totals = await asyncio.to_thread(bot.state.record_feedback, interaction.user.id, key,
                                         1 if self.vote == "up" else -1, bot.now())
        await interaction.response.send_message(
            f"Thanks, your {'👍' if self.vote == 'up' else '👎'} is recorded (👍 {totals.up} · 👎 {totals.down}).",
            ephemeral=True)


class RateButton(_Button, template=rf"pb:rate:(?P<user>\d+):(?P<rating>again|hard|good|easy):(?P<qid>{TOKEN})"):
    """A self-rating that schedules the question's next review (only for the user who answered)."""

    def __init__(self, user_id: int, rating: str, token: str, *, disabled: bool = False,
                 chosen: bool = False) -> None:
        style = RATING_STYLES[rating]
        if disabled:  # after rating: the choice in green, the others grey
            style = discord.ButtonStyle.success if chosen else discord.ButtonStyle.secondary
        super().__init__(discord.ui.Button(label=rating.capitalize(), style=style, disabled=disabled,
                                           custom_id=f"pb:rate:{user_id}:{rating}:{token}"))
        self.user_id, self.rating, self.token = user_id, rating, token

    @classmethod
    def from_match(cls, match: re.Match[str]) -> RateButton:
        return cls(int(match["user"]), match["rating"], match["qid"])

    async def run(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message("These buttons rate the answer of the person who gave it; "
                                                    "answer the question yourself to rate it.", ephemeral=True)
            return
        await interaction.response.defer()  # rating may rebuild a posting question: acknowledge first
        bot = _bot(interaction)
        text = await asyncio.to_thread(self._rate, bot, interaction)
        if interaction.message is not None:
            await interaction.edit_original_response(view=rebuild_view(interaction.message, chosen=self.custom_id))
        await interaction.followup.send(f"Rated **{self.rating}**. {text}", ephemeral=True)

    def _rate(self, bot: PrepBot, interaction: discord.Interaction) -> str:
        return scoped_engine(bot, interaction).rate(str(self.user_id), _question_id(bot, self.token, interaction),
                                                    self.rating, bot.now())


class KeyPointsButton(_Button, template=rf"pb:keys:(?P<qid>{TOKEN})"):
    """Shows the question's key points, each behind a spoiler, to whoever asks."""

    def __init__(self, token: str) -> None:
        super().__init__(discord.ui.Button(label="Show key points", emoji="🔑", style=discord.ButtonStyle.secondary,
                                           custom_id=f"pb:keys:{token}"))
        self.token = token

    @classmethod
    def from_match(cls, match: re.Match[str]) -> KeyPointsButton:
        return cls(match["qid"])

    async def run(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        question = await asyncio.to_thread(_question, _bot(interaction), self.token, interaction)
        for chunk in split_message(render.key_points_text(question)):
            await interaction.followup.send(chunk, ephemeral=True)


class AnswerButton(_Button, template=rf"pb:answer:(?P<qid>{TOKEN})"):
    """Opens a form to answer one quiz or review question."""

    def __init__(self, token: str, label: str = "Answer") -> None:
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.primary,
                                           custom_id=f"pb:answer:{token}"))
        self.token = token

    @classmethod
    def from_match(cls, match: re.Match[str]) -> AnswerButton:
        return cls(match["qid"])

    async def run(self, interaction: discord.Interaction) -> None:
        """Open the form at once (a modal cannot follow a defer); the question is looked up on submit,
        in a worker thread, and its text is shown from the quiz message the button is on."""
        await interaction.response.send_modal(AnswerModal(self.token, _question_text(interaction.message,
                                                                                      self.custom_id)))


DYNAMIC_ITEMS: tuple[type[_Button], ...] = (VoteButton, RateButton, KeyPointsButton, AnswerButton)


class AnswerModal(discord.ui.Modal):
    """The answer form: grades the answer and replies privately with feedback and rating buttons."""

    def __init__(self, token: str, question_text: str | None = None) -> None:
        super().__init__(title="Your answer", timeout=30 * 60, custom_id=f"pb:answer-form:{token}")
        self.token = token
        self.answer: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
            custom_id="answer", style=discord.TextStyle.paragraph, min_length=1, max_length=4000,
            placeholder="Answer as you would in the interview.")
        self.add_item(discord.ui.Label(text="Your answer",
                                       description=render.truncate(question_text, 100) if question_text else None,
                                       component=self.answer))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        bot = _bot(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = bot.now()
        local_date = await bot.local_date(interaction.guild_id, now)
        question, reply = await asyncio.to_thread(self._grade, bot, interaction, now, local_date)
        if reply.feedback is None:
            await interaction.followup.send(render.truncate(reply.text, 2000), ephemeral=True)
            return
        embed = render.feedback_embed(question, reply.feedback)
        view = practice_view(interaction.user.id, rate_question_id=reply.rate_question_id)
        await interaction.followup.send(embed=embed, ephemeral=True, **view_kwargs(view))

    def _grade(self, bot: PrepBot, interaction: discord.Interaction, now: datetime,
               local_date: date | None) -> tuple[Any, Reply]:
        question = _question(bot, self.token, interaction)
        guild_id = str(interaction.guild_id) if interaction.guild_id else None
        engine = scoped_engine(bot, interaction)
        reply = engine.grade_answer(str(interaction.user.id), question.id, self.answer.value, now, guild_id,
                                    local_date)
        return question, reply

    async def on_error(self, interaction: discord.Interaction, error: Exception, /) -> None:
        await report_interaction_error(_bot(interaction), interaction, error)


# ----- views --------------------------------------------------------------------------------------
def rating_buttons(user_id: int, question_id: str) -> list[RateButton]:
    """Again/Hard/Good/Easy for `user_id`; none when the question id cannot fit in a custom id."""
    token = encode(question_id)
    return [RateButton(user_id, rating, token) for rating in render.RATINGS] if token else []


def practice_view(user_id: int, *, rate_question_id: str | None = None, votes: bool = False,
                  answer_ids: Sequence[str] = (), key_points_id: str | None = None) -> discord.ui.View | None:
    """The buttons for a message: answer, key points, rating, votes; None when there are none."""
    view = discord.ui.View(timeout=None)
    for number, question_id in enumerate(answer_ids, start=1):
        if token := encode(question_id):
            view.add_item(AnswerButton(token, f"Answer {number}" if len(answer_ids) > 1 else "Answer"))
    if key_points_id and (token := encode(key_points_id)):
        view.add_item(KeyPointsButton(token))
    if rate_question_id:
        for button in rating_buttons(user_id, rate_question_id):
            view.add_item(button)
    if votes:
        view.add_item(VoteButton("up"))
        view.add_item(VoteButton("down"))
    return view if view.children else None


def view_kwargs(view: discord.ui.View | None) -> dict[str, discord.ui.View]:
    """`{"view": view}`, or nothing: webhook sends take no `view=None`."""
    return {"view": view} if view is not None else {}


def rebuild_view(message: discord.Message, *, chosen: str) -> discord.ui.View:
    """The message's buttons again, with its rating buttons disabled and the `chosen` one marked.

    Only dynamic items (and link buttons) are kept: a view holding other interactive items would
    be stored per message, and discord.py unregisters dynamic classes when such a view expires."""
    view = discord.ui.View(timeout=None)
    for row, component in enumerate(message.components):
        for child in getattr(component, "children", []):
            custom_id = getattr(child, "custom_id", None) or ""
            item: discord.ui.Item | None
            if (rate := RateButton.parse(custom_id)) is not None:
                item = RateButton(rate.user_id, rate.rating, rate.token, disabled=True,
                                  chosen=custom_id == chosen)
            elif getattr(child, "url", None):
                item = discord.ui.Button(label=child.label, url=child.url)
            else:
                item = next((found for cls in DYNAMIC_ITEMS if (found := cls.parse(custom_id))), None)
            if item is not None:
                item.row = min(row, 4)
                view.add_item(item)
    return view
