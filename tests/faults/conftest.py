"""Fault tests: LLM mode pointed at the fault-injecting server, one retry, a short timeout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .server import MODEL, FaultServer

TIMEOUT_S = 1.0
MAX_RETRIES = 1


@pytest.fixture
def point_at(coach_home: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[FaultServer], None]:
    """Configure LLM mode for a server: env for the endpoint, config.toml for timeout and retries."""

    def configure(server: FaultServer) -> None:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-fault-test-key")
        monkeypatch.setenv("COACH_MODEL", MODEL)
        coach_home.mkdir(parents=True, exist_ok=True)
        (coach_home / "config.toml").write_text(
            f"timeout_s = {TIMEOUT_S}\nmax_retries = {MAX_RETRIES}\n", encoding="utf-8"
        )

    return configure
