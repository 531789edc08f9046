"""Resume benchmark: what replaying a project's conversation costs the first screen.

`python -m bench.bench_resume` prints the figures. A real project (real `graphs.session` on
SQLite under a temporary COACH_HOME, guided mode, the built-in pack as retriever) is answered
N questions deep, then reopened in the app headless, N times each:

- open: Enter on the picker row → the current question on screen (engine open included);
- replay: the chat mounting the replayed messages (`ChatLog.add_history`), and its share;
- stall: the longest delay of a 5 ms probe on the UI loop during the open (engine imports and
  the heap settling included), and the longest while the replayed messages mount and paint.
The replay is bounded (`HISTORY_SHOWN` messages), so it must not grow with the project.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
DEPTHS = (5, 20, 60)
DEFAULTS = {"choice": "1", "multi": "1,2", "yesno": "1", "number": "10", "text": "按计划推进，细节见附件"}


class _PackRetriever:
    def search(self, query: str, *, k: int = 5, **_: Any) -> list[Any]:
        from graphs.asking import pack_search

        return pack_search(query, k=k)


def _make_project(name: str, answers: int) -> int:
    """Answer `answers` questions of a new project; returns the transcript length."""
    from agent.config import Settings
    from graphs.session import CoachSession

    session = CoachSession.open(name, settings=Settings(), retriever=_PackRetriever())
    turn = session.current()
    for _ in range(answers):
        if turn.question is None:
            break
        turn = session.send(DEFAULTS[turn.question.type])
    n = len(session.transcript())
    session.close()
    return n


async def _open_once() -> tuple[float, float, float, float, int]:
    from agent.config import Settings
    from graphs.session import CoachSession
    from tui.app import make_app
    from tui.backend import EngineFactory
    from tui.widgets.chat import ChatLog
    from tui.widgets.question import QuestionPanel

    class Engine(EngineFactory):
        def open(self, name: str, **kw: Any) -> Any:
            return CoachSession.open(
                name, settings=Settings(), retriever=_PackRetriever(), create=kw.get("create", True)
            )

    replay = [0.0]
    window: list[float] = []
    original = ChatLog.add_history

    async def timed(self: ChatLog, *args: Any, **kwargs: Any) -> None:
        t0 = time.perf_counter()
        await original(self, *args, **kwargs)
        window.extend([t0, time.perf_counter()])
        replay[0] += window[-1] - t0

    ChatLog.add_history = timed  # type: ignore[method-assign]
    try:
        app = make_app(lang="zh", session_factory=Engine(), settings=Settings())
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            ticks: list[tuple[float, float]] = []
            running = [True]

            async def probe() -> None:
                last = time.perf_counter()
                while running[0]:
                    await asyncio.sleep(0.005)
                    now = time.perf_counter()
                    ticks.append((last, now - last - 0.005))
                    last = now

            task = asyncio.create_task(probe())
            t0 = time.perf_counter()
            await pilot.press("enter")
            while True:
                await asyncio.sleep(0.005)
                screen = app.screen
                panels = screen.query(QuestionPanel)
                if panels and panels.first().question is not None:
                    break
            await pilot.pause()  # the replay painted
            opened = time.perf_counter() - t0
            running[0] = False
            await task
            stall = max((d for t, d in ticks), default=0.0)
            # stalls that overlap the replay (mounting and first paint of the messages)
            lo, hi = (window[0], window[-1] + 0.2) if window else (0.0, 0.0)
            replay_stall = max((d for t, d in ticks if t + d >= lo and t <= hi), default=0.0)
            shown = len(app.screen.query_one(ChatLog).children)
            await pilot.press("ctrl+q")
    finally:
        ChatLog.add_history = original  # type: ignore[method-assign]
    return opened, replay[0], stall, replay_stall, shown


def run() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    results: dict[str, Any] = {}
    for depth in DEPTHS:
        with tempfile.TemporaryDirectory() as home:
            os.environ["COACH_HOME"] = home
            length = _make_project(f"bench-{depth}", depth)
            samples = [asyncio.run(_open_once()) for _ in range(RUNS)]
        ms = {"unit": "ms"}
        results[f"answers_{depth}"] = {
            "transcript": length,
            "widgets": samples[-1][4],
            "open_ms": {"value": round(statistics.median(x[0] for x in samples) * 1000), **ms},
            "replay_ms": {"value": round(statistics.median(x[1] for x in samples) * 1000, 1), **ms},
            "stall_ms": {"value": round(max(x[2] for x in samples) * 1000, 1), **ms},
            "replay_stall_ms": {"value": round(max(x[3] for x in samples) * 1000, 1), **ms},
        }
    return results


def main() -> None:
    results = run()
    print(
        f"{'answers':>8} {'transcript':>10} {'widgets':>8} {'open ms':>8} {'replay ms':>10}"
        f" {'stall ms':>9} {'in replay':>10}"
    )
    for name, r in results.items():
        print(
            f"{name.removeprefix('answers_'):>8} {r['transcript']:>10} {r['widgets']:>8}"
            f" {r['open_ms']['value']:>8} {r['replay_ms']['value']:>10} {r['stall_ms']['value']:>9}"
            f" {r['replay_stall_ms']['value']:>10}"
        )
    print("open: Enter → question shown (engine open included); stall: longest UI-loop delay in it;")
    print("in replay: the longest one while the replayed messages mount and first paint")


if __name__ == "__main__":
    main()
