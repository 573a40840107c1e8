"""Turn what a user typed into a role (an id from autocomplete, or words that name it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.errors import PrepbotError, RoleNotFound

if TYPE_CHECKING:
    from bot.core.index import KnowledgeIndex
    from bot.core.postings import Posting

LISTED = 10


class AmbiguousRole(PrepbotError):
    """Words that fit several roles where one is needed."""

    def __init__(self, text: str, roles: list[Posting]) -> None:
        listing = "; ".join(f"{p.display_name} (`{p.role_id}`)" for p in roles[:LISTED])
        more = f" and {len(roles) - LISTED} more" if len(roles) > LISTED else ""
        super().__init__(f"'{text}' matches {len(roles)} roles: {listing}{more}. Pick one from the suggestions.")


def resolve_role(index: KnowledgeIndex, text: str) -> Posting:
    """The one role `text` names; RoleNotFound or AmbiguousRole otherwise."""
    exact = index.role(text.strip())
    if exact is not None:
        return exact
    roles = index.resolver.resolve_name(text).roles
    if not roles:
        raise RoleNotFound(text, [p.role_id for p in index.roles()])
    if len(roles) > 1:
        raise AmbiguousRole(text, roles)
    return roles[0]
