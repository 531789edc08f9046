"""Two REAL processes on one project and on one knowledge base: every answer kept, the second opener
told who holds the project (and able to read it), a killed holder's lock recovered silently, and the
store sound after concurrent `kb add` and `kb search`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from agent.locks import ProjectBusy, ProjectReadOnly
from bench.stress_concurrency import REPO, stress_kb, stress_sessions
from cli.main import main
from graphs.session import CoachSession

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals and flock: POSIX")

PROJECT = "锁测试 lock"


def _holder(home: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.stress_concurrency", "--worker", "hold", "--project", PROJECT],
        env={**os.environ, "COACH_HOME": str(home), "PYTHONPATH": str(REPO)},
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("OPEN"), (line, proc.stderr.read() if proc.stderr else "")
    return proc


def test_second_opener_is_told_who_holds_the_project_and_may_read_it(
    coach_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    holder = _holder(coach_home)
    try:
        with pytest.raises(ProjectBusy) as busy:
            CoachSession.open(PROJECT)
        assert f"项目已在另一个窗口打开（pid {holder.pid}，自 " in busy.value.message
        assert f"project open in another window (pid {holder.pid}, since " in busy.value.message

        assert main(["export", PROJECT, "--out", str(tmp_path / "a"), "--format", "md"]) == 1
        assert f"pid {holder.pid}" in capsys.readouterr().err
        assert not (tmp_path / "a").exists()

        assert main(["export", PROJECT, "--out", str(tmp_path / "b"), "--format", "md", "--read-only"]) == 0
        assert (tmp_path / "b" / "report.json").exists()

        viewer = CoachSession.open(PROJECT, read_only=True)
        try:
            assert viewer.current().question is not None, "the read-only view shows where the project is"
            with pytest.raises(ProjectReadOnly):
                viewer.send("1")
        finally:
            viewer.close()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    # the killed holder's lock is no lock: the project opens, without a word about it
    session = CoachSession.open(PROJECT)
    session.close()


def test_two_processes_answering_one_project_keep_every_answer(coach_home: Path) -> None:
    result = stress_sessions(coach_home, procs=2, writes=3, deadline_s=180)
    assert result["failed_processes"] == 0, result
    assert result["answers_claimed"] == 6, result
    assert result["answers_kept"] == 6 and result["answers_lost"] == [], result
    assert result["sessions_integrity"] == "ok"


def test_concurrent_kb_add_and_search_keep_the_store_sound(coach_home: Path) -> None:
    result = stress_kb(coach_home, procs=2, docs=2, deadline_s=300)
    assert result["failed_processes"] == 0, result
    assert result["documents_listed"] == result["documents_added"] == 4, result
    assert result["documents_searchable"] == 4, result
    assert result["chroma_integrity"] == "ok"
