"""`/forget` and `prepbot forget`: delete everything stored about one person.

The state rows (cards, answers, sessions, resumes, plans, preferences...) go in one database
transaction (`StateStore.forget_user`); the person's own postings (personal scope) are then removed
from the index. Nothing here is Discord-specific, so the slash command and the CLI share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.services import Services


@dataclass(frozen=True)
class Forgotten:
    rows: dict[str, int]  # deleted rows per state table
    postings: int  # personal postings removed from the index

    @property
    def total(self) -> int:
        return sum(self.rows.values()) + self.postings

    def describe(self) -> str:
        """One sentence for the person: what went, in their words."""
        if not self.total:
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
        return f"Done: I deleted everything stored about you ({listed}, and your settings and streaks)."


def forget_user(services: Services, user_id: str) -> Forgotten:
    """Delete every stored row about `user_id`, then their personal postings (if any)."""
    rows = services.state.forget_user(user_id)
    postings = 0
    if str(user_id).isdigit():
        index = services.index
        forget = getattr(index, "forget", None)
        if forget is not None:
            from bot.core.scopes import Scope

            postings = forget(Scope.user(int(user_id)))
    return Forgotten(rows, postings)
