"""The fault server really produces each fault for langchain-openai (so the session tests mean something)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from .server import FAULT_MODES, FaultServer, Mode

pytestmark = pytest.mark.allow_model_calls


class Value(BaseModel):
    value: str


def _model(server: FaultServer, **kw: Any) -> Any:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=server.base_url,
        api_key="sk-fault",  # type: ignore[arg-type]
        model="fault-model",
        timeout=0.5,
        max_retries=1,
        **kw,
    )


def test_ok_mode_answers_text_and_tool_calls() -> None:
    with FaultServer("ok") as server:
        assert "明白" in _model(server).invoke("hi").content
        assert "".join(str(c.content) for c in _model(server).stream("hi")).startswith("Under")
        parsed = _model(server).with_structured_output(Value, method="function_calling").invoke("x")
        assert parsed == Value(value="12")
        assert server.request_count == 3


def _expected_failure(mode: Mode) -> type[BaseException]:
    """The error a plain langchain-openai client raises for each fault (the one the coach must handle)."""
    import openai

    return {
        "refused": openai.APIConnectionError,
        "timeout": openai.APITimeoutError,
        "truncated": openai.APIConnectionError,
        "rate_limited": openai.RateLimitError,
        "server_error": openai.InternalServerError,
        "empty_choices": IndexError,  # langchain reads choices[0]
    }[mode]


@pytest.mark.parametrize("mode", [m for m in FAULT_MODES if m != "bad_tool_call"])
@pytest.mark.parametrize("call", ["invoke", "stream", "structured"])
def test_every_fault_mode_breaks_a_plain_client(mode: Mode, call: str) -> None:
    with FaultServer(mode, delay_s=2.0) as server:
        model = _model(server)
        if mode == "empty_choices" and call == "stream":
            # empty choices stream nothing: no error, and no text, which is a failure for the caller
            assert "".join(str(c.content) for c in model.stream("hi")) == ""
        else:
            with pytest.raises(_expected_failure(mode)):
                if call == "invoke":
                    model.invoke("hi")
                elif call == "stream":
                    list(model.stream("hi"))
                else:
                    model.with_structured_output(Value, method="function_calling").invoke("x")
        # one try plus at most max_retries=1 (refused: the server never saw anything)
        expected = {"refused": 0, "rate_limited": 2, "server_error": 2, "timeout": 2}
        if mode in expected:
            assert server.request_count == expected[mode]
        else:
            assert 1 <= server.request_count <= 2


def test_bad_tool_call_gives_no_parsed_value() -> None:
    """langchain does not raise on malformed tool-call JSON: it returns None and an invalid tool call."""
    with FaultServer("bad_tool_call") as server:
        model = _model(server).with_structured_output(Value, method="function_calling", include_raw=True)
        out = model.invoke("x")
        assert out["parsed"] is None
        assert out["raw"].invalid_tool_calls
