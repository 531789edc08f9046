"""The Makefile's set-up steps: `make run` installs the runtime only, `make test`'s set-up adds the test stack
on top, and neither undoes or repeats the other.

Run on a copy of the Makefile in a temporary folder whose `.venv/bin/python` is a stand-in that records
each pip command instead of installing anything, so the test is quick and needs no network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    bindir = tmp_path / ".venv" / "bin"
    bindir.mkdir(parents=True)
    log = tmp_path / "calls.log"
    for name in ("python", "coach"):
        script = bindir / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n', encoding="utf-8")
        script.chmod(0o755)
    return tmp_path


def make(project: Path, target: str) -> list[str]:
    """Run one make target; the commands the stand-ins recorded during it."""
    log = project / "calls.log"
    before = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    done = subprocess.run(
        ["make", "-s", target], cwd=project, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    after = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return after[len(before) :]


def installs(calls: list[str]) -> list[str]:
    return [c.split(" install ", 1)[1] for c in calls if " pip install " in c]


def test_run_installs_the_runtime_only_and_test_adds_the_rest(project: Path) -> None:
    first = make(project, "run")
    assert installs(first) == ["-q --disable-pip-version-check --no-compile -e ."]
    assert first[-1] == "coach "

    added = installs(make(project, ".venv/.installed"))  # what `make test` sets up before linting
    assert any("[test,integration,team]" in a for a in added) and any("--no-deps" in a for a in added)
    assert not any(a.endswith(" -e .") for a in added), "the runtime install is not repeated"

    assert installs(make(project, "run")) == [], "make run after make test installs or removes nothing"
    assert installs(make(project, ".venv/.installed")) == []


def test_a_changed_pyproject_reinstalls_both_in_order(project: Path) -> None:
    make(project, ".venv/.installed")
    time.sleep(1.1)  # mtimes of one second resolution on some filesystems
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\nversion = '2'\n", encoding="utf-8")
    assert installs(make(project, "run")) == ["-q --disable-pip-version-check --no-compile -e ."]
    assert any("[test,integration,team]" in a for a in installs(make(project, ".venv/.installed")))


def test_a_venv_with_only_the_old_full_install_stamp_needs_no_runtime_install(project: Path) -> None:
    (project / ".venv" / ".installed").touch()  # a checkout set up before the runtime stamp existed
    assert installs(make(project, "run")) == []
    assert installs(make(project, ".venv/.installed")) == []
