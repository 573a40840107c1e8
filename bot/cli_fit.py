"""`prepbot fit`, `prepbot plan` and `prepbot forget`.

`fit --json` prints `{"role", "requirements": [{"kind", "requirement", "status", "posting_quote",
"resume_quote"}], "summary", "practice"}`; `plan --json` prints `{"role", "interview_date",
"feasible", "days": [{"date", "new", "reviews", "minutes"}], "topics": [{"topic", "weight",
"questions", "predicted_recall"}], ...}`. A resume that cannot be read exits 1 with one line on
stderr (every error is a `PrepbotError`, which `bot.cli.main` prints that way).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from bot.cli_common import PARSER_EXTENSIONS, command, emit, ensure_indexed, out
from bot.core.errors import PrepbotError

if TYPE_CHECKING:
    from bot.core.fit.service import FitOutcome
    from bot.core.services import Services

LOCAL_USER = "local"
STATUS_MARK = {"evidenced": "[green]✓ evidenced[/green]", "mentioned": "[yellow]~ mentioned[/yellow]",
               "missing": "[red]✗ missing[/red]"}


class ForgetNotConfirmed(PrepbotError):
    """`prepbot forget` without --yes where nobody can answer the question."""


def add_fit_parsers(sub: argparse._SubParsersAction) -> None:
    fit = sub.add_parser("fit", help="check a resume against a role: each requirement evidenced, mentioned or missing")
    fit.add_argument("resume", metavar="FILE", type=Path, help="your resume: PDF, DOCX, TXT or MD")
    fit.add_argument("--role", required=True, help="role id or words that name it")
    fit.add_argument("--json", action="store_true", help="print one JSON object")
    fit.add_argument("--no-cards", action="store_true", help="do not add review cards for the gaps")
    fit.add_argument("--user", default=LOCAL_USER, help=argparse.SUPPRESS)

    plan = sub.add_parser("plan", help="a day-by-day study plan to your interview date")
    plan.add_argument("--role", required=True, help="role id or words that name it")
    plan.add_argument("--date", required=True, help="interview date, YYYY-MM-DD")
    plan.add_argument("--minutes", required=True, type=int, help="minutes you can study per day")
    plan.add_argument("--start", help="first day of the plan, YYYY-MM-DD (default: today)")
    plan.add_argument("--json", action="store_true", help="print one JSON object")
    plan.add_argument("--ics", type=Path, metavar="FILE", help="also write the plan as a calendar (.ics)")
    plan.add_argument("--chart", type=Path, metavar="FILE", help="also draw the plan as a PNG chart")
    plan.add_argument("--user", default=LOCAL_USER, help=argparse.SUPPRESS)

    forget = sub.add_parser("forget", help="delete everything stored about you (cards, answers, plans, resume)")
    forget.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    forget.add_argument("--user", default=LOCAL_USER, help="whose data (default: the terminal user)")


PARSER_EXTENSIONS.append(add_fit_parsers)


# ----- fit ----------------------------------------------------------------------------------------
@command("fit")
def run_fit_command(args: argparse.Namespace, services: Services) -> int:
    from bot.core.fit import read_resume_file
    from bot.core.fit.service import resolve_role, run_fit

    resume = read_resume_file(args.resume)  # an unreadable file stops here: no judgement at all
    ensure_indexed(services)
    posting = resolve_role(services, args.role)
    outcome = run_fit(services, args.user, posting, resume, datetime.now(UTC), schedule=not args.no_cards)
    return emit(outcome, args.json, print_fit)


def print_fit(outcome: FitOutcome) -> None:
    report = outcome.report
    out.print(f"[bold]Fit: {escape(report.resume_name)} → {escape(report.role_name)}[/bold] "
              f"[dim]({escape(report.role_id)})[/dim]")
    out.print(f"[bold]{escape(report.summary_text())}[/bold]\n")
    for kind, rows in report.by_kind():
        out.print(f"[bold underline]{kind.capitalize()} requirements[/bold underline]")
        for row in rows:
            out.print(f"{STATUS_MARK[row.status]}  {escape(row.requirement)}")
            out.print(f"    [dim]posting: “{escape(row.posting_quote)}”[/dim]")
            if row.resume_quote:
                out.print(f"    [dim]resume:  “{escape(row.resume_quote)}”[/dim]")
        out.print()
    if outcome.scheduled:
        out.print(f"[bold]Added {len(outcome.scheduled)} review cards for the gaps[/bold] (due now; `prepbot chat` "
                  "→ review):")
        for item in outcome.scheduled:
            out.print(f"  • [{escape(item.topic or '')}] {escape(item.question or '')} [dim]({item.question_id})[/dim]")
    if outcome.listed:
        out.print("[bold]Also worth practising[/bold] (not scheduled: at most five new cards per check):")
        for item in outcome.listed:
            out.print(f"  • [{escape(item.topic or '')}] {escape(item.question or '')} [dim]({item.question_id})[/dim]")
    out.print("[dim]This reads what the resume says, line by line; it does not rate you.[/dim]")


# ----- plan ---------------------------------------------------------------------------------------
@command("plan")
def run_plan(args: argparse.Namespace, services: Services) -> int:
    from bot.core.fit.service import resolve_role
    from bot.core.plan import parse_date, plan_for

    interview = parse_date(args.date)
    now = datetime.now(UTC)
    start = parse_date(args.start) if args.start else now.astimezone().date()
    ensure_indexed(services)
    posting = resolve_role(services, args.role)
    plan = plan_for(services, args.user, posting, interview, args.minutes, start, now)
    written = []
    if args.ics:
        from bot.core.plan.ics import write_calendar

        _write(args.ics, lambda path: write_calendar(plan, posting.display_name, path))
        written.append(str(args.ics))
    if args.chart:
        from bot.core.charts import plan_chart

        _write(args.chart, lambda path: path.write_bytes(plan_chart(plan, posting.display_name)))
        written.append(str(args.chart))
    return emit(plan, args.json, lambda shown: print_plan(shown, posting.display_name, written))


class CannotWrite(PrepbotError):
    """An --ics or --chart path that cannot be written."""


def _write(path: Path, write) -> None:
    try:
        write(path)
    except OSError as err:
        raise CannotWrite(f"Cannot write {path}: {err.strerror or err}.") from None


def print_plan(plan, role_name: str, written: Sequence[str] = ()) -> None:  # noqa: ANN001
    """The plan per day and per topic, then the files the command wrote (--ics, --chart)."""
    colour = "green" if plan.feasible else "yellow"
    out.print(f"[bold]Study plan: {escape(role_name)} — interview {plan.interview.isoformat()}, "
              f"{plan.minutes} min/day[/bold]")
    out.print(f"[{colour}]{escape(plan.note())}[/{colour}]\n")
    out.print("[bold]Per day[/bold]  [dim](new questions · reviews · minutes)[/dim]")
    for day in plan.days:
        out.print(f"  {day.date.strftime('%a %Y-%m-%d')}  {day.new:>2} new · {day.reviews:>2} reviews · "
                  f"{day.minutes:>5.1f} min")
    out.print("\n[bold]Topics[/bold]  [dim](weight · questions · predicted recall on the day)[/dim]")
    for topic in plan.topics:
        if topic.questions or topic.topic in plan.dropped:
            left = f" · {plan.dropped[topic.topic]} left out" if topic.topic in plan.dropped else ""
            out.print(f"  {escape(topic.topic):<16} {topic.weight:>5.0%} · {topic.questions:>3} · "
                      f"{topic.predicted_recall:>4.0%}{left}")
    for path in written:
        out.print(f"[dim]wrote {escape(path)}[/dim]")


# ----- forget -------------------------------------------------------------------------------------
@command("forget")
def run_forget(args: argparse.Namespace, services: Services) -> int:
    from bot.core.forget import forget_user

    if not args.yes:
        if not sys.stdin.isatty():
            raise ForgetNotConfirmed("Add --yes to delete everything stored about you (nobody is here to confirm).")
        answer = input(f"Delete everything stored about '{args.user}' (cards, answers, plans, resume)? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            out.print("Nothing was deleted.")
            return 0
    forgotten = forget_user(services, args.user)
    out.print(forgotten.describe())
    return 0
