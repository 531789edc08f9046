"""The integration tier: a real llama.cpp server on loopback, started once per test session.

If the server cannot start (package or model missing), the tests fail with the reason under CI
(`CI=true`), where the tier is required, and are skipped with the reason elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import llama_server
from .llama_server import LlamaServer, ServerUnavailable

API_KEY = "sk-integration-not-a-secret"
"""llama.cpp ignores the key, but langchain-openai wants one."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this directory is an integration test that may call a model."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)
            item.add_marker(pytest.mark.allow_model_calls)


@pytest.fixture(scope="session")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """The running server (base URL ending in /v1 and the model id); stopped at the end, always."""
    log = tmp_path_factory.mktemp("llama") / "server.log"
    n_ctx = int(os.environ.get("COACH_TEST_N_CTX", "2048"))
    try:
        server = llama_server.start(log, n_ctx=n_ctx)
    except ServerUnavailable as exc:
        message = f"integration tier: the real LLM server cannot start: {exc}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    try:
        yield server
    finally:
        llama_server.stop(server)


@pytest.fixture
def llm_env(llama: LlamaServer, coach_home: Path, monkeypatch: pytest.MonkeyPatch) -> LlamaServer:
    """LLM mode pointed at the real server, with a short timeout and at most one retry."""
    monkeypatch.setenv("OPENAI_BASE_URL", llama.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("COACH_MODEL", llama.model)
    coach_home.mkdir(parents=True, exist_ok=True)
    (coach_home / "config.toml").write_text("timeout_s = 120.0\nmax_retries = 1\n", encoding="utf-8")
    return llama
