"""Test-wide isolation: every test runs under its own COACH_HOME with no endpoint configured."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = Path(os.environ.get("COACH_SEEDS_DIR") or SHARED / "seeds")
"""The source documents: beside the clone, or where COACH_SEEDS_DIR says (a git worktree elsewhere)."""


def seed_path(name: str) -> Path:
    """A source document (../shared/seeds): skipped where the checkout has none beside it, but a
    failure under CI, where the seeds always sit next to the clone."""
    import os

    path = SEEDS / name
    if not path.exists():
        message = f"seed documents not available at {SEEDS}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


_LLM_ENV = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "COACH_MODEL",
    "COACH_EMBEDDING_MODEL",
    "COACH_EMBEDDING_BASE_URL",
    "COACH_LANG",
    "COACH_CONTEXT_TOKENS",
    "OPENAI_API_BASE",
    "COACH_DATABASE_URL",
    "COACH_CHROMA_URL",
    "COACH_CHROMA_TOKEN",
)


@pytest.fixture(autouse=True)
def coach_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh COACH_HOME per test, and no user endpoint settings leaking in."""
    home = tmp_path / "coach-home"
    monkeypatch.setenv("COACH_HOME", str(home))
    for var in _LLM_ENV:
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture(autouse=True)
def _no_real_chat_models(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail a test that creates a real chat model through `agent.llm.make_chat_model`, unless it is
    marked `allow_model_calls`. Tests inject fakes (`tests/fakes.py`) at the seam instead."""
    if request.node.get_closest_marker("allow_model_calls"):
        return
    import agent.llm

    real = agent.llm.make_chat_model

    def guarded(settings):  # type: ignore[no-untyped-def]
        model = real(settings)
        if model is not None:
            pytest.fail(
                "this test created a real chat model (agent.llm.make_chat_model); pass a fake from "
                "tests/fakes.py or mark the test allow_model_calls",
                pytrace=False,
            )
        return model

    monkeypatch.setattr(agent.llm, "make_chat_model", guarded)
