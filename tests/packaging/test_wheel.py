"""The package as a user installs it: the sdist and the wheel built from it, installed into a clean venv
outside the checkout, run through the `coach` console script only.

Nothing here imports the project or names its modules, so moving code between packages cannot make this
test pass by accident: a template, question bank, pack file or prompt missing from the wheel fails it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "bank_customer_service.yaml"

pytestmark = pytest.mark.slow


def _run(cmd: list[str | Path], *, cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, (
        f"`{' '.join(str(c) for c in cmd)}` exited {done.returncode}\n"
        f"stdout: {done.stdout[-3000:]}\nstderr: {done.stderr[-3000:]}"
    )
    return done.stdout


def _clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that would let the checkout leak into the clean venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(extra)
    return env


def test_the_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    assert REPO not in tmp_path.parents
    dist = tmp_path / "dist"
    env = _clean_env(COACH_HOME=str(tmp_path / "home"))
    # `python -m build` builds the sdist, then the wheel from the unpacked sdist: a file the sdist
    # forgets fails here as well. No isolation: the test extra holds the build backend already.
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, REPO], cwd=tmp_path, env=env)
    sdists = list(dist.glob("*.tar.gz"))
    wheels = list(dist.glob("*.whl"))
    assert len(sdists) == 1 and len(wheels) == 1, sorted(p.name for p in dist.iterdir())
    with tarfile.open(sdists[0]) as tar:
        names = tar.getnames()
    assert any(n.endswith("/README.md") for n in names) and any(n.endswith("/pyproject.toml") for n in names)
    with zipfile.ZipFile(wheels[0]) as whl:
        members = whl.namelist()
    assert not any(m.startswith(("tests/", "bench/", "eval/")) for m in members), "dev folders in the wheel"

    clean = tmp_path / "venv"
    venv.create(clean, with_pip=True, clear=True)
    bindir = clean / "bin"
    # --no-compile: byte-compiling every dependency is most of an install's time, and only what runs
    # needs compiling (Python does it on import)
    _run([bindir / "python", "-m", "pip", "install", "-q", "--no-compile", wheels[0]], cwd=tmp_path, env=env)
    coach = bindir / "coach"
    work = tmp_path / "work"
    work.mkdir()

    usage = _run([coach, "--help"], cwd=work, env=env)
    assert "kb" in usage and "run" in usage

    out = work / "out"
    _run(
        [coach, "run", "--answers", EXAMPLE, "--out", out, "--format", "md,docx,html,json", "--lang", "en"],
        cwd=work,
        env=env,
    )
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["pitfalls"], "the example triggers pitfalls: the rule pack is in the wheel"
    assert all(p["citations"] for p in report["pitfalls"]), "citations come from the built-in pack"
    files = [f for d in report["deliverables"] for f in d["files"]]
    suffixes = {Path(f).suffix for f in files}
    assert {".md", ".docx", ".html", ".json"} <= suffixes
    assert all((out / f).is_file() or Path(f).is_file() for f in files)

    hits = json.loads(
        _run([coach, "kb", "search", "如何降低大模型幻觉", "-k", "3", "--json"], cwd=work, env=env)
    )
    assert len(hits) == 3 and all(h["kb"] == "builtin" and h["text"].strip() for h in hits)
