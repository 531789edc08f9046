"""Subprocess of the session kill tests: an interview on the real SQLite store that stops inside a
graph step, so the test can SIGKILL it there.

    python session_kill_worker.py NAME step|wrapup

`step`: guided; answers four questions, then the fifth, whose step (recording and moving to the
next question are one step) stops while moving on. `wrapup`: LLM mode (a scripted model); answers
every question; the wrap-up step that drafts the narratives after the last answer stops. Prints
`SENDING <question id>` before each answer, `ANSWERED <question id>` after it, and `PAUSED` at the
stop, then waits to be killed.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from fakes import ScriptedChatModel
from graph_helpers import answer_for

import agent.interview.step
import graphs.drafting
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
    model = ScriptedChatModel(responder=lambda messages, kwargs: {}) if point == "wrapup" else None
    session = CoachSession.open(name, model=model)
    if point == "wrapup":
        graphs.drafting.draft_narratives = _pausing(graphs.drafting.draft_narratives)  # type: ignore[attr-defined]
    for n in range(200):
        q = session.current().question
        assert q is not None, "the interview ended without reaching the stop"
        if point == "step" and n == 4:
            agent.interview.step.advance = _pausing(agent.interview.step.advance)  # type: ignore[attr-defined]
        _say("SENDING", q.id)
        session.send(answer_for(q))
        _say("ANSWERED", q.id)
    raise SystemExit("never stopped")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
