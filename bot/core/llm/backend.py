"""Settings -> a LangChain chat model, or None for the offline engine.

`LLM_PROVIDER` unset means no model: everything works offline. `openai` and `openai-compatible`
use `langchain_openai.ChatOpenAI`, which also talks to local OpenAI-compatible servers (Ollama,
vLLM, llama.cpp) through `LLM_BASE_URL`. The provider package is an optional extra, imported only
when a provider is configured.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from bot.core.errors import PrepbotError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from bot.config import Settings

OPENAI = "openai"
OPENAI_COMPATIBLE = "openai-compatible"
# Local servers are OpenAI-compatible; their names are accepted as spellings of it.
PROVIDER_ALIASES = {
    OPENAI: OPENAI,
    OPENAI_COMPATIBLE: OPENAI_COMPATIBLE,
    "openai_compatible": OPENAI_COMPATIBLE,
    "ollama": OPENAI_COMPATIBLE,
    "vllm": OPENAI_COMPATIBLE,
    "llama.cpp": OPENAI_COMPATIBLE,
    "llamacpp": OPENAI_COMPATIBLE,
}
SUPPORTED_PROVIDERS = (OPENAI, OPENAI_COMPATIBLE)
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
NO_KEY = "not-needed"  # local servers ignore the key, but the client insists on one
INSTALL_HINT = "pip install 'prepbot[llm]'"


class LLMConfigError(PrepbotError):
    """The LLM settings cannot produce a working chat model (the message says what to change)."""


def build_chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model `settings` ask for, or None when `LLM_PROVIDER` is unset (offline engine).

    Raises `LLMConfigError` for an unknown provider, a missing model name or key, or a missing
    optional extra."""
    raw = (settings.llm_provider or "").strip().lower()
    if not raw or raw in ("none", "off", "offline"):
        return None
    provider = PROVIDER_ALIASES.get(raw)
    if provider is None:
        raise LLMConfigError(
            f"Unknown LLM_PROVIDER '{settings.llm_provider}'. Supported providers: {', '.join(SUPPORTED_PROVIDERS)} "
            "(openai-compatible also covers Ollama, vLLM and llama.cpp servers via LLM_BASE_URL), "
            "or leave it unset for the offline engine."
        )
    return _chat_openai(settings, provider)


def _chat_openai(settings: Settings, provider: str) -> BaseChatModel:
    base_url = (settings.llm_base_url or "").strip() or None
    model = (settings.llm_model or "").strip()
    if not model:
        if provider == OPENAI and base_url is None:
            model = DEFAULT_OPENAI_MODEL
        else:
            raise LLMConfigError(
                f"LLM_MODEL is not set: name the model your server serves (e.g. LLM_MODEL=llama3.1:8b for Ollama) "
                f"when LLM_PROVIDER={settings.llm_provider}."
            )
    if provider == OPENAI_COMPATIBLE and base_url is None:
        raise LLMConfigError(
            "LLM_PROVIDER=openai-compatible needs LLM_BASE_URL, the server's OpenAI-style endpoint "
            "(e.g. http://127.0.0.1:11434/v1 for Ollama)."
        )
    api_key = (settings.llm_api_key or "").strip() or None
    if api_key is None and base_url is None:
        api_key = os.environ.get("OPENAI_API_KEY") or None
        if api_key is None:
            raise LLMConfigError(
                "LLM_PROVIDER=openai without LLM_BASE_URL talks to api.openai.com and needs LLM_API_KEY "
                "(for a local server, set LLM_BASE_URL instead)."
            )
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as err:
        raise LLMConfigError(
            f"LLM_PROVIDER={settings.llm_provider} needs the optional LLM extra, which is not installed: "
            f"run {INSTALL_HINT} (or unset LLM_PROVIDER to use the offline engine)."
        ) from err
    options: dict[str, Any] = {
        "model": model,
        "base_url": base_url,
        "api_key": api_key or NO_KEY,
        "timeout": settings.llm_timeout,
        "max_retries": 0,  # a slow or failing model falls back to the offline answer at once
        "temperature": 0,
    }
    if provider == OPENAI_COMPATIBLE or base_url is not None:
        # Local servers implement Chat Completions, not OpenAI's newer Responses API.
        options["use_responses_api"] = False
    return ChatOpenAI(**options)
