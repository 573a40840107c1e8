"""The architecture rules a reviewer would otherwise check by hand, read from the source with `ast`.

- No import cycles among bot modules, counting every import: at import time, inside functions and
  under `if TYPE_CHECKING:`. A lazy or type-only import back is still two modules that cannot be
  understood (or moved) one without the other. A module importing its own package (which re-exports
  it) is not counted: Python imports the package first anyway.
- `bot/core` never imports discord, `bot.discord_app` or the CLI: everything that is not Discord
  must run without it, and the core is what the front ends build on, never the reverse.
- One error root: the errors a user may see derive from `PrepbotError`.
"""

from __future__ import annotations

import ast
from pathlib import Path

from bot.config import PROJECT_ROOT

BOT = PROJECT_ROOT / "bot"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(BOT.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _top_level_imports(tree: ast.Module, typing: bool = False) -> list[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported: module body, try/else/if blocks (not
    TYPE_CHECKING, unless `typing`)."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If) and (typing or not _is_type_checking(node)):
            pending.extend(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend(node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body])
    return found


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The bot modules an import statement loads (a name imported from a package may be a submodule)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in MODULES}
    base = node.module or ""
    if node.level:
        package = module.split(".") if MODULES[module].name == "__init__.py" else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([base] if base else []))
    found = {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES}
    return found | ({base} if base in MODULES and len(found) < len(node.names) else set())


def _graph(typing: bool = False) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[module] = {t for node in _top_level_imports(tree, typing) for t in _targets(module, node)} - {module}
    return graph


def _full_graph() -> dict[str, set[str]]:
    """Every import statement anywhere in a module (functions, TYPE_CHECKING blocks, try/except),
    without the edge from a submodule to the package that contains it."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        nodes = [n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(n, ast.Import | ast.ImportFrom)]
        found = {t for node in nodes for t in _targets(module, node)}
        graph[module] = {t for t in found if t != module and not module.startswith(f"{t}.")}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_checker_sees_a_cycle() -> None:
    """The cycle finder reports a two-module circle and ignores a chain (so the real check can fail)."""
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycles_among_bot_modules() -> None:
    """No bot module imports, at import time, a module that imports it back (directly or in a circle)."""
    assert _cycles(_graph()) == []


def test_no_import_cycles_even_lazy_or_for_type_checking() -> None:
    """Counting imports inside functions and under TYPE_CHECKING too, the modules form no circle: a
    shared type lives in the lower module, and a higher one is reached through a Protocol or a callable."""
    assert _cycles(_full_graph()) == []


def test_the_full_graph_sees_lazy_and_type_only_imports() -> None:
    """The full graph has the edges the import-time graph leaves out (so the check above can fail):
    Services builds the conversation engine lazily, and a package's own submodules are not edges back."""
    lazy, eager = _full_graph(), _graph()
    assert "bot.core.conversation" in lazy["bot.core.services"]
    assert "bot.core.conversation" not in eager["bot.core.services"]
    assert "bot.core.conversation" not in lazy["bot.core.conversation._engine"]


def test_core_never_imports_the_front_ends() -> None:
    """No module under bot/core imports bot.discord_app or the CLI (bot.cli, bot.cli_*), at any level."""
    offenders = sorted(f"{module} -> {target}" for module, targets in _full_graph().items()
                       if module.startswith("bot.core") for target in targets
                       if target.startswith(("bot.discord_app", "bot.cli")))
    assert offenders == []


def test_the_discord_bot_imports_nothing_that_imports_it() -> None:
    """Even counting imports for type checking, no module the bot class imports imports it back: features
    register themselves from their extension's setup, and helpers take the small Protocol they need."""
    cycles = [c for c in _cycles(_graph(typing=True)) if "bot.discord_app.bot" in c]
    assert cycles == []


def test_core_never_imports_discord() -> None:
    """No module under bot/core imports discord, at any level (ruff bans it too; this also covers
    imports inside functions, which a newcomer might add to dodge the rule)."""
    offenders = []
    for module, path in MODULES.items():
        if not module.startswith("bot.core"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{module}: {n}" for n in names if n == "discord" or n.startswith("discord.")]
    assert offenders == []


def test_user_facing_errors_share_one_root() -> None:
    """State and quiz errors are PrepbotErrors, so every front end shows them as one line."""
    from bot.core.errors import PrepbotError
    from bot.core.quiz import AmbiguousRole, InvalidQuizRequest
    from bot.core.state import InvalidSetting, StateError, StateUnavailable

    for error in (StateError, InvalidSetting, StateUnavailable, InvalidQuizRequest, AmbiguousRole):
        assert issubclass(error, PrepbotError), error.__name__
