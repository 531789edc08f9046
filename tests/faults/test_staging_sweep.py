"""An export killed mid-way leaves a hidden staging folder in its output directory; the next start
of the coach (any command, or the TUI) removes it, whatever directory the export was writing to.

Real processes: an exporting child is SIGKILLed while its staging folder holds a half-written file,
then `python -m cli schema` starts with the same COACH_HOME.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from agent.deliverables.files import JOURNAL_DIR, STAGING_PREFIX, StagedOutput, sweep_staging

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and pid checks are POSIX")

REPO = Path(__file__).resolve().parents[2]

_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from agent.deliverables.files import StagedOutput
    out, journal = Path(sys.argv[1]), Path(sys.argv[2])
    with StagedOutput(out, journal=journal) as staged:
        staged.path("需求规格说明书.md").write_text("# 半截", encoding="utf-8")
        print("READY", flush=True)
        time.sleep(600)
    """
)


def _export_killed(out: Path, home: Path) -> None:
    """Start an export into `out` and SIGKILL it while its staging folder is full."""
    env = {**os.environ, "COACH_HOME": str(home), "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(out), str(home / JOURNAL_DIR)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "READY"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()


def _staging(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)] if out.exists() else []


def _start_coach(home: Path) -> None:
    env = {**os.environ, "COACH_HOME": str(home), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "cli", "schema"], env=env, cwd=REPO, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_next_start_removes_what_a_killed_export_left(tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "交付物"
    out.mkdir()
    (out / "需求规格说明书.md").write_text("# 上一版\n", encoding="utf-8")
    _export_killed(out, home)
    assert _staging(out), "the killed export should have left its staging folder"

    _start_coach(home)

    assert _staging(out) == []
    assert (out / "需求规格说明书.md").read_text(encoding="utf-8") == "# 上一版\n"
    assert list((home / JOURNAL_DIR).iterdir()) == []


def test_an_output_folder_the_killed_export_created_goes_too(tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "new" / "out"
    _export_killed(out, home)
    assert out.is_dir()

    _start_coach(home)

    assert not out.exists()


def test_a_running_export_is_left_alone(tmp_path: Path) -> None:
    out, journal = tmp_path / "out", tmp_path / "home" / JOURNAL_DIR
    with StagedOutput(out, journal=journal) as staged:
        staged.path("a.md").write_text("x", encoding="utf-8")
        assert sweep_staging(journal) == []
        assert len(_staging(out)) == 1
    assert _staging(out) == [] and list(journal.iterdir()) == []


def test_a_journal_entry_never_removes_a_folder_that_is_not_staging(tmp_path: Path) -> None:
    journal = tmp_path / JOURNAL_DIR
    journal.mkdir()
    precious = tmp_path / "项目文档"
    precious.mkdir()
    (precious / "keep.md").write_text("keep", encoding="utf-8")
    (journal / f"{STAGING_PREFIX}1-x.json").write_text(
        f'{{"stage": "{precious}", "created": "{tmp_path}"}}', encoding="utf-8"
    )
    (journal / f"{STAGING_PREFIX}2-y.json").write_text("{torn", encoding="utf-8")

    assert sweep_staging(journal) == []
    assert (precious / "keep.md").exists()
    assert list(journal.iterdir()) == []
