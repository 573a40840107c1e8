"""`/forget` and `prepbot forget`: delete everything stored about one person.

The state rows (cards, answers, sessions, resumes, plans, preferences...) go in one database
transaction (`StateStore.forget_user`), which also records that the person's own postings (personal
scope) are owed a deletion from the vector store. The vectors go outside that transaction (another
system); when the store is unreachable, the recorded deletion is retried by `finish_pending_forgets`
(the bot's scheduler runs it every tick; any later successful forget runs it too) until it is done, so a person
who asked to be forgotten never keeps postings behind. Nothing here is Discord-specific.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.errors import KnowledgeBaseUnavailable
from bot.core.scopes import Scope

if TYPE_CHECKING:
    from bot.core.services import Services

log = logging.getLogger(__name__)
NOW_ATTEMPTS = 3  # tries while the person waits for the reply; after that the scheduler retries


@dataclass(frozen=True)
class Forgotten:
    rows: dict[str, int]  # deleted rows per state table
    postings: int  # personal postings removed from the index
    postings_pending: bool = False  # the vector store was unreachable: their postings go on a retry

    @property
    def total(self) -> int:
        return sum(self.rows.values()) + self.postings

    def describe(self) -> str:
        """One sentence for the person: what went, in their words."""
        later = ""
        if self.postings_pending:
            later = (" Your own postings could not be deleted just now (the knowledge base is unreachable); "
                     "they will be deleted as soon as it is back, without you doing anything.")
        if not self.total:
            if later:
                return "Your settings are deleted." + later
            return "I had nothing stored about you, so there was nothing to delete."
        parts = []
        names = {"cards": "review cards", "answers": "graded answers", "sessions": "saved sessions",
                 "turns": "conversation lines", "resumes": "kept resume", "plans": "study plan"}
        for table, label in names.items():
            count = self.rows.get(table, 0)
            if count:
                parts.append(f"{count} {label}" if table not in ("resumes", "plans") else f"your {label}")
        if self.postings:
            parts.append(f"{self.postings} of your own postings")
        listed = ", ".join(parts) if parts else "your settings"
        return f"Done: I deleted everything stored about you ({listed}, and your settings and streaks).{later}"


def forget_user(services: Services, user_id: str) -> Forgotten:
    """Delete every stored row about `user_id`, then their personal postings (if any)."""
    scope = Scope.user(int(user_id)) if str(user_id).isdigit() and hasattr(services.index, "forget") else None
    rows = services.state.forget_user(user_id, pending_scope=scope.key if scope else None)
    if scope is None:
        return Forgotten(rows, 0)
    try:
        postings = services.index.forget(scope, attempts=NOW_ATTEMPTS)
    except KnowledgeBaseUnavailable as error:
        log.warning("forget %s: the vector store is unreachable, deletion left to the retries: %s", scope.key, error)
        return Forgotten(rows, 0, postings_pending=True)
    services.state.forget_done(scope.key)
    finish_pending_forgets(services)  # the store is reachable: settle any deletion owed from before
    return Forgotten(rows, postings)


def finish_pending_forgets(services: Services) -> list[str]:
    """Retry every deletion `/forget` still owes the vector store (one attempt each); returns the scope
    keys now done. Safe to run from several processes at once: deleting twice deletes nothing more."""
    done = []
    for key in services.state.pending_forgets():
        try:
            services.index.forget(Scope.parse(key), attempts=1)
        except KnowledgeBaseUnavailable:
            log.info("pending forget of %s: the vector store is still unreachable", key)
            break  # the store is down for every scope alike: the next tick tries again
        services.state.forget_done(key)
        done.append(key)
    return done
