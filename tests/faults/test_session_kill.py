"""SIGKILL inside a graph step: inside the step of an answer (recording it and moving to the next
question are one step), the session reopens at that same question with every earlier answer — the
killed one is not half-saved; inside the LLM wrap-up step that follows the last saved answer, it
reopens with every answer and finishes the wrap-up."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from graphs.session import CoachSession

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NAME = "断点项目"


def _killed_at_stop(point: str, coach_home: Path) -> tuple[list[str], str]:
    """Run the worker to its stop, SIGKILL it; (answered question ids, the id sent at the kill)."""
    env = {
        **os.environ,
        "COACH_HOME": str(coach_home),
        "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests" / "graphs"), str(REPO / "tests")]),
    }
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "session_kill_worker.py"), NAME, point],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.strip())
        lines.put("EOF")

    threading.Thread(target=pump, daemon=True).start()
    answered: list[str] = []
    sending = ""
    try:
        while True:
            try:
                line = lines.get(timeout=90)
            except queue.Empty:
                line = "TIMEOUT"
            if line.startswith("SENDING "):
                sending = line.split()[1]
            elif line.startswith("ANSWERED "):
                answered.append(line.split()[1])
            elif line == "PAUSED":
                proc.send_signal(signal.SIGKILL)
                assert proc.wait(timeout=30) == -signal.SIGKILL
                return answered, sending
            else:
                raise AssertionError(f"worker: {line}; {proc.stderr.read() if proc.stderr else ''}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_killed_inside_an_answers_step_reopens_at_that_question(coach_home: Path) -> None:
    answered, sending = _killed_at_stop("step", coach_home)
    assert len(answered) == 4
    session = CoachSession.open(NAME, create=False)
    try:
        assert list(session.snapshot().answers) == answered, "the earlier answers, nothing half-saved"
        question = session.current().question
        assert question is not None and question.id == sending, "the killed answer's question again"
        session.send("某银行" if question.type == "text" else "1")
        assert sending in session.snapshot().answers, "the next input answers it"
    finally:
        session.close()


def test_killed_in_the_wrapup_finishes_it_on_reopen(coach_home: Path) -> None:
    answered, sending = _killed_at_stop("wrapup", coach_home)
    session = CoachSession.open(NAME, create=False)
    try:
        snap = session.snapshot()
        assert list(snap.answers) == [*answered, sending], "every answer, the last one included"
        turn = session.current()
        assert turn.done and turn.question is None, "the wrap-up was finished"
        assert any(m.kind == "summary" for m in session.transcript()), "with its summary"
    finally:
        session.close()
