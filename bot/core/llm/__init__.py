"""The optional LLM backend (LangChain): model-written answers, practice questions and critiques.

`build_chat_model(settings)` returns None when `LLM_PROVIDER` is unset, and everything stays on
the offline engine. With a model, `LLMAnswerEngine` writes answers from the same retrieved
context and falls back to the offline answer (saying so) on any failure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.llm.answers import REJECTED_NOTE, UNAVAILABLE_NOTE, LLMAnswerEngine
from bot.core.llm.backend import SUPPORTED_PROVIDERS, LLMConfigError, build_chat_model
from bot.core.llm.practice import critique, generate_posting_questions

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.core.answers import AnswerEngine

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
    return offline if model is None else LLMAnswerEngine(offline, model)
