"""The integration tier: a real llama.cpp server on loopback, started once per test session.

If the server cannot start (package or model missing), the tests fail with the reason under CI
(`CI=true`), where the tier is required, and are skipped with the reason elsewhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from . import llama_server
from .llama_server import LlamaServer, ServerUnavailable

API_KEY = "sk-integration-not-a-secret"
"""llama.cpp ignores the key, but langchain-openai wants one."""
N_CTX = 4096
"""The context a user's private server has by default (llama.cpp `-c 4096`, Ollama): the coach cuts
every prompt to its `context_tokens` (default 4096), at most ~2,100 SmolLM2 tokens (bench_turn)."""
MAX_TOKENS = 48
"""Replies are capped so a rambling tiny model cannot spend minutes per call: the coach sets no
`max_tokens` itself (settings have none), so the tier caps it at the one place models are made."""


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
    n_ctx = int(os.environ.get("COACH_TEST_N_CTX", str(N_CTX)))
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
    """LLM mode pointed at the real server (env, as a user sets it), at most one retry, and
    `max_tokens` capped on the model `agent.llm.make_chat_model` builds."""
    import agent.llm

    monkeypatch.setenv("OPENAI_BASE_URL", llama.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("COACH_MODEL", llama.model)
    write_config(coach_home, token_budget=200_000)
    real = agent.llm.make_chat_model

    def capped(settings: Any) -> Any:
        model: Any = real(settings)
        if model is not None and getattr(model, "max_tokens", None) is None:
            # `max_tokens=` goes out as `max_completion_tokens`, which llama.cpp ignores
            extra = {**(model.extra_body or {}), "max_tokens": MAX_TOKENS}
            model = model.model_copy(update={"extra_body": extra})
        return model

    monkeypatch.setattr(agent.llm, "make_chat_model", capped)
    return llama


def write_config(coach_home: Path, *, token_budget: int) -> None:
    """config.toml: a generous timeout (2 shared cores), one retry, the given token budget."""
    coach_home.mkdir(parents=True, exist_ok=True)
    (coach_home / "config.toml").write_text(
        f"timeout_s = 180.0\nmax_retries = 1\ntoken_budget = {token_budget}\n", encoding="utf-8"
    )
