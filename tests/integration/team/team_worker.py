"""Subprocess of the team tests: opens a project on COACH_DATABASE_URL and answers questions.

`python team_worker.py NAME N [hold]` prints `WRITER <pid>` or `READER <holder message>` after
opening, `ANSWERED <question id>` after each saved answer, then with `hold` prints `HOLDING` and
keeps the project open until a line arrives on stdin; `DONE` at the end.
"""

from __future__ import annotations

import sys

from graphs.session import CoachSession

ANSWERS = {"choice": "1", "multi": "1,2", "yesno": "是", "number": "10", "text": "按计划推进，细节见附件"}


def main(name: str, n: int, hold: bool) -> None:
    session = CoachSession.open(name)
    try:
        if session.writer is not None:
            print("READER", session.writer.message(name), flush=True)
            return
        print("WRITER", flush=True)
        for _ in range(n):
            q = session.current().question
            if q is None:
                break
            session.send(ANSWERS[q.type])
            print("ANSWERED", q.id, flush=True)
        if hold:
            print("HOLDING", flush=True)
            sys.stdin.readline()
    finally:
        session.close()
    print("DONE", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), "hold" in sys.argv[3:])
