"""When a model call failed, whether to try again, and how long to wait first (with `ModelHelper`'s
tenacity loop): transient errors only, `Retry-After` honoured, never more than `BACKOFF_CAP_S`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tenacity import RetryCallState

from agent.scrub import scrub

if TYPE_CHECKING:
    from agent.config import Settings

BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 4.0
"""Longest single wait between retries, even when the server asks for more: fall back quickly."""


class ModelFailure(Exception):
    """A model call that failed after its retries (internal; never leaves this module)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def context_overflow(self) -> bool:
        """The server refused a prompt longer than its context (llama.cpp, vLLM, Ollama wording)."""
        return self.status in (400, 413, 422) and bool(_OVERFLOW.search(str(self)))

    @property
    def tools_unsupported(self) -> bool:
        """The endpoint refused the request itself (e.g. a server without tool calling)."""
        if self.context_overflow:
            return False
        return self.status in (400, 404, 422, 501) or "tool" in str(self).lower()


_OVERFLOW = re.compile(r"context|too long|too many tokens|exceed", re.IGNORECASE)


def retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked to wait (`Retry-After` on the error's response), if it said."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def retryable(exc: BaseException) -> bool:
    """A transient error: connection, timeout, rate limit, server error (not a refused request)."""
    try:
        import openai
    except ImportError:  # pragma: no cover - openai ships with langchain-openai
        return isinstance(exc, ConnectionError | TimeoutError)
    if isinstance(exc, openai.APIConnectionError | openai.RateLimitError | openai.InternalServerError):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return isinstance(exc, ConnectionError | TimeoutError)


def wait_before_retry(state: RetryCallState) -> float:
    """Before attempt n+1: what the server asked for, else 0.5 s doubling; never over the cap."""
    exc = state.outcome.exception() if state.outcome else None
    asked = retry_after(exc) if exc is not None else None
    backoff = BACKOFF_BASE_S * 2 ** (state.attempt_number - 1)
    return min(BACKOFF_CAP_S, asked if asked is not None else backoff)


def describe(exc: BaseException, settings: Settings | None = None) -> str:
    """One line naming the error: its type, HTTP status and the start of its message.

    The configured key is masked before the message is cut: a long key (a JWT-like token) cut at the
    limit would no longer match the key and would show its first part."""
    status = getattr(exc, "status_code", None)
    kind = type(exc).__name__
    message = scrub(str(exc), settings)
    text = message.splitlines()[0][:120] if message else ""
    return f"{kind} {status}: {text}" if status else f"{kind}: {text}"
