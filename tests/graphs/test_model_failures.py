"""What a failed model call leads to, as the user meets it: whether it is tried again, how long the
coach waits first (the server's Retry-After, else a doubling back-off, never past the cap), and the
one line the user reads about it (in their language, the key masked, no exception names)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import httpx
import openai
import pytest

from graphs.model_failures import (
    BACKOFF_BASE_S,
    BACKOFF_CAP_S,
    ModelFailure,
    describe,
    failure_kind,
    plain_reason,
    retry_after,
    retryable,
    wait_before_retry,
)

_REQUEST = httpx.Request("POST", "http://llm.local/v1/chat/completions")


def _status_error(status: int, message: str = "refused", headers: dict[str, str] | None = None) -> Exception:
    response = httpx.Response(status, headers=headers or {}, request=_REQUEST)
    return openai.APIStatusError(message, response=response, body=None)


def _rate_limited(after: str | None) -> Exception:
    headers = {"retry-after": after} if after is not None else {}
    response = httpx.Response(429, headers=headers, request=_REQUEST)
    return openai.RateLimitError("slow down", response=response, body=None)


def _state(exc: BaseException | None, attempt: int) -> Any:
    """The part of tenacity's RetryCallState `wait_before_retry` reads."""
    outcome = None if exc is None else SimpleNamespace(exception=lambda: exc)
    return SimpleNamespace(outcome=outcome, attempt_number=attempt)


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503])
def test_a_transient_status_is_tried_again(status: int) -> None:
    assert retryable(_status_error(status))


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_a_refused_request_is_not_tried_again(status: int) -> None:
    assert not retryable(_status_error(status))


def test_connection_and_timeout_errors_are_tried_again_and_other_errors_not() -> None:
    assert retryable(openai.APIConnectionError(request=_REQUEST))
    assert retryable(openai.APITimeoutError(request=_REQUEST))
    assert retryable(ConnectionResetError("reset"))
    assert retryable(TimeoutError("slow"))
    assert not retryable(ValueError("bad json"))


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (openai.APITimeoutError(request=_REQUEST), "timeout"),
        (TimeoutError("slow"), "timeout"),
        (openai.APIConnectionError(request=_REQUEST), "connection"),
        (ConnectionRefusedError("refused"), "connection"),
        (_status_error(401), "auth"),
        (_status_error(403), "auth"),
        (_status_error(404), "model"),
        (_status_error(429), "rate"),
        (_status_error(500), "server"),
        (_status_error(503), "server"),
        (_status_error(400), "refused"),
        (_status_error(499), "refused"),
        (ValueError("bad json"), "other"),
    ],
)
def test_each_failure_has_its_kind(exc: BaseException, kind: str) -> None:
    assert failure_kind(exc) == kind


@pytest.mark.parametrize(("after", "seconds"), [("3", 3.0), ("0.5", 0.5), ("0", 0.0)])
def test_retry_after_is_read_in_seconds(after: str, seconds: float) -> None:
    assert retry_after(_rate_limited(after)) == seconds


def test_retry_after_is_read_whatever_the_header_case() -> None:
    class Headers(dict[str, str]):
        """A plain mapping (not httpx's case-insensitive one), as another client may hand back."""

    exc = SimpleNamespace(response=SimpleNamespace(headers=Headers({"Retry-After": "7"})))
    assert retry_after(exc) == 7.0  # type: ignore[arg-type]


@pytest.mark.parametrize("after", [None, "soon", "Wed, 21 Oct 2026 07:28:00 GMT"])
def test_no_readable_retry_after_is_none(after: str | None) -> None:
    assert retry_after(_rate_limited(after)) is None


def test_an_error_without_a_response_has_no_retry_after() -> None:
    assert retry_after(ValueError("x")) is None


def test_the_wait_is_what_the_server_asked() -> None:
    assert wait_before_retry(_state(_rate_limited("3"), attempt=1)) == 3.0
    assert wait_before_retry(_state(_rate_limited("1.5"), attempt=3)) == 1.5


def test_the_wait_the_server_asked_is_capped() -> None:
    assert wait_before_retry(_state(_rate_limited("60"), attempt=1)) == BACKOFF_CAP_S


def test_without_retry_after_the_wait_doubles_from_the_base_up_to_the_cap() -> None:
    waits = [wait_before_retry(_state(_status_error(503), attempt=n)) for n in range(1, 7)]
    assert waits[:3] == [BACKOFF_BASE_S, BACKOFF_BASE_S * 2, BACKOFF_BASE_S * 4]
    assert max(waits) == BACKOFF_CAP_S
    assert waits == sorted(waits)


def test_after_a_timeout_there_is_no_further_wait() -> None:
    assert wait_before_retry(_state(openai.APITimeoutError(request=_REQUEST), attempt=2)) == 0.0


def test_a_wait_with_no_outcome_is_the_back_off() -> None:
    assert wait_before_retry(_state(None, attempt=2)) == BACKOFF_BASE_S * 2


@pytest.mark.parametrize(
    ("kind", "status", "zh", "en"),
    [
        ("timeout", None, "模型在 30 秒内没有回复", "no reply within 30 s"),
        ("auth", 401, "密钥被拒绝（HTTP 401）", "the API key was refused (HTTP 401)"),
        ("server", 502, "模型服务出错（HTTP 502）", "the endpoint failed (HTTP 502)"),
        ("rate", 429, "请求过于频繁（HTTP 429）", "rate limited (HTTP 429)"),
        ("budget", None, "已用完本会话的令牌预算", "the session's token budget is spent"),
        ("no-such-kind", None, "模型服务的回复无法读取", "the endpoint's reply could not be read"),
    ],
)
def test_the_user_reads_what_went_wrong_in_their_language(
    kind: str, status: int | None, zh: str, en: str
) -> None:
    failure = ModelFailure("call failed", status=status, kind=kind)
    failure.detail = "server words"
    assert plain_reason(failure, "zh", 30) == zh
    assert plain_reason(failure, "en", 30) == en


