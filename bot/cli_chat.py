"""`prepbot chat`: the DM conversation in a terminal, driven by the same `ConversationEngine`.

Reads stdin line by line, so it also works piped:
`printf 'what does the PhD one pay?\\nand where is it?\\n' | prepbot chat`. "quit", "exit" or
Ctrl-D ends it. The user is "local"; state lives in the data dir like the bot's.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.markup import escape

from bot.cli_common import PARSER_EXTENSIONS, command, ensure_indexed, err, out
from bot.core.services import Services

if TYPE_CHECKING:  # imported when chatting: every other command starts faster without it
    from bot.core.conversation import ConversationEngine, Reply

log = logging.getLogger(__name__)
LOCAL_USER = "local"
QUIT_WORDS = frozenset({"quit", "exit", ":q", "bye"})
GREETING = ("Chat with prepbot: ask about the roles, or say “quiz me on pytorch”, “start a mock interview”, "
            "“help”. Ctrl-D or “quit” to leave.")


def add_chat_parser(sub: argparse._SubParsersAction) -> None:
    chat = sub.add_parser("chat", help="the DM conversation in the terminal: questions, quizzes, mock interviews")
    chat.add_argument("--user", default=LOCAL_USER, help=argparse.SUPPRESS)


PARSER_EXTENSIONS.append(add_chat_parser)


def build_engine(services: Services) -> ConversationEngine:
    """The engine over the question bank in the configured questions dir."""
    from bot.core.conversation import ConversationEngine

    return ConversationEngine(services, services.quiz_maker, services.grader)


@command("chat")
def run_chat(args: argparse.Namespace, services: Services) -> int:
    ensure_indexed(services)
    engine = build_engine(services)
    interactive = sys.stdin.isatty()
    if interactive:
        out.print(GREETING)
    for line in _lines(interactive):
        text = line.strip()
        if text.lower() in QUIT_WORDS:
            break
        if not text:
            continue
        if not interactive:
            out.print(f"[bold]you>[/bold] {escape(text)}")
        _turn(engine, args.user, text)
    return 0


def _lines(interactive: bool) -> Iterator[str]:
    """Lines from stdin until EOF: with a prompt (and line editing) on a terminal, plain when piped."""
    while True:
        try:
            line = input("you> ") if interactive else sys.stdin.readline()
        except EOFError:
            return
        if not interactive and not line:
            return
        yield line


def _turn(engine: ConversationEngine, user: str, text: str) -> None:
    try:
        reply = engine.handle(user, text, datetime.now(UTC))
    except Exception:  # a bug: keep the chat alive, log the traceback, show no internals
        log.exception("chat turn failed")
        err.print("[red]Sorry, an unexpected error occurred.[/red]")
        return
    print_reply(reply)


def print_reply(reply: Reply) -> None:
    """The reply's markdown as rich text; an answer's citations dimmed underneath."""
    body = to_markup(reply.text)
    out.print(f"[red]error:[/red] {body}" if reply.kind == "error" else body)
    for number, citation in enumerate(reply.citations, start=1):
        section = citation.to_dict()["section"]
        out.print(f"  [dim]\\[{number}] {escape(f'{citation.title} · {section} · “{citation.quote}”')}[/dim]")
    out.print()


def to_markup(text: str) -> str:
    """**bold**, _italic_ and `code` as rich markup; everything else (e.g. "[1]") printed literally."""
    marked = escape(text)
    marked = re.sub(r"\*\*(.+?)\*\*", r"[bold]\1[/bold]", marked)
    marked = re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"[italic]\1[/italic]", marked)
    return re.sub(r"`([^`]+)`", r"[cyan]\1[/cyan]", marked)
