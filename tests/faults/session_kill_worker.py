"""Subprocess of the session kill tests: a guided interview on the real SQLite store that stops
inside a graph step after the answer was saved, so the test can SIGKILL it there.

    python session_kill_worker.py NAME stage|wrapup

`stage`: answers four questions, then the fifth; the stage step that follows the recorded answer
stops. `wrapup`: answers every question; the wrap-up step after the last answer stops. Prints
`SENDING <question id>` before each answer, `ANSWERED <question id>` after it, and `PAUSED` at the
stop, then waits to be killed.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import graphs.nodes.stage
from graph_helpers import answer_for

import graphs.nodes.wrapup
from graphs.session import CoachSession


def _say(*words: object) -> None:
    os.write(1, (" ".join(str(w) for w in words) + "\n").encode())


def _pausing(real: Any) -> Any:
    def stop(*args: Any, **kwargs: Any) -> Any:
        _say("PAUSED")
        time.sleep(600)
        return real(*args, **kwargs)  # never reached: the test kills us first

    return stop


def main(name: str, point: str) -> None:
    session = CoachSession.open(name)
    if point == "wrapup":
        graphs.nodes.wrapup.evaluate = _pausing(graphs.nodes.wrapup.evaluate)  # type: ignore[attr-defined]
    for n in range(200):
        q = session.current().question
        assert q is not None, "the interview ended without reaching the stop"
        if point == "stage" and n == 4:
            graphs.nodes.stage.build_profile = _pausing(graphs.nodes.stage.build_profile)  # type: ignore[attr-defined]
        _say("SENDING", q.id)
        session.send(answer_for(q))
        _say("ANSWERED", q.id)
    raise SystemExit("never stopped")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
