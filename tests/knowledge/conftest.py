"""Knowledge-store fixtures: one real Chroma index of the built-in pack per session, copied per test.

Indexing the pack with the bundled embedding model costs seconds; every test that needs it gets its own
copy of that index under its own COACH_HOME, so tests stay isolated and the suite stays fast.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.config import Settings
from knowledge import indexing
from knowledge.store import KnowledgeBase

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def pack_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A COACH_HOME/kb folder holding the indexed built-in pack (built once per session).

    Built in a child process, so no Chroma client of this process holds the files being copied.
    """
    home = tmp_path_factory.mktemp("pack-home")
    script = "from knowledge.store import KnowledgeBase; print(KnowledgeBase.open().ensure_builtin())"
    env = {**os.environ, "COACH_HOME": str(home)}
    for var in ("COACH_EMBEDDING_MODEL", "COACH_EMBEDDING_BASE_URL"):
        env.pop(var, None)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and int(done.stdout.strip()) > 0, done.stderr
    yield home / "kb"


@pytest.fixture
def notices(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One-line notices of the store (first indexing, re-indexing), captured."""
    seen: list[str] = []
    monkeypatch.setattr(indexing, "notice", seen.append)
    return seen


@pytest.fixture
def kb_home(coach_home: Path, pack_index_dir: Path, notices: list[str]) -> Path:
    """This test's COACH_HOME, with a copy of the indexed pack in it."""
    shutil.copytree(pack_index_dir, coach_home / "kb")
    return coach_home


@pytest.fixture
def kb(kb_home: Path) -> KnowledgeBase:
    """A knowledge base over this test's copy of the indexed pack (bundled embedding model)."""
    return KnowledgeBase.open(Settings())
