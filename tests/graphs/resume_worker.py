"""Subprocess of the kill-and-resume test: answers a few questions, then hangs inside a turn.

Prints `ANSWERED <json of question ids>` and `SENDING <question id>` before the turn that hangs
(the fake model sleeps when it sees the marker), so the parent knows when to SIGKILL it.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from fakes import ScriptedChatModel, field_of
from graph_helpers import answer_for

from agent.config import Settings
from graphs.session import CoachSession

MARKER = "KILL-ME-HERE"


def respond(messages: list[Any], kwargs: dict[str, Any]) -> Any:
    if any(MARKER in str(m.content) for m in messages):
        time.sleep(120)
    return {"understood": f"ok {field_of(messages)}"}


def main(name: str, n_answers: int) -> None:
    session = CoachSession.open(
        name, model=ScriptedChatModel(responder=respond), settings=Settings(max_retries=0)
    )
    answered = []
    for _ in range(n_answers):
        q = session.current().question
        assert q is not None
        session.send(answer_for(q))
        answered.append(q.id)
    print("ANSWERED", json.dumps(answered), flush=True)
    q = session.current().question
    assert q is not None
    print("SENDING", q.id, flush=True)
    session.send(f"{MARKER} 这段回答永远不会被记录" if q.type == "text" else f"{MARKER}?")
    print("FINISHED", flush=True)  # never reached: the parent kills us first


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
