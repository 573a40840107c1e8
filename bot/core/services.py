"""Build the heavy objects once, lazily, from `Settings`; the CLI, chat and Discord share them.

Nothing here runs at import time: the model and Chroma load on first use, so `prepbot --help`
and bad-argument errors are instant.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.core.answers import AnswerEngine
    from bot.core.index import KnowledgeIndex
    from bot.core.ingest import IngestReport
    from bot.core.state import StateStore


class Services:
    """The knowledge index, answer engine and state store for one process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def index(self) -> KnowledgeIndex:
        from bot.core.index import KnowledgeIndex

        return KnowledgeIndex(Path(self.settings.data_dir), self.settings.model_path, self.settings.chroma_url)

    @cached_property
    def answers(self) -> AnswerEngine:
        from bot.core.answers import AnswerEngine

        return AnswerEngine(self.index)

    @cached_property
    def state(self) -> StateStore:
        from bot.core.state import StateStore

        return StateStore.open(self.settings.database_url, self.settings.data_dir)

    def ensure_indexed(self, progress=None) -> IngestReport | None:
        """Index the bundled postings when the index is empty (first run)."""
        if not self.index.is_empty():
            return None
        return self.index.ingest([Path(self.settings.postings_dir)], progress=progress)