def test_a_refused_request_shows_the_servers_first_line_with_the_key_masked() -> None:
    key = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6"  # an Azure-style hex key, no sk- prefix
    settings = SimpleNamespace(api_key=SimpleNamespace(get_secret_value=lambda: key))
    exc = _status_error(400, f"bad parameter for key {key}\nTraceback (most recent call last): …")
    failure = ModelFailure.of(exc, "call failed", settings)  # type: ignore[arg-type]
    assert (failure.status, failure.kind) == (400, "refused")
    zh = plain_reason(failure, "zh", 30)
    en = plain_reason(failure, "en", 30)
    assert zh.startswith("模型服务拒绝了请求（HTTP 400）：")
    assert en.startswith("the endpoint refused the request (HTTP 400): ")
    for text in (zh, en):
        assert "bad parameter for key ***" in text
        assert key not in text
        assert "Traceback" not in text, "only the first line of the server's words"


def test_the_servers_words_are_cut_to_one_short_line() -> None:
    failure = ModelFailure.of(_status_error(400, "x" * 500), "call failed")
    assert failure.detail == "x" * 160


def test_a_failure_without_words_has_no_detail() -> None:
    failure = ModelFailure.of(ValueError(""), "call failed")
    assert (failure.detail, failure.kind, failure.status) == ("", "other", None)
    assert plain_reason(failure, "en", 30) == "the endpoint's reply could not be read"


@pytest.mark.parametrize("status", [400, 413, 422])
@pytest.mark.parametrize(
    "words", ["maximum context length exceeded", "prompt is too long", "Too many tokens"]
)
def test_a_prompt_longer_than_the_context_is_told_apart(status: int, words: str) -> None:
    failure = ModelFailure(words, status=status)
    assert failure.context_overflow
    assert not failure.tools_unsupported, "a long prompt is not a server without tool calling"


def test_a_context_message_with_another_status_is_not_an_overflow() -> None:
    assert not ModelFailure("context deadline", status=500).context_overflow
    assert not ModelFailure("something else", status=400).context_overflow


@pytest.mark.parametrize("status", [400, 404, 422, 501])
def test_a_refused_request_means_the_endpoint_lacks_tool_calling(status: int) -> None:
    assert ModelFailure("bad request", status=status).tools_unsupported


def test_tools_unsupported_by_its_words_or_not_at_all() -> None:
    assert ModelFailure("Tool calls are not supported", status=500).tools_unsupported
    assert not ModelFailure("overloaded", status=500).tools_unsupported
    assert not ModelFailure("overloaded", status=None).tools_unsupported


def test_the_log_line_names_type_status_and_the_start_of_the_message_with_the_key_masked() -> None:
    key = "key-0123456789abcdef"
    line = describe(_status_error(503, f"upstream down ({key})\nsecond line"))
    assert line == "APIStatusError 503: upstream down (key-***)"
    assert describe(ValueError("y" * 300)) == "ValueError: " + "y" * 120
    assert describe(ValueError("")) == "ValueError: "


def test_the_log_line_masks_the_configured_key_of_any_shape() -> None:
    key = "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6"
    settings = SimpleNamespace(api_key=SimpleNamespace(get_secret_value=lambda: key))
    line = describe(_status_error(401, f"invalid key {key}"), settings)  # type: ignore[arg-type]
    assert line == "APIStatusError 401: invalid key ***"


def test_a_refusal_without_a_status_says_so() -> None:
    failure = ModelFailure("call failed", kind="auth")
    assert plain_reason(failure, "en", 30) == "the API key was refused (HTTP ?)"
    assert plain_reason(failure, "zh", 30) == "密钥被拒绝（HTTP ?）"


def test_a_failure_of_no_named_kind_shows_the_servers_words_and_nothing_else() -> None:
    failure = ModelFailure("call failed")
    assert plain_reason(failure, "en", 30) == "the endpoint's reply could not be read"
    failure.detail = "unexpected token"
    assert plain_reason(failure, "en", 30) == "the endpoint's reply could not be read: unexpected token"


def test_retry_after_is_read_from_a_plain_lower_case_header() -> None:
    exc = SimpleNamespace(response=SimpleNamespace(headers={"retry-after": "2"}))
    assert retry_after(exc) == 2.0  # type: ignore[arg-type]


def test_a_response_with_other_headers_but_no_retry_after_has_none() -> None:
    response = httpx.Response(503, headers={"x-request-id": "abc"}, request=_REQUEST)
    assert retry_after(openai.InternalServerError("down", response=response, body=None)) is None
    assert wait_before_retry(_state(openai.InternalServerError("down", response=response, body=None), 1)) == (
        BACKOFF_BASE_S
    )


def test_a_failure_keeps_the_words_of_the_call_that_failed() -> None:
    """The overflow check reads the failure's own message: the server's words go into `detail`."""
    failure = ModelFailure.of(_status_error(400, "bad"), "prompt is too long for the context")
    assert failure.context_overflow


def test_a_status_that_is_not_a_number_is_not_shown_as_one() -> None:
    class OddError(Exception):
        status_code = "five hundred"

    failure = ModelFailure.of(OddError("odd"), "call failed")
    assert failure.status is None
    assert plain_reason(failure, "en", 30) == "the endpoint's reply could not be read: odd"
