"""What a conversation uses of `bot.core.services.Services`, as a Protocol.

`Services` builds the `ConversationEngine`, so the conversation modules name this instead of
`Services`: no import circle, even for type checking, and tests pass any object with these three.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.core.answers import AnswerEngine
    from bot.core.index import KnowledgeIndex
    from bot.core.state import StateStore


class ConversationServices(Protocol):
    """The index (roles, search), the state store (sessions, cards) and the answer engine."""

    @property
    def index(self) -> KnowledgeIndex: ...

    @property
    def state(self) -> StateStore: ...

    @property
    def answers(self) -> AnswerEngine: ...
