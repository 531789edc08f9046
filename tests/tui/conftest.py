"""TUI test fixtures: the fake session factory, a fresh fake store, and an app builder."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_session import STORE, FakeFactory

from agent.config import Settings
from tui.app import CoachApp, make_app


@pytest.fixture(autouse=True)
def fresh_store() -> Iterator[None]:
    """Every test starts with no fake projects."""
    STORE.clear()
    yield
    STORE.clear()


@pytest.fixture
def factory() -> FakeFactory:
    return FakeFactory()


@pytest.fixture
def build(factory: FakeFactory) -> Callable[..., CoachApp]:
    """`build(lang="zh", settings=None, factory=None)` → a CoachApp on the fake engine."""

    def _build(lang: str = "zh", settings: Settings | None = None, fake: Any = None) -> CoachApp:
        return make_app(lang=lang, session_factory=fake or factory, settings=settings or Settings())

    return _build
