"""Every embed the bot sends, built here and kept within Discord's limits.

Limits (per embed): title 256, description 4,096, 25 fields (name 256, value 1,024), footer 2,048,
author 256, and 6,000 characters in total. `fit` enforces them on any embed: it shortens text with
an ellipsis and drops trailing fields rather than letting Discord reject the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord

from bot.core.fetch import is_url

if TYPE_CHECKING:
    from bot.core.answers import Answer
    from bot.core.citations import Citation
    from bot.core.ingest import IngestReport
    from bot.core.postings import Posting
    from bot.core.state import LeaderboardRow, Progress

TITLE, DESCRIPTION, FIELDS, FIELD_NAME, FIELD_VALUE = 256, 4096, 25, 256, 1024
FOOTER, AUTHOR, TOTAL = 2048, 256, 6000
ELLIPSIS = "…"

ANSWER_COLOUR = discord.Colour.blurple()
PRACTICE_COLOUR = discord.Colour.green()
INFO_COLOUR = discord.Colour.light_grey()
RATINGS = ("again", "hard", "good", "easy")


def truncate(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending in an ellipsis when cut."""
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def fit(embed: discord.Embed) -> discord.Embed:
    """Make `embed` valid for Discord, in place: shorten texts, drop fields beyond the limits."""
    if embed.title:
        embed.title = truncate(embed.title, TITLE)
    if embed.description:
        embed.description = truncate(embed.description, DESCRIPTION)
    if embed.footer.text:
        embed.set_footer(text=truncate(embed.footer.text, FOOTER), icon_url=embed.footer.icon_url)
    if embed.author.name:
        embed.set_author(name=truncate(embed.author.name, AUTHOR), url=embed.author.url)
    fields = [(truncate(f.name or "-", FIELD_NAME), truncate(f.value or "-", FIELD_VALUE), f.inline)
              for f in embed.fields][:FIELDS]
    embed.clear_fields()
    for name, value, inline in fields:
        embed.add_field(name=name, value=value, inline=inline)
    while len(embed) > TOTAL and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > TOTAL and embed.description:
        embed.description = truncate(embed.description, max(1, len(embed.description) - (len(embed) - TOTAL)))
    return embed


