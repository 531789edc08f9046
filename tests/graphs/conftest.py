"""Fixtures of the graph tests: a small retriever and sessions on the real SQLite store.

The model guard lives in the shared `tests/conftest.py`: a test that would create a real chat
model through `agent.llm.make_chat_model` fails unless marked `allow_model_calls`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from graph_helpers import SmallRetriever

from agent.config import Settings
from graphs.session import CoachSession


@pytest.fixture
def retriever() -> SmallRetriever:
    return SmallRetriever()


@pytest.fixture
def open_session(retriever: SmallRetriever) -> Iterator[Callable[..., CoachSession]]:
    """Open sessions on the real SQLite store (tmp COACH_HOME), closed after the test."""
    opened: list[CoachSession] = []

    def _open(name: str = "试点项目", **kwargs: Any) -> CoachSession:
        kwargs.setdefault("retriever", retriever)
        kwargs.setdefault("settings", Settings(max_retries=0))
        session = CoachSession.open(name, **kwargs)
        opened.append(session)
        return session

    yield _open
    for s in opened:
        s.close()
