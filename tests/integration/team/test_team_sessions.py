"""Sessions on a real PostgreSQL: save, resume, kill-and-resume, one writer per project, and schema
setup by several processes at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from agent.errors import StorageError
from graphs.pg_storage import PgSessionStore
from graphs.session import CoachSession, delete_project, list_projects

from .team_worker import ANSWERS

HERE = Path(__file__).parent
WORKER = HERE / "team_worker.py"


def _worker(name: str, n: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), name, str(n), *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def _lines_until(proc: subprocess.Popen[str], prefix: str, count: int = 1) -> list[str]:
    """Stdout lines up to the `count`-th starting with `prefix` (fails if the worker exits first)."""
    seen: list[str] = []
    hits = 0
    assert proc.stdout is not None
    while hits < count:
        line = proc.stdout.readline()
        if not line:
            err = proc.stderr.read() if proc.stderr else ""
            raise AssertionError(f"worker ended before {prefix!r}: {seen} {err[-2000:]}")
        seen.append(line.rstrip("\n"))
        hits += line.startswith(prefix)
    return seen


def _answer(session: CoachSession, n: int) -> list[str]:
    ids = []
    for _ in range(n):
        q = session.current().question
        assert q is not None
        session.send(ANSWERS[q.type])
        ids.append(q.id)
    return ids


def test_a_project_is_saved_in_postgres_and_resumes(team_db: str, coach_home: Path) -> None:
    session = CoachSession.open("团队试点")
    try:
        answered = _answer(session, 3)
        pending = session.current().question
    finally:
        session.close()
    assert not (coach_home / "sessions.sqlite").exists(), "nothing in the personal SQLite file"
    assert [p.name for p in list_projects()] == ["团队试点"]
    again = CoachSession.open("团队试点", create=False)
    try:
        assert again.writer is None
        assert list(again.snapshot().answers) == answered
        assert pending is not None and again.current().question.id == pending.id  # type: ignore[union-attr]
    finally:
        again.close()
    delete_project("团队试点")
    assert list_projects() == []


def test_a_killed_process_loses_no_saved_answer_and_the_project_resumes(team_db: str) -> None:
    proc = _worker("断点续传", 40)
    try:
        lines = _lines_until(proc, "ANSWERED ", 4)
        proc.send_signal(signal.SIGKILL)  # mid-interview: it goes on answering until the signal lands
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    saved = [line.split(" ", 1)[1] for line in lines if line.startswith("ANSWERED ")]
    session = CoachSession.open("断点续传", create=False)
    try:
        assert session.writer is None, "the killed process's lock went with its connection"
        kept = list(session.snapshot().answers)
        assert kept[: len(saved)] == saved, "every answer the killed process reported saved is kept"
        more = _answer(session, 2)
        assert list(session.snapshot().answers) == [*kept, *more]
    finally:
        session.close()


def test_a_second_opener_is_told_who_writes_may_read_and_no_answer_is_lost(
    team_db: str, tmp_path: Path
) -> None:
    proc = _worker("并发项目", 3, "hold")
    try:
        lines = _lines_until(proc, "HOLDING")
        first = [line.split(" ", 1)[1] for line in lines if line.startswith("ANSWERED ")]
        reader = CoachSession.open("并发项目", create=False)
        try:
            assert reader.writer is not None and reader.writer.pid == proc.pid
            assert str(proc.pid) in (reader.current().notice or ""), "the reader is told who writes"
            assert list(reader.snapshot().answers) == first, "and may read what was saved"
            with pytest.raises(StorageError, match=f"process {proc.pid}"):
                reader.send("1")
        finally:
            reader.close()
        from cli.main import main

        out = tmp_path / "deliverables"
        assert main(["export", "并发项目", "--out", str(out), "--format", "md"]) == 0, "a reader may export"
        assert (out / "report.json").exists()
        other = _worker("并发项目", 3)  # a second process is told too
        out = _lines_until(other, "READER")
        other.wait(timeout=60)
        assert f"process {proc.pid}" in out[-1]
        assert proc.stdin is not None
        proc.stdin.write("\n")
        proc.stdin.flush()
        _lines_until(proc, "DONE")
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    session = CoachSession.open("并发项目", create=False)  # the writer left: now we write
    try:
        assert session.writer is None
        more = _answer(session, 2)
        assert list(session.snapshot().answers) == [*first, *more], "all answers of both kept"
    finally:
        session.close()


def test_several_processes_setting_up_one_fresh_database_at_once_all_start(team_db: str) -> None:
    code = "from graphs.pg_storage import PgSessionStore as S; import os; S.open(os.environ['COACH_DATABASE_URL']).close(); print('OK')"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    results = [p.communicate(timeout=180) for p in procs]
    assert [out.strip() for out, _ in results] == ["OK"] * 4, [err[-800:] for _, err in results]
    store = PgSessionStore.open(team_db)
    try:
        assert store.all() == []
    finally:
        store.close()


def test_an_unreachable_database_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from ..team_services import free_port

    monkeypatch.setenv("COACH_DATABASE_URL", f"postgresql://coach:hunter2@127.0.0.1:{free_port()}/coach")
    with pytest.raises(StorageError) as err:
        CoachSession.open("x")
    assert "PostgreSQL at postgresql://coach:***@127.0.0.1" in str(err.value)
    assert "hunter2" not in str(err.value) + err.value.hint


def test_a_personal_project_moves_to_the_team_database_and_back(
    team_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    monkeypatch.delenv("COACH_DATABASE_URL")  # a personal home first
    personal = CoachSession.open("个人项目")
    try:
        answered = _answer(personal, 3)
    finally:
        personal.close()
    archive = tmp_path / "p.coach.gz"
    assert main(["projects", "export", "个人项目", str(archive)]) == 0
    monkeypatch.setenv("COACH_DATABASE_URL", team_db)
    assert main(["projects", "import", str(archive)]) == 0
    team = CoachSession.open("个人项目", create=False)
    try:
        assert list(team.snapshot().answers) == answered
        more = _answer(team, 1)
    finally:
        team.close()
    back = tmp_path / "back.coach.gz"
    assert main(["projects", "export", "个人项目", str(back)]) == 0
    monkeypatch.setenv("COACH_HOME", str(tmp_path / "laptop"))
    monkeypatch.delenv("COACH_DATABASE_URL")
    assert main(["projects", "import", str(back)]) == 0
    capsys.readouterr()
    home = CoachSession.open("个人项目", create=False)
    try:
        assert list(home.snapshot().answers) == [*answered, *more]
        assert home.current().question is not None
    finally:
        home.close()
