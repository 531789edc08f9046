"""Sessions on the SQLite checkpointer: kill-and-resume in a subprocess, project names, listing,
deletion, and corrupt or foreign database files."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from graph_helpers import answer_for

from agent.config import coach_home
from agent.errors import InputError, StorageError
from graphs.session import CoachSession, delete_project, list_projects

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def _read_line(proc: subprocess.Popen[str], prefix: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"worker ended early: {proc.stderr.read() if proc.stderr else ''}")
        if line.startswith(prefix):
            return line[len(prefix) :].strip()
    raise AssertionError(f"no {prefix!r} from the worker")


def test_killed_mid_answer_resumes_at_the_same_question_with_answers_intact() -> None:
    env = {
        **os.environ,
        "COACH_HOME": str(coach_home()),
        "PYTHONPATH": os.pathsep.join([str(REPO), str(HERE), str(REPO / "tests")]),
    }
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "resume_worker.py"), "断点续传 🚀 项目", "6"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        answered = json.loads(_read_line(proc, "ANSWERED "))
        pending = _read_line(proc, "SENDING ")
        time.sleep(1.5)  # inside the turn: the fake model is sleeping
        assert proc.poll() is None, "the worker must still be mid-turn"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    session = CoachSession.open("断点续传 🚀 项目", create=False)
    try:
        turn = session.current()
        assert turn.question is not None and turn.question.id == pending, "the same question"
        snap = session.snapshot()
        assert list(snap.answers) == answered, "every earlier answer, nothing from the killed turn"
        assert all("KILL-ME-HERE" not in r.raw for r in snap.answers.values())
        fresh_answer = answer_for(turn.question)
        session.send(fresh_answer)
        assert session.snapshot().answers[pending].raw == fresh_answer, "the new answer, not the killed one"
    finally:
        session.close()


def test_any_unicode_name_round_trips(open_session: Callable[..., CoachSession]) -> None:
    names = ["智能客服试点", "Projet « été » №2", "مشروع", "🚀 rocket", "a/b\\c'; DROP TABLE x;--"]
    for name in names:
        session = open_session(name)
        session.send("某单位")
        session.close()
    listed = {p.name for p in list_projects()}
    assert listed == set(names)
    for name in names:
        again = CoachSession.open(name, create=False)
        assert again.snapshot().answers["req.organisation"].raw == "某单位"
        again.close()


def test_open_without_create_and_bad_names() -> None:
    with pytest.raises(InputError, match="没有名为"):
        CoachSession.open("nope", create=False)
    with pytest.raises(InputError):
        CoachSession.open("   ")
    with pytest.raises(InputError):
        CoachSession.open("bad\x00name")


def test_delete_project_removes_it_and_its_history(open_session: Callable[..., CoachSession]) -> None:
    session = open_session("要删除的")
    session.send("某单位")
    thread = session.thread_id
    session.close()
    delete_project("要删除的")
    assert list_projects() == []
    conn = sqlite3.connect(coach_home() / "sessions.sqlite")
    assert conn.execute("SELECT count(*) FROM checkpoints WHERE thread_id = ?", (thread,)).fetchone()[0] == 0
    conn.close()
    with pytest.raises(InputError):
        delete_project("要删除的")
    fresh = open_session("要删除的")
    assert "req.organisation" not in fresh.snapshot().answers, (
        "a new project under the old name starts afresh"
    )


def test_corrupt_database_is_a_clear_storage_error() -> None:
    home = coach_home()
    home.mkdir(parents=True)
    (home / "sessions.sqlite").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StorageError) as err:
        CoachSession.open("x")
    assert "sessions.sqlite" in str(err.value) and err.value.hint
    with pytest.raises(StorageError):
        list_projects()


def test_foreign_sqlite_database_is_refused() -> None:
    home = coach_home()
    home.mkdir(parents=True)
    conn = sqlite3.connect(home / "sessions.sqlite")
    conn.execute("CREATE TABLE checkpoints (x INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StorageError, match="another program"):
        CoachSession.open("x")
    conn = sqlite3.connect(home / "sessions.sqlite")
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 1, "left untouched"
    conn.close()


def test_closed_session_refuses_input(open_session: Callable[..., CoachSession]) -> None:
    session = open_session()
    session.close()
    with pytest.raises(StorageError):
        session.send("x")


def test_a_failing_step_does_not_wedge_the_session(
    open_session: Callable[..., CoachSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug while handling an input: told in one message, nothing recorded, the next input works."""
    import agent.interview.coaching

    session = open_session()
    q = session.current().question
    assert q is not None
    real = agent.interview.coaching.evaluate_project

    def boom(**kwargs: object) -> None:
        raise RuntimeError("rules exploded")

    monkeypatch.setattr(agent.interview.coaching, "evaluate_project", boom)
    turn = session.send("某银行")
    assert turn.question == q and turn.messages[0].kind == "error" and "答案未记录" in turn.messages[0].text
    assert "RuntimeError" not in turn.messages[0].text, "said in the user's words, not the exception's"
    monkeypatch.setattr(agent.interview.coaching, "evaluate_project", real)
    session.send("另一家银行")
    assert session.snapshot().answers[q.id].raw == "另一家银行", "the new input, not the failed one"


