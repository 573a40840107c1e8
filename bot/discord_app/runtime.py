"""The core objects the cogs use, built once in a worker thread when the bot starts.

`Runtime.build` is CPU- and IO-heavy (the embedding model, Chroma, SQLite, the question bank):
`Startup` (bot/discord_app/startup.py) runs it with `asyncio.to_thread` once the bot has begun
connecting, never on the event loop and never before the bot identifies to Discord.
"""

from __future__ import annotations

import ctypes
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.conversation import ConversationEngine
    from bot.core.grading import Grader
    from bot.core.questions import QuestionBank
    from bot.core.quiz import QuizMaker
    from bot.core.services import Services

log = logging.getLogger(__name__)


def release_free_memory() -> None:
    """Give the heap that loading freed back to the system (glibc keeps it otherwise): building the
    runtime parses JSON, YAML and the model, and the bot then runs for weeks at its steady size."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to do
        pass


@dataclass
class Runtime:
    """Services (index, answers, state) plus the practice engine built on them."""

    services: Services
    bank: QuestionBank
    quiz_maker: QuizMaker
    grader: Grader
    engine: ConversationEngine

    @classmethod
    def build(cls, services: Services) -> Runtime:
        """Open everything (indexing the bundled postings on a first run). Blocking.

        With a shared Chroma server (CHROMA_URL) the bot never ingests: several shard processes
        start at once and only one should write the index, so an operator runs `prepbot ingest`
        once instead (see docs/deploy.md). An empty shared index is logged, and the bot serves
        everything that does not need postings meanwhile.
        """
        from bot.core.conversation import ConversationEngine

        if services.settings.chroma_url:
            if services.index.is_empty():
                log.warning("the knowledge base at %s is empty: run `prepbot ingest knowledge/postings` once "
                            "(shard processes sharing a Chroma server do not ingest on start)",
                            services.settings.chroma_url)
        elif services.ensure_indexed() is not None:
            log.info("indexed the bundled postings: %d roles", len(services.index.roles()))
        services.answers  # noqa: B018 - build it now rather than on the first /ask
        services.index.embeddings.warm_up()  # load the ONNX session now, not during the first question
        services.state  # noqa: B018 - opens SQLite and migrates the schema
        engine = ConversationEngine(services, services.quiz_maker, services.grader)
        runtime = cls(services, services.bank, services.quiz_maker, services.grader, engine)
        release_free_memory()
        return runtime

    def topics(self) -> list[str]:
        return sorted(self.bank.topics())

    def close(self) -> None:
        """Release the database connections (the index has nothing to close)."""
        state = self.services.__dict__.get("state")
        if state is not None:
            state.close()
