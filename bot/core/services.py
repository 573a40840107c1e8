"""Build the heavy objects once, lazily, from `Settings`; the CLI, chat and Discord share them.

`Services` is the one holder of a process's core objects (index, answers, state, bank, quiz maker,
grader, conversation engine): the Discord bot keeps one and its cogs ask it directly.

Nothing here runs at import time: the model and Chroma load on first use, so `prepbot --help`
and bad-argument errors are instant, and `prepbot roles` reads the role records without either
(`listed_roles`).
"""

from __future__ import annotations

import json
import logging
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.core.answers import AnswerEngine
    from bot.core.conversation import ConversationEngine
    from bot.core.grading import Grader
    from bot.core.index import KnowledgeIndex
    from bot.core.ingest import IngestReport
    from bot.core.postings import Posting
    from bot.core.questions import QuestionBank
    from bot.core.quiz import QuizMaker
    from bot.core.state import StateStore
    from bot.core.understanding.posting_request import PostingRequests

log = logging.getLogger(__name__)
ROLES_COLLECTION = "prepbot_roles"  # bot.core.store.ROLES (importing store would import chromadb)
LIBRARY_OWNER = "library"  # the owner of the bundled/ingested library roles (bot.core.scopes.LIBRARY_KEY)


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
        """The offline engine, wrapped by the LLM engine when LLM_PROVIDER is set."""
        from bot.core.answers import AnswerEngine

        offline = AnswerEngine(self.index)
        if self.chat_model is None:
            return offline
        from bot.core.llm import LLMAnswerEngine  # langchain-core's chains: ~0.3 s a cold start need not pay

        return LLMAnswerEngine(offline, self.chat_model)

    @cached_property
    def chat_model(self):
        """The optional LangChain chat model (None: offline)."""
        from bot.core.llm.backend import build_chat_model  # light: imports the provider only when one is set

        return build_chat_model(self.settings)

    @cached_property
    def state(self) -> StateStore:
        from bot.core.state import StateStore

        return StateStore.open(self.settings.database_url, self.settings.data_dir)

    @cached_property
    def bank(self) -> QuestionBank:
        from bot.core.questions import QuestionBank

        return QuestionBank.load(self.settings.questions_dir)

    @cached_property
    def quiz_maker(self) -> QuizMaker:
        """Role-tailored quizzes; with an LLM some questions are model-written from the posting."""
        from bot.core.quiz import QuizMaker

        offline = QuizMaker(self.bank, self.index)
        if self.chat_model is None:
            return offline
        from bot.core.llm.coaching import LLMQuizMaker

        return LLMQuizMaker(offline, self.chat_model)

    @cached_property
    def grader(self) -> Grader:
        """Answer feedback; with an LLM it adds a short critique."""
        from bot.core.grading import Grader

        offline = Grader(self.index.embeddings, self.index, bank=self.bank)  # the bank holds the key terms
        if self.chat_model is None:
            return offline
        from bot.core.llm.coaching import LLMGrader

        return LLMGrader(offline, self.chat_model)

    @cached_property
    def posting_requests(self) -> PostingRequests:
        """Whether a DM brings a posting to add (the DM router asks before anything else)."""
        from bot.core.understanding.posting_request import PostingRequests

        return PostingRequests(self.index.embeddings)

    @cached_property
    def engine(self) -> ConversationEngine:
        """The conversation engine (chat, DMs, quizzes, mock interviews) over these services."""
        from bot.core.conversation import ConversationEngine

        return ConversationEngine(self, self.quiz_maker, self.grader)

    def topics(self) -> list[str]:
        """The bank's topic ids, sorted (for autocomplete and topic checks)."""
        return sorted(self.bank.topics())

    def warm_up(self) -> None:
        """Open everything a long-running process needs (the bot), indexing the bundled postings on a
        first run, so no user waits for a model or database to load. Blocking: run it in a thread.

        With a shared Chroma server (CHROMA_URL) nothing is ingested: several shard processes start at
        once and only one should write the index, so an operator runs `prepbot ingest` once instead
        (see docs/deploy.md). An empty shared index is logged, and everything that does not need
        postings works meanwhile.
        """
        if self.settings.chroma_url:
            if self.index.is_empty():
                log.warning("the knowledge base at %s is empty: run `prepbot ingest knowledge/postings` once "
                            "(shard processes sharing a Chroma server do not ingest on start)",
                            self.settings.chroma_url)
        elif self.ensure_indexed() is not None:
            log.info("indexed the bundled postings: %d roles", len(self.index.roles()))
        self.answers  # noqa: B018 - build it now rather than on the first question
        self.index.embeddings.warm_up()  # load the ONNX session now, not during the first question
        self.state  # noqa: B018 - opens the database and migrates the schema
        self.engine  # noqa: B018 - the bank, quiz maker and grader behind it
        self.posting_requests.classifier.vectors()  # the DM router's examples (from the disk cache)

    def close(self) -> None:
        """Release the database connections, if they were opened (the index has nothing to close)."""
        state = self.__dict__.get("state")
        if state is not None:
            state.close()

    def listed_roles(self) -> list[tuple[Posting, list[str]]] | None:
        """The library's roles with their source files, in `KnowledgeIndex.roles()` order, read from
        the local store's file without the embedding model or chromadb (about 0.8 s less for
        `prepbot roles`). None when that is not possible or not wise: a Chroma server, an index
        already open in this process, an empty or unreadable store; the caller then uses `index`."""
        if self.settings.chroma_url or "index" in self.__dict__:
            return None
        from bot.core.chroma_local import read_records

        records = read_records(Path(self.settings.data_dir) / "chroma", ROLES_COLLECTION)
        if not records:
            return None
        from bot.core.postings import Posting

        try:
            listed = [
                (Posting.from_dict(json.loads(document)), list(json.loads(str(metadata["sources"]))))
                for _, document, metadata in records
                if metadata.get("owner", LIBRARY_OWNER) == LIBRARY_OWNER
            ]
        except (KeyError, TypeError, ValueError) as err:  # a record this version cannot read: the index reports it
            log.info("reading role records directly failed (%r); opening the index", err)
            return None
        if not listed:  # nothing in the library yet: the caller indexes the bundled postings first
            return None
        return sorted(listed, key=lambda item: (item[0].company or "", item[0].title, item[0].level or ""))

    def ensure_indexed(self, progress=None) -> IngestReport | None:
        """Index the bundled postings when the index is empty (first run)."""
        if not self.index.is_empty():
            return None
        return self.index.ingest([Path(self.settings.postings_dir)], progress=progress)
