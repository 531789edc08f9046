"""Test-wide isolation: every test runs under its own COACH_HOME with no endpoint configured."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"

_LLM_ENV = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "COACH_MODEL",
    "COACH_EMBEDDING_MODEL",
    "COACH_EMBEDDING_BASE_URL",
    "COACH_LANG",
    "OPENAI_API_BASE",
)


@pytest.fixture(autouse=True)
def coach_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh COACH_HOME per test, and no user endpoint settings leaking in."""
    home = tmp_path / "coach-home"
    monkeypatch.setenv("COACH_HOME", str(home))
    for var in _LLM_ENV:
        monkeypatch.delenv(var, raising=False)
    return home
