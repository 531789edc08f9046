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

    def __init__(
        self, message: str, *, status: int | None = None, kind: str = "other", paused: bool = False
    ) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        """What went wrong, for the user (`failure_kind`)."""
        self.paused = paused
        """Not tried: the circuit breaker is open or the run's model time is used up."""
        self.detail = ""
        """The server's own words (first line), shown when the kind alone says too little."""

    @classmethod
    def of(cls, exc: BaseException, message: str, settings: Settings | None = None) -> ModelFailure:
        """The failure of a call whose last attempt raised `exc` (`settings`: its key is masked in
        the detail shown to the user, before the detail is cut)."""
        status = getattr(exc, "status_code", None)
        failure = cls(message, status=status if isinstance(status, int) else None, kind=failure_kind(exc))
        words = scrub(str(exc), settings)
        failure.detail = words.splitlines()[0][:160] if words else ""
        return failure

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


def failure_kind(exc: BaseException) -> str:
    """timeout, connection, auth, model (unknown model), rate, server, refused (other 4xx) or other."""
    try:
        import openai
    except ImportError:  # pragma: no cover - openai ships with langchain-openai
        openai = None  # type: ignore[assignment]
    if (openai is not None and isinstance(exc, openai.APITimeoutError)) or isinstance(exc, TimeoutError):
        return "timeout"
    if (openai is not None and isinstance(exc, openai.APIConnectionError)) or isinstance(
        exc, ConnectionError
    ):
        return "connection"
    status = getattr(exc, "status_code", None)
    if not isinstance(status, int):
        return "other"
    if status in (401, 403):
        return "auth"
    if status == 404:
        return "model"
    if status == 429:
        return "rate"
    return "server" if status >= 500 else "refused"


_PLAIN = {
    "timeout": ("模型在 {timeout:g} 秒内没有回复", "no reply within {timeout:g} s"),
    "connection": ("无法连接模型服务", "the model endpoint cannot be reached"),
    "auth": ("密钥被拒绝（HTTP {status}）", "the API key was refused (HTTP {status})"),
    "model": ("服务上没有这个模型（HTTP 404）", "the endpoint does not serve this model (HTTP 404)"),
    "rate": ("请求过于频繁（HTTP 429）", "rate limited (HTTP 429)"),
    "server": ("模型服务出错（HTTP {status}）", "the endpoint failed (HTTP {status})"),
    "refused": ("模型服务拒绝了请求（HTTP {status}）", "the endpoint refused the request (HTTP {status})"),
    "other": ("模型服务的回复无法读取", "the endpoint's reply could not be read"),
    "budget": ("已用完本会话的令牌预算", "the session's token budget is spent"),
}


def plain_reason(failure: ModelFailure, lang: str, timeout_s: float) -> str:
    """What went wrong in the user's language, without exception names."""
    zh, en = _PLAIN.get(failure.kind, _PLAIN["other"])
    text = (zh if lang == "zh" else en).format(timeout=timeout_s, status=failure.status or "?")
    if failure.kind in ("refused", "other") and failure.detail:
        text += f"{'：' if lang == 'zh' else ': '}{failure.detail}"
    return text


def wait_before_retry(state: RetryCallState) -> float:
    """Before attempt n+1: what the server asked for, else 0.5 s doubling; never over the cap.
    None after a timeout: the server already had the whole timeout, waiting more only adds to it."""
    exc = state.outcome.exception() if state.outcome else None
    if exc is not None and failure_kind(exc) == "timeout":
        return 0.0
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
