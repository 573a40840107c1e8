"""`prepbot`: the command-line entry point (also `python -m bot`).

Subcommands register themselves in `COMMANDS` (bot/cli_common.py, a leaf module, so the command
modules imported below never import this one back); each gets the parsed arguments and a `Services`
and returns an exit status. Output meant for people goes through rich; `--json` output is plain
JSON on stdout so other tools can rely on it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from rich.markup import escape
from rich.table import Table

# Each command module registers its subcommands when imported; a new one is added to this line.
from bot import cli_chat, cli_discord, cli_fit, cli_practice  # noqa: F401
from bot.cli_common import (
    COMMANDS,
    PARSER_EXTENSIONS,
    command,
    ensure_indexed,
    err,
    out,
    progress_bar,
    progress_callback,
)
from bot.config import Settings
from bot.core.errors import PrepbotError
from bot.core.scopes import Scope, Viewer
from bot.core.services import Services
from bot.logsetup import configure_logging

__all__ = ["COMMANDS", "PARSER_EXTENSIONS", "command", "ensure_indexed", "err", "main", "out", "print_answer"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="prepbot", description="ML interview prep grounded in real job postings.")
    parser.add_argument(
        "--data-dir", type=Path, help="where the index and state live (default: $PREPBOT_DATA_DIR or ./data)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = sub.add_parser("ingest", help="index posting files, folders or links (.txt .md .html .pdf .docx, https://)")
    ingest.add_argument("paths", nargs="+", metavar="PATH_OR_URL", help="a file, a folder or an http(s) link")
    ingest.add_argument("--scope", default="library", metavar="SCOPE",
                        help="whose postings: library (everyone; default), server:<server id> or user:<user id>")

    roles = sub.add_parser("roles", help="list the indexed roles")
    roles.add_argument("--json", action="store_true", help="print a JSON list")
    roles.add_argument("--scope", metavar="SCOPE", help="list what one scope holds: library, server:<id> or user:<id>")

    ask = sub.add_parser("ask", help="ask questions about the roles; answers cite the postings")
    ask.add_argument("--role", help="role id or words that name it (e.g. 'e-commerce')")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument("--as-user", type=int, metavar="USER_ID", help="answer as this Discord user sees it")
    ask.add_argument("--server", type=int, metavar="SERVER_ID", help="...asking in this Discord server (its postings)")
    ask.add_argument("questions", nargs="*", metavar="QUESTION", help="questions; none starts an interactive loop")

    for extend in PARSER_EXTENSIONS:
        extend(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    if args.data_dir:
        os.environ["PREPBOT_DATA_DIR"] = str(args.data_dir)
    try:
        services = Services(Settings())
        return COMMANDS[args.command](args, services)
    except PrepbotError as error:
        err.print(f"[red]error:[/red] {escape(str(error))}")
        return 1
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130


# ----- ingest -------------------------------------------------------------------------------------
@command("ingest")
def run_ingest(args: argparse.Namespace, services: Services) -> int:
    with progress_bar() as progress:
        sources = [path if path.lower().startswith(("http://", "https://")) else Path(path) for path in args.paths]
        report = services.index.ingest(
            sources,
            progress=progress_callback(progress),
            fetch_limits=services.settings.fetch_limits(),
            scope=Scope.parse(args.scope),
        )
    for failure in report.failed:
        err.print(f"[red]failed[/red] {escape(f'{failure.path}: {failure.reason}')}")
    for merged in (o for o in report.outcomes if o.status == "merged"):
        out.print(escape(f"merged {merged.path} -> {merged.role_id} ({merged.reason})"))
    out.print(
        f"roles added: {report.count('added')}, updated: {report.count('updated')}, "
        f"unchanged: {report.count('unchanged')}, merged as duplicates: {report.count('merged')}, "
        f"failed: {len(report.failed)}; chunks written: {report.chunks_written}; "
        f"roles indexed: {len(services.index.scope_roles(Scope.parse(args.scope)))}"
        + ("" if args.scope == "library" else f" in {Scope.parse(args.scope).key}")
    )
    return 1 if report.failed else 0


# ----- roles --------------------------------------------------------------------------------------
@command("roles")
def run_roles(args: argparse.Namespace, services: Services) -> int:
    if args.scope:  # one scope's own roles (a server's, a user's, or the library's)
        scope = Scope.parse(args.scope)
        index = services.index
        listed = [(role, index.scope_sources(scope, role.role_id)) for role in index.scope_roles(scope)]
    else:
        listed = services.listed_roles()  # straight from the store's file: no model, no chromadb
    if listed is None:
        ensure_indexed(services)
        listed = [(role, services.index.sources(role.role_id)) for role in services.index.roles()]
    roles = [role for role, _ in listed]
    if args.json:
        print(json.dumps([role.summary() | {"sources": sources} for role, sources in listed], indent=2))
        return 0
    table = Table(title=f"{len(roles)} indexed roles", show_lines=True)
    for column in ("id", "title", "level", "location", "pay"):
        table.add_column(column, overflow="fold")
    for role in roles:
        pay = role.pay.describe() if role.pay else "not stated"
        table.add_row(
            role.role_id, f"{role.title}\n[dim]{role.company or ''}[/dim]", role.level or "?", role.location or "?", pay
        )
    out.print(table)
    return 0


# ----- ask ----------------------------------------------------------------------------------------
@command("ask")
def run_ask(args: argparse.Namespace, services: Services) -> int:
    ensure_indexed(services)
    if args.as_user is not None or args.server is not None:  # what that user sees: library + server + own
        from bot.core.scoped import for_viewer

        services = for_viewer(services, Viewer(args.as_user, args.server))
    if not args.questions:
        return _ask_loop(args, services)
    status = 0
    for question in args.questions:
        status |= _answer_one(question, args, services)
    return status


def _answer_one(question: str, args: argparse.Namespace, services: Services) -> int:
    try:
        answer = services.answers.answer(question, role=args.role)
    except PrepbotError as error:
        if args.json:
            print(
                json.dumps({"question": question, "answer": None, "role": None, "citations": [], "error": str(error)})
            )
        err.print(f"[red]error:[/red] {escape(str(error))}")
        return 1
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print_answer(answer)
    return 0


def print_answer(answer) -> None:
    """Posting text and questions are printed as text, never as rich markup: a posting line with
    "[/]" or "[bold" in it must not crash or restyle the output."""
    out.print(f"[bold]Q:[/bold] {escape(answer.question)}")
    out.print(escape(answer.text))
    for number, citation in enumerate(answer.citations, start=1):
        section = citation.to_dict()["section"]
        out.print(f"  [dim]{escape(f'[{number}] {citation.title} · {section} · “{citation.quote}”')}[/dim]")
    out.print()


def _ask_loop(args: argparse.Namespace, services: Services) -> int:
    out.print("Ask about the indexed roles (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = input("? ").strip()
        except EOFError:
            return 0
        if not question:
            return 0
        _answer_one(question, args, services)

if __name__ == "__main__":
    sys.exit(main())
