"""The optional LLM backend (LangChain): model-written answers, practice questions and critiques.

`build_chat_model(settings)` returns None when `LLM_PROVIDER` is unset, and everything stays on
the offline engine. With a model, `LLMAnswerEngine` writes answers from the same retrieved
context and falls back to the offline answer (saying so) on any failure.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bot.core.llm.backend import SUPPORTED_PROVIDERS, LLMConfigError, build_chat_model

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.core.answers import AnswerEngine
    from bot.core.llm.answers import REJECTED_NOTE, UNAVAILABLE_NOTE, LLMAnswerEngine
    from bot.core.llm.practice import critique, generate_posting_questions

# Names whose modules import langchain-core's chains (~0.3 s): loaded on first use, so an offline
# process (no LLM_PROVIDER) never pays for them.
_LAZY = {"REJECTED_NOTE": "answers", "UNAVAILABLE_NOTE": "answers", "LLMAnswerEngine": "answers",
         "critique": "practice", "generate_posting_questions": "practice"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"bot.core.llm.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "REJECTED_NOTE",
    "SUPPORTED_PROVIDERS",
    "UNAVAILABLE_NOTE",
    "LLMAnswerEngine",
    "LLMConfigError",
    "build_chat_model",
    "critique",
    "generate_posting_questions",
    "make_answer_engine",
]


def make_answer_engine(settings: Settings, offline: AnswerEngine) -> AnswerEngine:
    """`offline` itself when no LLM is configured, else an `LLMAnswerEngine` around it."""
    model = build_chat_model(settings)
    if model is None:
        return offline
    from bot.core.llm.answers import LLMAnswerEngine

    return LLMAnswerEngine(offline, model)
