"""What the quiz flow and the mock-interview flow share: the `Practice` they work through, and the
one session each keeps in the `StateStore` (so a restarted bot carries on the run)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from bot.core.conversation._sessions import Stored

if TYPE_CHECKING:
    from bot.core.conversation._practice import Practice

S = TypeVar("S", bound=Stored)


class Flow(Generic[S]):
    """A run of questions kept as one session of kind `KIND`, stored as a `SESSION`."""

    KIND: ClassVar[str]
    SESSION: ClassVar[type[Stored]]

    def __init__(self, practice: Practice) -> None:
        self.practice = practice

    def load(self, user_id: str) -> S | None:
        """The user's running session, None when nothing runs."""
        data = self.practice.state.load_session(user_id, self.KIND)
        return self.SESSION.from_dict(data) if data else None  # type: ignore[return-value]
