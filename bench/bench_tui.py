"""TUI benchmark: time to first screen vs a bare Textual app, and the longest UI stall in a turn.

`python -m bench.bench_tui` prints the figures; `run()` returns them for `bench/run_all.py`.

- First screen: `coach`'s app (real engine factory, fresh COACH_HOME) and a bare Textual app are
  each started headless in a fresh interpreter, the same way, N times; the time from spawning the
  process to the first screen being up is compared (median ratio, target ≤ 3×).
- Stall: the app on the real `graphs.session` (real SQLite) with a slow fake chat model (latency
  per call, answers streamed token by token) runs LLM-mode turns while a probe on the UI event
  loop measures how late its 5 ms ticks fire; the longest delay is the longest UI stall
  (target ≤ 50 ms).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
MODEL_LATENCY_S = 0.4
WORST_WINDOWS: list[tuple[float, float]] = []

_FIRST_SCREEN = r"""
import sys, time
kind = sys.argv[1]
if kind == "bare":
    from textual.app import App
    from textual.widgets import Footer, Static

    class Bare(App):
        def compose(self):
            yield Static("hello")
            yield Footer()

    app = Bare()
    ready = lambda a: True
else:
    from tui.app import make_app
    app = make_app(lang="zh")
    ready = lambda a: type(a.screen).__name__ == "PickerScreen"

async def pilot(p):
    while not ready(p.app):
        await p.pause()
    await p.pause()
    print(f"READY {time.time():.6f}", flush=True)
    p.app.exit()

app.run(headless=True, size=(80, 24), auto_pilot=pilot)
"""


def _first_screen_s(kind: str, home: str) -> float:
    env = {**os.environ, "COACH_HOME": home, "PYTHONPATH": str(ROOT)}
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", _FIRST_SCREEN, kind],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    for line in out.stdout.splitlines():
        if line.startswith("READY"):
            return float(line.split()[1]) - start
    raise RuntimeError(f"{kind} app did not start: {out.stderr[-1500:]}")


def first_screen(runs: int = RUNS) -> dict[str, float]:
    """Median seconds to first screen for coach and a bare app, alternating to share the noise."""
    coach: list[float] = []
    bare: list[float] = []
    with tempfile.TemporaryDirectory() as home:
        _first_screen_s("coach", home)  # warm the file cache for both
        _first_screen_s("bare", home)
        for _ in range(runs):
            coach.append(_first_screen_s("coach", home))
            bare.append(_first_screen_s("bare", home))
    c, b = statistics.median(coach), statistics.median(bare)
    return {"coach_s": c, "bare_s": b, "ratio": c / b}


class LoopProbe:
    """Sleeps 5 ms at a time on the UI event loop; `worst` is the latest it ever woke up."""

    def __init__(self, tick: float = 0.005) -> None:
        self.tick = tick
        self.worst = 0.0
        self.running = True

    async def run(self) -> None:
        last = time.perf_counter()
        while self.running:
            await asyncio.sleep(self.tick)
            now = time.perf_counter()
            if now - last - self.tick > self.worst:
                self.worst = now - last - self.tick
                WORST_WINDOWS.append((last, now))
            last = now


async def _stall_run(latency: float, engine: str = "real") -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT / "tests" / "tui"))
    from fakes import ScriptedChatModel  # the test fakes: a real BaseChatModel with latency
    from textual.widgets import Input

    from agent.config import Settings
    from graphs.asking import pack_search
    from graphs.session import CoachSession
    from tui.app import make_app
    from tui.backend import EngineFactory
    from tui.screens.interview import InterviewScreen

    answer = "RAG（检索增强生成）先检索相关资料，再让模型据此作答，可降低幻觉并给出出处 [1]。" * 3
    model = ScriptedChatModel(responder=lambda _m, _k: answer, latency_s=latency)

    class Retriever:
        def search(self, query: str, **kw: Any) -> Any:
            return pack_search(query, k=kw.get("k", 5))

    class Engine(EngineFactory):
        def open(self, name: str, **kw: Any) -> Any:
            return CoachSession.open(
                name, lang="zh", settings=Settings(max_retries=0), model=model, retriever=Retriever()
            )

    if engine == "real":
        factory: Any = Engine()
    else:
        from fake_session import FakeFactory  # the in-memory session of the TUI tests

        factory = FakeFactory(delay=latency, tokens=[answer[i : i + 4] for i in range(0, len(answer), 4)])
    app = make_app(lang="zh", session_factory=factory, settings=Settings())
    inputs = [
        "什么是RAG？",
        "某城市商业银行信用卡中心",
        "1",
        "客服高峰排队长，回答口径不一致",
        "如何降低幻觉？",
    ]
    stalls: list[float] = []
    turn_s: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_project("bench", lang="zh", sector=None, create=True)
        while not (isinstance(app.screen, InterviewScreen) and app.screen.turn is not None):
            await asyncio.sleep(0.05)
        screen = app.screen
        for text in inputs:
            probe = LoopProbe()
            task = asyncio.create_task(probe.run())
            start = time.perf_counter()
            screen.query_one("#q-input", Input).value = text
            await pilot.press("enter")
            await asyncio.sleep(0.05)
            while screen.busy:
                await asyncio.sleep(0.01)
            await pilot.pause()
            turn_s.append(time.perf_counter() - start)
            probe.running = False
            await task
            stalls.append(probe.worst)
    return {"max_stall_ms": max(stalls) * 1000, "median_turn_s": statistics.median(turn_s)}


def stall(latency: float = MODEL_LATENCY_S, engine: str = "real") -> dict[str, float]:
    """Longest UI event-loop delay during LLM-mode turns with a slow fake model.

    `engine="fake"` runs the same turns on the TUI tests' in-memory session: the UI's own share.
    """
    with tempfile.TemporaryDirectory() as home:
        os.environ["COACH_HOME"] = home
        return asyncio.run(_stall_run(latency, engine))


def run() -> dict[str, Any]:
    """Figures for bench/run_all.py."""
    fs = first_screen()
    st = stall()
    ui_only = stall(engine="fake")
    return {
        "tui_first_screen_ratio": {"value": round(fs["ratio"], 2), "target": 3.0, "unit": "×"},
        "tui_first_screen_s": {"value": round(fs["coach_s"], 3), "unit": "s"},
        "tui_bare_textual_first_screen_s": {"value": round(fs["bare_s"], 3), "unit": "s"},
        "tui_max_ui_stall_ms": {
            "value": round(st["max_stall_ms"], 1),
            "target": 50.0,
            "unit": "ms",
            "note": f"LLM-mode turns, fake model {MODEL_LATENCY_S}s per call, streamed",
        },
        "tui_median_turn_s": {"value": round(st["median_turn_s"], 3), "unit": "s"},
        "tui_max_ui_stall_fake_session_ms": {
            "value": round(ui_only["max_stall_ms"], 1),
            "unit": "ms",
            "note": "same turns on the in-memory session: the UI's own work",
        },
    }


if __name__ == "__main__":
    results = run()
    for name, figure in results.items():
        target = f"  (target ≤ {figure['target']}{figure.get('unit', '')})" if "target" in figure else ""
        print(f"{name:34} {figure['value']}{figure.get('unit', '')}{target}")
