"""The services as one viewer sees them: answers, quizzes, grading and conversations over the
library + the viewer's server + their own postings, and nothing else.

`for_viewer(services, viewer)` gives an object with the same attributes the callers already use
(`.index`, `.answers`, `.quiz_maker`, `.grader`, `.state`, `.bank`, `.settings`...), where `.index`
is an `IndexView`. The engines are shallow copies of the process-wide ones pointed at that view, so
they share the model, the question bank and the LLM client; building one costs microseconds.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from bot.core.scopes import Viewer

if TYPE_CHECKING:
    from bot.core.catalogue import IndexView
    from bot.core.conversation import ConversationEngine
    from bot.core.services import Services


def rebind(engine: Any, view: IndexView) -> Any:
    """A shallow copy of an engine (answer engine, quiz maker, grader, or an LLM wrapper of one)
    whose `index` is `view`; a wrapped offline engine is rebound too."""
    clone = copy.copy(engine)
    if hasattr(clone, "index"):
        clone.index = view
    if getattr(clone, "offline", None) is not None:
        clone.offline = rebind(clone.offline, view)
    return clone


class ScopedServices:
    """`Services` for one viewer. Attributes it does not scope (state, bank, settings, chat model)
    are the process-wide ones."""

    def __init__(self, services: Services, viewer: Viewer) -> None:
        self.base = services
        self.viewer = viewer

    def __getattr__(self, name: str) -> Any:
        return getattr(self.base, name)

    @property
    def index(self) -> IndexView:
        """Fresh each time from the index's view cache: a posting added or removed shows at once."""
        return self.base.index.view(self.viewer)

    @property
    def answers(self):
        return rebind(self.base.answers, self.index)

    @property
    def quiz_maker(self):
        return rebind(self.base.quiz_maker, self.index)

    @property
    def grader(self):
        return rebind(self.base.grader, self.index)

    def engine(self, shared: ConversationEngine | None = None) -> ConversationEngine:
        """A conversation engine over this view. Given the process's engine, it shares its per-user
        locks, so one user's turns stay serialised whatever server they come from."""
        from bot.core.conversation import ConversationEngine

        made = ConversationEngine(self, self.quiz_maker, self.grader)
        if shared is not None:
            for name in ("_locks", "_locks_guard"):
                if hasattr(shared, name):
                    setattr(made, name, getattr(shared, name))
        return made


def for_viewer(services: Services, viewer: Viewer) -> ScopedServices:
    """The services as `viewer` sees them (cheap: nothing is built until used)."""
    return ScopedServices(services, viewer)