def _listing(lines: Sequence[str], limit: int, more: str = "…and {n} more") -> str:
    """As many whole lines as fit in `limit` characters, then a count of those left out."""
    lines = [truncate(line, limit // 2) for line in lines]
    if len("\n".join(lines)) <= limit:
        return "\n".join(lines)
    out: list[str] = []
    used = 0
    for number, line in enumerate(lines):
        tail = more.format(n=len(lines) - number)
        if used + len(line) + 1 + len(tail) > limit:
            out.append(tail)
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


# ----- answers ------------------------------------------------------------------------------------
def citation_label(number: int, citation: Citation) -> str:
    section = citation.to_dict()["section"]
    return f"[{number}] {citation.title} · {section}"


def citation_origin(citation: Citation) -> str:
    """Where the quote is: a link to the posting's page, or the file's readable name and line."""
    if is_url(citation.source):
        return source_label(citation.source, citation.source_name)
    return f"{source_label(citation.source, citation.source_name)}, line {citation.line}"


def source_label(source: str, name: str = "") -> str:
    """A posting's source for people: a masked link for a URL, else its readable name or file name."""
    if is_url(source):
        shown = discord.utils.escape_markdown(truncate(name or source.split("://", 1)[-1], 80)).replace("]", "\\]")
        return f"[{shown}]({source.replace(')', '%29')})"
    return discord.utils.escape_markdown(name or Path(source).name)


def answer_embed(question: str, answer: Answer) -> discord.Embed:
    """The answer, with each citation as a field quoting the posting line it comes from."""
    embed = discord.Embed(title=question, description=answer.text or "-", colour=ANSWER_COLOUR)
    for number, citation in enumerate(answer.citations, start=1):
        quote = truncate(citation.quote, FIELD_VALUE - 80)
        embed.add_field(name=citation_label(number, citation), value=f"> {quote}\n-# {citation_origin(citation)}",
                        inline=False)
    if not answer.citations:
        embed.set_footer(text="No posting line supports more than this, so nothing is cited.")
    return fit(embed)


def sources_block(citations: Sequence[Citation]) -> str:
    """Citations as text under a DM answer."""
    if not citations:
        return ""
    lines = [f"-# {citation_label(n, c)} — “{truncate(c.quote, 300)}” ({citation_origin(c)})"
             for n, c in enumerate(citations, start=1)]
    return "**Sources**\n" + "\n".join(lines)


# ----- roles --------------------------------------------------------------------------------------
def role_line(posting: Posting) -> str:
    """A role as people tell roles apart: title, company, place (never its internal id)."""
    where = f" · {posting.location}" if posting.location else ""
    return f"• **{posting.display_name}** — {posting.company or 'unknown company'}{where}"


def roles_embed(roles: Sequence[Posting]) -> discord.Embed:
    if not roles:
        return discord.Embed(title="Indexed roles", description="No roles are indexed yet.", colour=INFO_COLOUR)
    listing = _listing([role_line(p) for p in roles], DESCRIPTION, "…and {n} more (use /role show with a name)")
    embed = discord.Embed(title=f"{len(roles)} indexed role{'s' if len(roles) != 1 else ''}", description=listing,
                          colour=INFO_COLOUR)
    embed.set_footer(text="/role show <role> for details · /role set <role> to make it your target")
    return fit(embed)


def role_embed(posting: Posting, sources: Sequence[str], *, is_target: bool = False) -> discord.Embed:
    embed = discord.Embed(title=posting.display_name, description=posting.company or "Company not stated",
                          colour=ANSWER_COLOUR)
    details: list[tuple[str, Any]] = [
        ("Level", posting.level), ("Location", posting.location), ("Work mode", posting.work_mode),
        ("Employment", posting.employment_type), ("Pay", posting.pay.describe() if posting.pay else None),
        ("Duration", posting.duration), ("Team", posting.team),
        ("Tech stack", ", ".join(posting.tech_stack) if posting.tech_stack else None),
    ]
    for name, value in details:
        if value:
            embed.add_field(name=name, value=str(value), inline=name not in ("Tech stack", "Location"))
    if sources:
        named = [source_label(s, posting.source_name if s == posting.source else "") for s in sources]
        embed.add_field(name="Source", value="\n".join(named), inline=False)
    if is_target:
        embed.set_footer(text="Your target role")
    return fit(embed)


# ----- practice -----------------------------------------------------------------------------------
def question_line(question: Any) -> str:
    return f"{question.topic} · {question.difficulty}"


def quiz_embed(questions: Sequence[Any], title: str, *, note: str = "") -> discord.Embed:
    """Numbered questions; the buttons under the message open an answer form for each."""
    embed = discord.Embed(title=title, colour=PRACTICE_COLOUR,
                          description=note or "Press **Answer n** to answer a question; you get feedback privately.")
    for number, question in enumerate(questions, start=1):
        embed.add_field(name=f"{number}. {question_line(question)}", value=question.question, inline=False)
    embed.set_footer(text=" · ".join(q.id for q in questions))
    return fit(embed)


DAILY_FOOTER = "Answer in the thread below to get feedback and keep your streak · "


def daily_title(local_date: date) -> str:
    """The daily post's title; with the footer's question id it marks the post for crash recovery."""
    return f"Daily question — {local_date.isoformat()}"


def daily_embed(question: Any, local_date: date) -> discord.Embed:
    embed = discord.Embed(title=daily_title(local_date), description=question.question, colour=PRACTICE_COLOUR)
    embed.add_field(name="Topic", value=question.topic)
    embed.add_field(name="Difficulty", value=question.difficulty)
    embed.set_footer(text=f"{DAILY_FOOTER}{question.id}")
    return fit(embed)


def daily_question_id(embed: discord.Embed, local_date: date) -> str | None:
    """The question id of a daily post for ``local_date`` (see :func:`daily_embed`), else None."""
    footer = embed.footer.text or ""
    if embed.title != daily_title(local_date) or not footer.startswith(DAILY_FOOTER):
        return None
    return footer.removeprefix(DAILY_FOOTER).strip() or None


def feedback_embed(question: Any, feedback: Any, *, streak: int | None = None) -> discord.Embed:
    """Each key point beside its verdict: what the answer discussed (with its words), points it
    contradicts and points it missed (key points behind spoilers, so a thread does not give the daily
    question away), job terms used, and a request for the student's own rating."""
    covered, missed = list(feedback.covered), list(feedback.missed)
    contradicted = list(getattr(feedback, "contradicted", None) or [])
    total = len(covered) + len(missed) + len(contradicted)
    embed = discord.Embed(title=f"Feedback — you discussed {len(covered)} of {total} key points",
                          description=f"**{question_line(question)}**\n{question.question}", colour=PRACTICE_COLOUR)
    if covered:
        embed.add_field(name="You discussed ✓", value=_listing([_covered_line(item) for item in covered], FIELD_VALUE),
                        inline=False)
    if contradicted:
        lines = [f"• the key point says ||{_spoiler_safe(str(point))}||\n  ↳ you said “{truncate(str(said), 120)}”"
                 for point, said in contradicted]
        embed.add_field(name="Check this ⚠ (spoilers)", value=_listing(lines, FIELD_VALUE), inline=False)
    if missed:
        missed_lines = [f"• ||{_spoiler_safe(str(point))}||" for point in missed]
        embed.add_field(name="You didn't mention ✗ (spoilers)", value=_listing(missed_lines, FIELD_VALUE), inline=False)
    terms = list(getattr(feedback, "job_terms", None) or [])
    if terms:
        embed.add_field(name="Terms from the job posting you used", value=truncate(", ".join(terms), FIELD_VALUE),
                        inline=False)
    critique = getattr(feedback, "critique", None)
    if critique:
        embed.add_field(name="Critique (language model)", value=truncate(str(critique), FIELD_VALUE), inline=False)
    notes = list(getattr(feedback, "notes", None) or [])
    if notes:
        embed.add_field(name="Notes", value=_listing([f"• {n}" for n in notes], FIELD_VALUE), inline=False)
    footer = ("Compare your answer with the key points, then rate how well you knew it; "
              "your rating schedules the review.")
    if streak:
        footer = f"🔥 {streak}-day streak · {footer}"
    embed.set_footer(text=footer)
    return fit(embed)


def _covered_line(item: Any) -> str:
    """A covered key point; the grader gives (key point, the answer's sentence, similarity)."""
    if isinstance(item, tuple | list) and len(item) >= 2:
        return f"• {item[0]}\n  ↳ “{truncate(str(item[1]), 120)}”"
    return f"• {item}"


def _spoiler_safe(text: str) -> str:
    return text.replace("||", "| |")


def key_points_text(question: Any) -> str:
    """The model answer's key points, each behind a spoiler."""
    points = "\n".join(f"• ||{_spoiler_safe(p)}||" for p in question.key_points)
    return f"**Key points** for “{truncate(question.question, 300)}”\n{points}"


def progress_embed(progress: Progress, target: Posting | None) -> discord.Embed:
    mean = progress.mean_coverage
    embed = discord.Embed(title="Your progress", colour=PRACTICE_COLOUR)
    embed.add_field(name="Answers", value=f"{progress.answers} (mean coverage {_percent(mean)})")
    embed.add_field(name="Questions practised", value=str(progress.questions_practised))
    embed.add_field(name="Review cards", value=f"{progress.cards_total} ({progress.cards_due} due now)")
    embed.add_field(name="Streak", value=f"{progress.streak_days} day{'s' if progress.streak_days != 1 else ''}")
    embed.add_field(name="Target role", value=target.display_name if target else "not set (/role set)")
    if progress.topics:
        lines = [f"• {t.topic}: {t.answers} ({_percent(t.mean_coverage)})" for t in progress.topics.values()]
        embed.add_field(name="By topic", value=_listing(lines, FIELD_VALUE), inline=False)
    return fit(embed)


def leaderboard_embed(rows: Sequence[LeaderboardRow], period: str, guild_name: str,
                      min_answers: int = 1) -> discord.Embed:
    """Ranked by the quality of answers (share of key points made), not their number."""
    label = "this week" if period == "week" else "all time"
    embed = discord.Embed(title=f"Leaderboard — {label}", colour=PRACTICE_COLOUR)
    if not rows:
        needed = f"{min_answers} graded answers" if min_answers > 1 else "a graded answer"
        embed.description = (f"No answers yet: a member appears with {needed} {label}. Answer the daily question "
                             "in its thread to get on the board.")
    else:
        lines = [f"**{rank}.** <@{row.user_id}> — {_percent(row.quality)} of key points · {row.answers} "
                 f"answer{'s' if row.answers != 1 else ''}{f' · 🔥 {row.streak}' if row.streak else ''}"
                 for rank, row in enumerate(rows, start=1)]
        embed.description = _listing(lines, DESCRIPTION)
    minimum = f"; {min_answers}+ answers to appear" if min_answers > 1 else ""
    embed.set_footer(text=f"{guild_name} · ranked by answer quality, streaks break ties{minimum} · "
                          "/leaderboard hide to leave the board")
    return fit(embed)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


# ----- admin --------------------------------------------------------------------------------------
def ingest_summary(report: IngestReport, roles: dict[str, Posting]) -> str:
    """One line per file: what the ingest did with the posting."""
    lines = []
    for outcome in report.outcomes:
        name = outcome.path if is_url(outcome.path) else Path(outcome.path).name
        role = roles.get(outcome.role_id or "")
        label = f"**{role.display_name}**" if role else "a role"
        if outcome.status in ("added", "updated"):
            lines.append(f"✅ {outcome.status.capitalize()} {label} from {name}.")
        elif outcome.status == "unchanged":
            lines.append(f"➖ {label} is already indexed with the same text.")
        elif outcome.status == "merged":
            lines.append(f"🔁 {name} duplicates {label} ({outcome.reason}); merged as another source.")
        else:
            lines.append(f"❌ {name} was not added: {outcome.reason}")
    return "\n".join(lines) or "Nothing was ingested."


HELP_SECTIONS = (
    ("Ask", "`/ask question [role] [private]` — answers from the job postings, with sources.\n"
            "`/roles` — the indexed roles. `/role show role` · `/role set role` (your default role)."),
    ("Practise", "`/quiz [role] [topic] [difficulty] [count]` — questions with private feedback.\n"
                 "`/mock start [role]` — a mock interview in your DMs; `/mock stop` ends it.\n"
                 "`/review` — practised questions due again · `/progress` — your stats, with a chart."),
    ("Prepare", "`/fit role resume` — your resume against a role: each requirement shown, mentioned or missing "
                "(private; the resume is not kept unless you say so).\n`/plan role date minutes [timezone]` — a "
                "day-by-day study plan to your interview, with a chart · `/forget` — delete all I store about you."),
    ("Study groups", "`/studygroup setup channel time timezone` — a daily question in that channel "
                     "(Manage Server) · `/studygroup off`.\nAnswer in the day's thread for feedback and "
                     "streaks; `/leaderboard show [week|all]` ranks by answer quality, `/leaderboard hide` leaves "
                     "it. Mention me in the channel to ask in a thread."),
    ("Postings", "`/posting add` — add a posting from a file, a link or pasted text: in DMs it is yours alone, "
                 "in a server it is the server's (Manage Server). `/posting list` · `/posting remove`."),
    ("DMs", "DM me anything: “what does the PhD one pay?”, “quiz me on pytorch”, “start a mock interview”."),
)


def help_embed() -> discord.Embed:
    embed = discord.Embed(title="prepbot — ML interview prep grounded in real job postings", colour=INFO_COLOUR)
    for name, value in HELP_SECTIONS:
        embed.add_field(name=name, value=value, inline=False)
    return fit(embed)
