"""The one role-resolution policy: which role(s) a person means, for answers, quizzes, mock
interviews, fit/plan, the CLI and Discord. Built on bot.core.understanding (role names as fuzzy
spans over the catalogue); this module adds the "exactly one role, please" contract.

`RoleResolver(roles)` takes the catalogue the caller may see (a scoped caller passes a filtered
list). `resolve_one` raises `RoleNotFound` or `AmbiguousRole`, whose messages name roles the way
people do (title and company), never by id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.errors import PrepbotError, RoleNotFound
from bot.core.postings import Posting
from bot.core.understanding import RoleCatalogue, resolve_name, resolve_refs

LISTED = 8


class AmbiguousRole(PrepbotError):
    """Words that fit several roles where one is needed; the message asks which one."""

    def __init__(self, text: str, roles: list[Posting]) -> None:
        self.text = text
        self.roles = roles
        super().__init__(which_one(roles, text))


def role_name(posting: Posting) -> str:
    """How people call a role: title (level) and company, never its id."""
    company = posting.company
    if company and company.lower() not in posting.title.lower():
        return f"{posting.display_name} at {company}"
    return posting.display_name


def which_one(roles: list[Posting], text: str = "") -> str:
    """ "Which one do you mean: A, B or C?" — short, by name."""
    names = [role_name(p) for p in roles[:LISTED]]
    more = f" (or one of {len(roles) - LISTED} more)" if len(roles) > LISTED else ""
    listed = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]
    said = f"“{text}” fits {len(roles)} roles. " if text else ""
    return f"{said}Which one do you mean: {listed}{more}?"


@dataclass
class Resolution:
    """The roles a text points at: one, several (ambiguous), or none; `unknown` when it named a
    role that no posting matches."""

    roles: list[Posting] = field(default_factory=list)
    phrase: str | None = None
    unknown: bool = False
    via: str = "none"


class RoleResolver:
    """Built from the roles a caller may see; cheap to rebuild when they change."""

    def __init__(self, roles: list[Posting]) -> None:
        self.catalogue = RoleCatalogue(roles)
        self.roles = self.catalogue.roles

    def resolve(self, text: str, context: list[Posting] | None = None) -> Resolution:
        refs = resolve_refs(self.catalogue, text, context)
        return Resolution(refs.roles, refs.phrase or None, refs.via == "unknown", refs.via)

    def resolve_name(self, name: str) -> Resolution:
        refs = resolve_name(self.catalogue, name)
        if not refs.roles:
            return Resolution([], name, unknown=True, via="phrase")
        return Resolution(refs.roles, refs.phrase or name, False, refs.via)

    def resolve_one(self, text: str) -> Posting:
        """The one role `text` names; RoleNotFound (listing role names) or AmbiguousRole."""
        found = self.resolve_name(text).roles
        if not found:
            raise RoleNotFound(text, role_names(self.roles))
        if len(found) > 1:
            raise AmbiguousRole(text, found)
        return found[0]


def role_names(roles: list[Posting]) -> list[str]:
    return [role_name(p) for p in roles]
