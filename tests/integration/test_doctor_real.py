"""`coach doctor` against the real llama.cpp server: the chat completion and the structured-output
call it makes with the configured model both succeed, each with its latency."""

from __future__ import annotations

import pytest

from cli.main import main

from .llama_server import LlamaServer


def test_doctor_checks_the_real_model(llm_env: LlamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["doctor"])
    out = capsys.readouterr().out
    chat = next(line for line in out.splitlines() if "Chat / 对话" in line)
    tool = next(line for line in out.splitlines() if "Structured output" in line)
    assert chat.startswith("✓") and llm_env.model in chat and " ms" in chat, out
    assert tool.startswith("✓") and " ms" in tool, out
    assert code == 0, out
