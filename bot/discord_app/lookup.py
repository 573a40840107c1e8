"""Turn what a user typed into a role (an id from autocomplete, or words that name it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.roles import AmbiguousRole  # noqa: F401  (re-exported: the one class, for the cogs)

if TYPE_CHECKING:
    from bot.core.index import KnowledgeIndex
    from bot.core.postings import Posting

LISTED = 10


def resolve_role(index: KnowledgeIndex, text: str) -> Posting:
    """The one role `text` names (an autocomplete id or words), by the one role-resolution policy
    (bot.core.roles); RoleNotFound or AmbiguousRole otherwise."""
    exact = index.role(text.strip())
    if exact is not None:
        return exact
    return index.resolver.resolve_one(text)
