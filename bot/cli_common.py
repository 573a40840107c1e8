"""What every `prepbot` subcommand module shares: the command registry and the output helpers.

A leaf module (it imports no command module), so `bot.cli` can import the command modules and they
can import this without a circle. A new command module (like bot/cli_practice.py) registers itself:

    from bot.cli_common import PARSER_EXTENSIONS, command, out

    def add_parsers(sub: argparse._SubParsersAction) -> None:
        sub.add_parser("mine", help="...")

    PARSER_EXTENSIONS.append(add_parsers)

    @command("mine")
    def run_mine(args: argparse.Namespace, services: Services) -> int:
        ...

and is listed in the import line at the top of bot/cli.py.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from bot.core.services import Services

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
Command = Callable[[argparse.Namespace, "Services"], int]
#: Subcommand name -> the function that runs it (filled by `@command` as the modules are imported).
COMMANDS: dict[str, Command] = {}
#: Functions that add a module's subparsers; `bot.cli.build_parser` calls each.
PARSER_EXTENSIONS: list[Callable[[argparse._SubParsersAction], None]] = []


def command(name: str) -> Callable[[Command], Command]:
    """Register the decorated function as the runner of `prepbot <name>`."""

    def register(func: Command) -> Command:
        COMMANDS[name] = func
        return func

    return register


class Reportable(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


Shown = TypeVar("Shown", bound=Reportable)


def emit(result: Shown, as_json: bool, render: Callable[[Shown], None]) -> int:
    """`--json`: the result's `to_dict` on stdout (what scripts read, nothing else printed); otherwise
    `render` prints it for people. Returns the command's exit status."""
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        render(result)
    return 0


def progress_bar() -> Progress:
    """A progress display on stderr (hidden when stderr is not a terminal, so pipes stay clean)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def progress_callback(progress: Progress) -> Callable[[str, int, int], None]:
    """The `progress(stage, done, total)` callback ingest reports to, drawn as one bar per stage."""
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            label = {"parse": "Reading postings", "embed": "Embedding chunks"}.get(stage, stage)
            tasks[stage] = progress.add_task(label, total=total)
        progress.update(tasks[stage], completed=done, total=total)

    return update


def ensure_indexed(services: Services) -> None:
    """First run: index the bundled postings so `ask` and `roles` work straight away."""
    if services.index.is_empty():
        err.print(f"The index is empty; indexing {services.settings.postings_dir} first.")
        with progress_bar() as progress:
            report = services.ensure_indexed(progress_callback(progress))
        if report:
            for failure in report.failed:
                err.print(f"[red]failed[/red] {escape(f'{failure.path}: {failure.reason}')}")
