"""The one place a chat model is created: `make_chat_model(settings)`.

It builds a `ChatOpenAI` for any OpenAI-compatible endpoint, or returns None (guided mode). The calls
made to it (bounded retries, usage, budget, fail-soft) are `graphs.model_calls.ModelHelper`'s; the key
scrubbing is `agent.scrub`, the token estimate `agent.tokens`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from agent.config import Settings
from agent.snapshot import Usage
from agent.tokens import REPLY_TOKENS

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

PLACEHOLDER_KEY = "sk-no-key-required"
"""Sent to local servers (vLLM, Ollama, llama.cpp) that need no key; the client insists on one."""
MAX_OUTPUT_TOKENS = REPLY_TOKENS
"""Cap on one reply: an extraction, an answer or a paragraph never needs more, and a small local
model that rambles would otherwise hold the turn (and the budget) for minutes."""


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """A chat model for the configured endpoint, or None when no endpoint is configured (guided mode).

    `max_retries=0`: retries are `ModelHelper`'s (tenacity, honouring `Retry-After`), bounded and
    visible in `Usage.failures`, and the same for a streamed reply as for any other call.
    """
    if not settings.llm_enabled:
        return None
    from langchain_openai import ChatOpenAI

    key = settings.api_key.get_secret_value() if settings.api_key else PLACEHOLDER_KEY
    kwargs: dict[str, Any] = {
        "model": settings.chat_model_name,
        "api_key": key,
        "timeout": settings.timeout_s,
        "max_retries": 0,
        "temperature": 0,
        "stream_usage": True,
    }
    if settings.base_url:
        kwargs["base_url"] = settings.base_url
    if settings.base_url and "api.openai.com" not in settings.base_url:
        # langchain-openai sends `max_tokens` as `max_completion_tokens`, which llama.cpp and older
        # vLLM / Ollama servers ignore (a tiny model then rambles for minutes): send the classic field.
        kwargs["extra_body"] = {"max_tokens": MAX_OUTPUT_TOKENS}
    else:
        kwargs["max_tokens"] = MAX_OUTPUT_TOKENS
    return ChatOpenAI(**kwargs)


class ModelCalls(Protocol):
    """What the domain reads of the helper that calls the model (`graphs.model_calls.ModelHelper`):
    the usage so far, the last failure's one-line notice, whether budget is left."""

    usage: Usage
    notice: str | None

    def budget_left(self) -> bool: ...