def test_a_failure_while_moving_to_the_next_question_records_nothing(
    open_session: Callable[..., CoachSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recording an answer and moving on are one step: a failure in the second leaves the first
    unsaved too (no half-done input), and the same question is asked again."""
    import agent.interview.step

    session = open_session()
    q = session.current().question
    assert q is not None

    def broken(tb: object) -> None:
        raise OSError("disk")

    monkeypatch.setattr(agent.interview.step, "advance", broken)
    turn = session.send("某银行")
    assert turn.question == q and turn.messages[-1].kind == "error"
    assert q.id not in session.snapshot().answers
    monkeypatch.undo()
    session.send("某银行")
    assert session.snapshot().answers[q.id].raw == "某银行"


def test_reopened_project_keeps_the_conversation_in_order(
    open_session: Callable[..., CoachSession],
) -> None:
    session = open_session("续谈")
    asked = session.current().question
    assert asked is not None
    session.send("某城市商业银行信用卡中心")
    sector = session.current().question
    assert sector is not None and sector.options
    session.send(sector.options[0][0])  # the TUI sends a choice's value…
    session.send("/back")
    session.close()
    again = open_session("续谈", create=False)
    kinds = [(m.kind, m.text) for m in again.transcript()]
    said = [(k, text) for k, text in kinds if k in ("question", "user")]
    assert said == [
        ("question", asked.text),
        ("user", "某城市商业银行信用卡中心"),
        ("question", sector.text),
        ("user", sector.options[0][1]),  # …and the transcript keeps the label shown
        ("user", "/back"),
    ]
    first_user = kinds.index(("user", "某城市商业银行信用卡中心"))
    assert any(k == "echo" and "某城市商业银行信用卡中心" in text for k, text in kinds[first_user:])
    assert kinds[0][0] == "notice", "the welcome comes first"


def test_a_project_saved_by_the_version_before_the_one_step_opens_and_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Users have saved projects: a checkpoint whose state still has `outbox`, `notice`,
    `advance` and `readiness` (saved before those left the state) opens where it stopped."""
    import shutil

    home = coach_home()
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(__file__).parent / "data" / "sessions-before-i10.sqlite", home / "sessions.sqlite")
    session = CoachSession.open("旧项目", create=False)
    try:
        turn = session.current()
        assert turn.question is not None and turn.question.id == "req.goal_metric"
        assert turn.snapshot is not None and len(turn.snapshot.answers) == 5
        assert any(m.kind == "user" for m in session.transcript()), "the conversation is replayed"
        turn = session.send("1")
        assert turn.question is not None and turn.question.id != "req.goal_metric"
        assert len(session.snapshot().answers) == 6
    finally:
        session.close()
    assert not [r for r in caplog.records if "unregistered type" in r.getMessage()]
