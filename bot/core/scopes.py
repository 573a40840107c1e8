"""Who a posting belongs to, and who may see it.

Every role has one owner scope: the *library* (the bundled postings and any an operator adds with
`prepbot ingest`), a *server* (added by that Discord server's managers) or a *user* (a student's
personal postings). A question is asked by a `Viewer` — a user, maybe in a server — who sees the
library, that server's postings and their own, and nothing else. The index, the retrievers, the
role resolver and the LLM context all take the viewer, so isolation does not depend on the caller
filtering results afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.errors import PrepbotError

LIBRARY_KEY = "library"
_KEY = re.compile(r"(server|user):(\d{1,20})")
_SUFFIX = {"server": "s", "user": "u"}


class BadScope(PrepbotError):
    """A scope written in a way we cannot read (CLI flags, settings)."""


class PostingCapReached(PrepbotError):
    """A server or a user already holds as many postings as the settings allow (the index checks it
    under its lock, so two adds at once cannot both pass it)."""

    def __init__(self, scope: Scope, cap: int) -> None:
        where = "This server has" if scope.kind == "server" else "You have"
        fix = "a manager can remove one" if scope.kind == "server" else "remove one"
        super().__init__(
            f"{where} {cap} postings, the most allowed; {fix} with `/posting remove` before adding another."
        )
        self.cap = cap


@dataclass(frozen=True, order=True)
class Scope:
    """One owner of postings. `owner` is the Discord guild or user id (0 for the library)."""

    kind: str = "library"  # library | server | user
    owner: int = 0

    @classmethod
    def server(cls, guild_id: int) -> Scope:
        return cls("server", int(guild_id))

    @classmethod
    def user(cls, user_id: int) -> Scope:
        return cls("user", int(user_id))

    @classmethod
    def parse(cls, text: str) -> Scope:
        """'library', 'server:<guild id>' or 'user:<user id>' (what the CLI and the store use)."""
        cleaned = (text or "").strip().lower()
        if cleaned == LIBRARY_KEY:
            return LIBRARY
        match = _KEY.fullmatch(cleaned)
        if not match:
            raise BadScope(f"'{text}' is not a scope: use library, server:<server id> or user:<user id>.")
        return cls(match.group(1), int(match.group(2)))

    @property
    def key(self) -> str:
        """The owner field stored with every role record and chunk."""
        return LIBRARY_KEY if self.kind == "library" else f"{self.kind}:{self.owner}"

    @property
    def is_library(self) -> bool:
        return self.kind == "library"

    @property
    def personal(self) -> bool:
        return self.kind == "user"

    def role_id(self, base: str) -> str:
        """A role id in this scope: library ids stay as they are; others carry their owner, so the
        same posting added by two servers is two roles that can never collide."""
        return base if self.is_library else f"{base}-{_SUFFIX[self.kind]}{self.owner}"

    def describe(self) -> str:
        """For people: where a posting lives."""
        return {"library": "the shared library", "server": "this server", "user": "your personal postings"}[self.kind]


LIBRARY = Scope()


@dataclass(frozen=True)
class Viewer:
    """Who is asking, and where: sees the library + the server's postings + their own.

    `Viewer()` (nobody in particular) sees the library only: what an operator's CLI sees by default
    and what any caller that forgot to say who is asking gets — never someone else's postings."""

    user_id: int | None = None
    server_id: int | None = None

    @property
    def scopes(self) -> tuple[Scope, ...]:
        found = [LIBRARY]
        if self.server_id is not None:
            found.append(Scope.server(self.server_id))
        if self.user_id is not None:
            found.append(Scope.user(self.user_id))
        return tuple(found)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(scope.key for scope in self.scopes)

    def can_see(self, owner_key: str) -> bool:
        return owner_key in self.keys

    def owns(self, owner_key: str) -> bool:
        """Whether `owner_key` is this viewer's own personal scope."""
        return self.user_id is not None and owner_key == Scope.user(self.user_id).key

    @property
    def home(self) -> Scope:
        """Where this viewer's `/posting add` goes: the server when in one, else their own."""
        if self.server_id is not None:
            return Scope.server(self.server_id)
        if self.user_id is not None:
            return Scope.user(self.user_id)
        return LIBRARY


Visibility = Viewer  # the name the issue uses; one concept
EVERYONE_LIBRARY = Viewer()
