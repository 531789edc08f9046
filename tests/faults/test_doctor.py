"""`coach doctor` tests what a session will use: a real chat completion and a structured-output call
with the configured model, each timed; every fault mode named with a hint, exit 1."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cli.main import main

from .server import FaultServer, Mode

pytestmark = pytest.mark.allow_model_calls


def _doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["doctor"])
    return code, capsys.readouterr().out


def _line(out: str, label: str) -> str:
    return next(line for line in out.splitlines() if label in line)


def test_healthy_endpoint_passes_with_latencies(
    point_at: Callable[[FaultServer], None], capsys: pytest.CaptureFixture[str]
) -> None:
    with FaultServer("ok") as server:
        point_at(server)
        code, out = _doctor(capsys)
        assert server.request_count == 2, "one chat completion and one structured-output call"
        assert any(r.get("tools") for r in server.requests), "the structured call sends a tool"
    assert code == 0, out
    assert _line(out, "Chat / 对话").startswith("✓") and " ms" in _line(out, "Chat / 对话")
    assert _line(out, "Structured output").startswith("✓") and " ms" in _line(out, "Structured output")


@pytest.mark.parametrize(
    ("mode", "named", "hint"),
    [
        ("unknown_model", "unknown model 'fault-model'", "COACH_MODEL"),
        ("unauthorized", "API key refused (HTTP 401)", "OPENAI_API_KEY"),
        ("timeout", "no reply within 1 s", "timeout_s"),
        ("empty_choices", "malformed reply", "OpenAI-compatible"),
        ("server_error", "server error (HTTP 500)", "log"),
    ],
)
def test_each_fault_is_named_with_a_hint_and_exit_1(
    mode: Mode,
    named: str,
    hint: str,
    point_at: Callable[[FaultServer], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    with FaultServer(mode, delay_s=5.0) as server:
        point_at(server)
        code, out = _doctor(capsys)
    assert code == 1, out
    chat = _line(out, "Chat / 对话")
    assert chat.startswith("✗") and named in chat, out
    after = out.split(chat, 1)[1].splitlines()[1]
    assert after.strip().startswith("→") and hint in after, out
    assert "sk-fault-test-key" not in out, "the key is never printed"
    assert "Error" not in chat, "named in words, not by exception class"


def test_unreachable_endpoint_is_named_once(
    point_at: Callable[[FaultServer], None], capsys: pytest.CaptureFixture[str]
) -> None:
    with FaultServer("refused") as server:
        point_at(server)
        code, out = _doctor(capsys)
    assert code == 1
    assert "cannot connect" in _line(out, "Endpoint / 接口") and "OPENAI_BASE_URL" in out
    assert "Chat / 对话" not in out, "no model call is tried against an endpoint that cannot be reached"


def test_malformed_tool_call_fails_the_structured_check(
    point_at: Callable[[FaultServer], None], capsys: pytest.CaptureFixture[str]
) -> None:
    with FaultServer("bad_tool_call") as server:
        point_at(server)
        code, out = _doctor(capsys)
    assert code == 1
    line = _line(out, "Structured output")
    assert line.startswith("✗") and "malformed reply" in line and "JSON" in line, out
