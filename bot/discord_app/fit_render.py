"""Embeds and views for fit checks and study plans, shared by /fit, /plan, the DM resume flow and
the daily plan DM. Views hold the resume only in memory: it is gone when the view times out unless
the person pressed "Keep my resume"."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.discord_app.errors import report_interaction_error
from bot.discord_app.render import fit, truncate

if TYPE_CHECKING:
    from bot.core.fit.service import FitOutcome
    from bot.core.plan import StudyPlan
    from bot.discord_app.bot import PrepBot

STATUS_ICON = {"evidenced": "✅", "mentioned": "🟡", "missing": "❌"}
FIT_COLOUR = discord.Colour.blurple()
LINE = 120  # characters of a requirement or quote shown per line
KEEP_TIMEOUT = 15 * 60  # seconds the "Keep my resume" button (and the resume in memory) lives
PLAN_DAYS_SHOWN = 7


def fit_embed(outcome: FitOutcome) -> discord.Embed:
    report = outcome.report
    lines = [f"**{report.summary_text()}**"]
    for kind, rows in report.by_kind():
        lines.append(f"\n__{kind.capitalize()} requirements__")
        for row in rows:
            lines.append(f"{STATUS_ICON[row.status]} {truncate(row.requirement, LINE)}")
            if row.resume_quote:
                lines.append(f"  ↳ resume: “{truncate(row.resume_quote, LINE)}”")
    embed = discord.Embed(title=f"Fit · {report.role_name}", description="\n".join(lines), colour=FIT_COLOUR)
    if outcome.scheduled:
        embed.add_field(name=f"Added to your reviews ({len(outcome.scheduled)})",
                        value="\n".join(f"• [{p.topic}] {truncate(p.question or '', 90)}" for p in outcome.scheduled),
                        inline=False)
    if outcome.listed:
        embed.add_field(name="Also worth practising (not scheduled: five new cards per check at most)",
                        value="\n".join(f"• [{p.topic}] {truncate(p.question or '', 90)}" for p in outcome.listed[:8]),
                        inline=False)
    embed.set_footer(text="✅ shown in your experience · 🟡 named but not shown in use · ❌ not found. This reads what "
                          "your resume says; it does not rate you. The resume is not stored unless you keep it.")
    return fit(embed)


def plan_embed(plan: StudyPlan, role_name: str, timezone: str | None, dm_note: str = "") -> discord.Embed:
    colour = discord.Colour.green() if plan.feasible else discord.Colour.orange()
    embed = discord.Embed(title=f"Study plan · {role_name}", colour=colour,
                          description=f"Interview **{plan.interview.isoformat()}**, {plan.minutes} min/day "
                                      f"({timezone or 'UTC'}).\n{plan.note()}")
    days = [f"`{d.date.strftime('%a %m-%d')}` {d.new} new · {d.reviews} reviews · {round(d.minutes)} min"
            for d in plan.days[:PLAN_DAYS_SHOWN]]
    more = f"\n…{len(plan.days) - PLAN_DAYS_SHOWN} more days in the chart" if len(plan.days) > PLAN_DAYS_SHOWN else ""
    embed.add_field(name="The next days", value="\n".join(days) + more, inline=False)
    topics = [f"**{t.topic}** {t.weight:.0%} · {t.questions} q · {t.predicted_recall:.0%} recall"
              for t in plan.topics if t.questions][:10]
    if topics:
        embed.add_field(name="Topics (weight · questions · predicted recall on the day)", value="\n".join(topics),
                        inline=False)
    if dm_note:
        embed.add_field(name="Daily DM", value=dm_note, inline=False)
    return fit(embed)


def chart_file(png: bytes, name: str) -> discord.File:
    import io

    return discord.File(io.BytesIO(png), filename=name)


class KeepResumeView(discord.ui.View):
    """One button: store this resume for later checks. Without a press it is dropped on timeout."""

    def __init__(self, bot: PrepBot, user_id: int, filename: str, text: str) -> None:
        super().__init__(timeout=KEEP_TIMEOUT)
        self.bot = bot
        self.user_id = user_id
        self._resume: tuple[str, str] | None = (filename, text)

    async def on_timeout(self) -> None:
        self._resume = None  # the only copy: dropped

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.user_id:
            await interaction.response.send_message("Only the person who checked this resume can keep it.",
                                                    ephemeral=True)
            return False
        return True

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await report_interaction_error(self.bot, interaction, error)

    @discord.ui.button(label="Keep my resume", style=discord.ButtonStyle.secondary, emoji="📎")
    async def keep(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        if self._resume is None:
            await interaction.response.send_message("That resume is no longer in memory; upload it again to keep "
                                                    "it.", ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        filename, text = self._resume
        now: datetime = self.bot.now()
        await asyncio.to_thread(self.bot.state.keep_resume, self.user_id, filename, text, now)
        self._resume = None
        self.stop()
        await interaction.followup.send("Kept. `/fit` without a file now uses this resume; `/forget` deletes it "
                                        "with everything else I store about you.", ephemeral=True)


class ForgetView(discord.ui.View):
    """A confirmation: nothing is deleted until the person presses the button."""

    def __init__(self, bot: PrepBot, user_id: int) -> None:
        super().__init__(timeout=5 * 60)
        self.bot = bot
        self.user_id = user_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.user_id

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await report_interaction_error(self.bot, interaction, error)

    @discord.ui.button(label="Delete everything", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        from bot.core.forget import forget_user

        await interaction.response.defer(ephemeral=True, thinking=True)
        self.stop()
        forgotten = await asyncio.to_thread(forget_user, self.bot.services, str(self.user_id))
        await interaction.followup.send(forgotten.describe(), ephemeral=True)
