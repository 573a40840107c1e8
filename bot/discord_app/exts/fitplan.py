"""/fit, /plan, /forget and the opt-in daily plan DM. Thin: parse options, call core in a worker
thread, render (bot/discord_app/fit_render.py).

Fit replies in servers are ephemeral (a resume is personal); attachments are size- and type-checked
before they are downloaded. The daily plan DM goes out at the user's local time, claimed once per
user and day in the database, so several shard processes never send it twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.core.errors import PrepbotError
from bot.core.state import StateUnavailable
from bot.discord_app import autocomplete
from bot.discord_app.fit_dm import check_upload
from bot.discord_app.fit_render import ForgetView, KeepResumeView, chart_file, fit_embed, plan_embed
from bot.discord_app.lookup import resolve_role
from bot.discord_app.render import truncate

if TYPE_CHECKING:
    from bot.core.plan import StudyPlan
    from bot.core.postings import Posting
    from bot.discord_app.bot import PrepBot

log = logging.getLogger(__name__)
PLAN_DM_QUESTIONS = 5  # question texts listed in a daily DM


class NoResume(PrepbotError):
    """/fit with neither a file, pasted text nor a kept resume."""


class FitPlan(commands.Cog):
    """Resume fit checks, study plans to an interview date, and forgetting a user."""

    def __init__(self, bot: PrepBot) -> None:
        self.bot = bot
        self.loop = tasks.loop(seconds=bot.scheduler_interval)(self._run_tick)
        self.loop.before_loop(self.bot.wait_until_ready)

    async def cog_load(self) -> None:
        self.loop.start()  # ticks do nothing until the services are ready (after connecting)

    async def cog_unload(self) -> None:
        self.loop.cancel()

    def _services(self, interaction: discord.Interaction) -> Any:
        from bot.discord_app.viewers import scoped  # the library + this server's + the user's own postings

        return scoped(self.bot, interaction)

    # ----- /fit ---------------------------------------------------------------------------------
    @app_commands.command(name="fit", description="Check your resume against a role: each requirement shown, "
                                                  "mentioned or missing")
    @app_commands.describe(role="The role to check against", resume="Your resume: PDF, DOCX, TXT or MD",
                           text="Or paste your resume's text")
    @app_commands.autocomplete(role=autocomplete.role)
    async def fit(self, interaction: discord.Interaction, role: str, resume: discord.Attachment | None = None,
                  text: str | None = None) -> None:
        if resume is not None:
            check_upload(resume)  # before anything is downloaded
        # Acknowledge first: the first role lookup of a process may build the resolver (seconds).
        await interaction.response.defer(ephemeral=interaction.guild is not None, thinking=True)
        services = self._services(interaction)
        posting = await asyncio.to_thread(lambda: resolve_role(services.index, role))  # the view, built off the loop
        user_id = interaction.user.id
        if resume is not None:
            data, filename, content_type = await resume.read(), resume.filename, resume.content_type
        elif text and text.strip():
            data, filename, content_type = text.encode("utf-8"), "pasted resume.md", "text/markdown"
        else:
            kept = await asyncio.to_thread(self.bot.state.kept_resume, user_id)
            if kept is None:
                raise NoResume("Attach your resume (PDF, DOCX, TXT or MD) or paste its text in `text:`.")
            data, filename, content_type = kept.text.encode("utf-8"), kept.filename, "text/markdown"
            filename = filename if filename.endswith((".md", ".txt")) else f"{filename}.md"
        outcome, resume_text, name = await asyncio.to_thread(self._check, services, user_id, posting, data,
                                                             filename, content_type)
        view = KeepResumeView(self.bot, user_id, name, resume_text) if resume is not None or text else None
        kwargs = {"view": view} if view is not None else {}
        await interaction.followup.send(embed=fit_embed(outcome), ephemeral=interaction.guild is not None, **kwargs)

    def _check(self, services: Any, user_id: int, posting: Posting, data: bytes, filename: str,
               content_type: str | None) -> tuple[Any, str, str]:
        from bot.core.fit import read_resume
        from bot.core.fit.service import run_fit

        resume = read_resume(data, filename, content_type)
        return run_fit(services, str(user_id), posting, resume, self.bot.now()), resume.text, resume.source_name

    # ----- /plan --------------------------------------------------------------------------------
    @app_commands.command(name="plan", description="A day-by-day study plan to your interview date, with a chart")
    @app_commands.describe(role="The role you interview for", date="Interview date, YYYY-MM-DD",
                           minutes="Minutes you can study a day", timezone="Your time zone, e.g. Europe/London "
                           "(remembered)", daily_dm="Send me each day's questions by DM at dm_time",
                           dm_time="Local time for the daily DM, HH:MM (default 08:00)")
    @app_commands.autocomplete(role=autocomplete.role, timezone=autocomplete.timezone)
    async def plan(self, interaction: discord.Interaction, role: str, date: str,
                   minutes: app_commands.Range[int, 5, 600], timezone: str | None = None,
                   daily_dm: bool | None = None, dm_time: str | None = None) -> None:
        from bot.core.plan import parse_date

        interview = parse_date(date)
        await interaction.response.defer(ephemeral=interaction.guild is not None, thinking=True)
        services = self._services(interaction)
        posting = await asyncio.to_thread(lambda: resolve_role(services.index, role))  # the view, built off the loop
        plan, prefs, png = await asyncio.to_thread(self._plan, services, interaction.user.id, posting, interview,
                                                   minutes, timezone, daily_dm, dm_time)
        note = ""
        if prefs.plan_dm:
            note = (f"On: each day's questions at {prefs.plan_dm_time} ({prefs.timezone}). "
                    "`/plan` with daily_dm: False turns it off.")
        embed = plan_embed(plan, posting.display_name, prefs.timezone, note)
        embed.set_image(url="attachment://plan.png")
        await interaction.followup.send(embed=embed, file=chart_file(png, "plan.png"),
                                        ephemeral=interaction.guild is not None)

    def _plan(self, services: Any, user_id: int, posting: Posting, interview: date, minutes: int,
              timezone: str | None, daily_dm: bool | None, dm_time: str | None) -> tuple[StudyPlan, Any, bytes]:
        from bot.core.charts import plan_chart
        from bot.core.plan import plan_for

        state = self.bot.state
        now = self.bot.now()
        prefs = state.user_prefs(user_id)
        if timezone or daily_dm is not None or dm_time:
            prefs = state.set_user_prefs(user_id, timezone=timezone, plan_dm=daily_dm, plan_dm_time=dm_time,
                                         now=now)
        if prefs.plan_dm and not prefs.timezone:
            prefs = state.set_user_prefs(user_id, timezone="UTC", now=now)
        today = now.astimezone(ZoneInfo(prefs.timezone or "UTC")).date()
        plan = plan_for(services, str(user_id), posting, interview, minutes, today, now)
        return plan, prefs, plan_chart(plan, posting.display_name)

    # ----- /forget ------------------------------------------------------------------------------
    @app_commands.command(name="forget", description="Delete everything I store about you (cards, answers, "
                                                     "plans, resume, your postings)")
    async def forget(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "This deletes everything I store about you: review cards, graded answers, sessions, streaks, your kept "
            "resume, your study plan and settings, and your own postings. It cannot be undone.",
            view=ForgetView(self.bot, interaction.user.id), ephemeral=True)

    # ----- the daily plan DM, and /forget deletions still owed -----------------------------------
    async def _run_tick(self) -> None:
        try:
            await self.finish_forgets()
            await self.tick()
        except StateUnavailable as error:
            log.warning("plan DM tick skipped: %s", error)
        except Exception as error:  # noqa: BLE001 - keep the loop alive; the next tick retries
            log.exception("plan DM tick failed")
            self.bot.notify_unexpected(error)

    async def finish_forgets(self) -> list[str]:
        """Delete the vectors of personal postings that `/forget` could not reach the store for."""
        if not self.bot.services_ready:
            return []
        from bot.core.forget import finish_pending_forgets

        return await asyncio.to_thread(finish_pending_forgets, self.bot.services)

    async def tick(self) -> list[str]:
        """Send each subscriber's plan for their local today once their local time has come."""
        if not self.bot.services_ready:
            return []
        now = self.bot.now()
        sent = []
        for prefs, saved in await asyncio.to_thread(self.bot.state.plan_dm_subscribers):
            local = now.astimezone(ZoneInfo(prefs.timezone or "UTC"))
            hours, minutes = (int(part) for part in prefs.plan_dm_time.split(":"))
            if local.time() < time(hours, minutes) or local.date() >= saved.interview_date:
                continue
            if not await asyncio.to_thread(self.bot.state.claim_plan_dm, prefs.user_id, local.date(), now=now):
                continue  # already sent today, by this or another process
            try:
                await self._send_plan_dm(prefs.user_id, saved, local.date(), now)
            except (discord.HTTPException, LookupError) as error:
                log.warning("could not DM the plan to %s: %s", prefs.user_id, error)
                await asyncio.to_thread(self.bot.state.release_plan_dm, prefs.user_id, local.date())
                continue
            await asyncio.to_thread(self.bot.state.mark_plan_dm_sent, prefs.user_id, local.date(), now=now)
            sent.append(prefs.user_id)
        return sent

    async def _send_plan_dm(self, user_id: str, saved: Any, local: date, now: datetime) -> None:
        text = await asyncio.to_thread(self._plan_dm_text, user_id, saved, local, now)
        user = self.bot.get_user(int(user_id)) or await self.bot.fetch_user(int(user_id))
        channel = user.dm_channel or await user.create_dm()
        await channel.send(text)

    def _plan_dm_text(self, user_id: str, saved: Any, local: date, now: datetime) -> str:
        maker = self.bot.services.quiz_maker
        new_ids = list(saved.data.get("days", {}).get(local.isoformat(), []))
        self.bot.state.add_new_cards(user_id, new_ids, now)  # today's new questions join the reviews
        due = self.bot.state.card_counts(user_id, now)[1]
        days_left = (saved.interview_date - local).days
        lines = [f"📅 **Today's plan** ({local.isoformat()}, {days_left} day{'s' if days_left != 1 else ''} to your "
                 f"interview): {len(new_ids)} new question{'s' if len(new_ids) != 1 else ''}; {due} card"
                 f"{'s' if due != 1 else ''} due in all."]
        for qid in new_ids[:PLAN_DM_QUESTIONS]:
            try:
                question = maker.question(qid)
            except (PrepbotError, LookupError):
                continue
            lines.append(f"• [{question.topic}] {truncate(question.question, 160)}")
        lines.append("Say **review** to practise what is due (today's new questions included). "
                     "`/plan` with daily_dm: False stops these.")
        return "\n".join(lines)


async def setup(bot: PrepBot) -> None:
    await bot.add_cog(FitPlan(bot))
