"""A whole interview in the real TUI, in Chinese at 80×24, driven through tmux: every screen saved.

    python -m bench.tmux_walk [--out DIR] [--size 80x24] [--lang zh]

`coach` runs in a detached tmux session on a fresh COACH_HOME (guided mode: no model); keys go in
with `tmux send-keys`, the screen comes back with `capture-pane`. The walk creates a project,
answers every question by its type (read from the answer box's hint: the first option, `1,2` for
a multi-choice, a number, a sentence), opens the panels, help, palette, search and export on the
way, exports, and saves each screen to DIR/NNN-what.txt, to be looked at (`cat DIR/*.txt`).
It prints the number of screens, the answers given, the longest wait for a turn and whether the
interview ended complete; exit 1 if it did not.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COACH = ROOT / ".venv" / "bin" / "coach"

# the answer box's hint (placeholder) names the question type, in Chinese and in English
HINTS = {
    "multi": ("编号如 1,3", "Numbers like 1,3"),
    "choice": ("数字或 ↑↓", "A digit or ↑↓"),
    "yesno": ("1 是 / 2 否", "1 yes / 2 no"),
    "number": ("输入数字后回车", "A number, or explain"),
    "suggested": ("回车确认：", "Enter confirms:"),
    "current": ("回车保留：", "Enter keeps:"),
}
ANSWERS = {
    "multi": "1,2",
    "choice": "1",
    "yesno": "1",
    "number": "90",
    "suggested": "",
    "current": "",
}
TEXT_ANSWER = {"zh": "客服部门牵头，IT 部配合，每月复盘一次", "en": "Customer service leads, IT supports"}
DONE = ("✔ 访谈已完成", "✔ Interview complete")
BUSY = ("⏳ 思考中", "⏳ thinking")


class Tmux:
    """One detached tmux session running a command."""

    def __init__(
        self, name: str, width: int, height: int, command: list[str], env: dict[str, str], cwd: Path
    ) -> None:
        self.name = name
        exports = " ".join(f"{k}={_quote(v)}" for k, v in env.items())
        shell = f"env {exports} {' '.join(_quote(c) for c in command)}"
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                name,
                "-x",
                str(width),
                "-y",
                str(height),
                "-c",
                str(cwd),
                shell,
            ],
            check=True,
        )

    def keys(self, *keys: str, literal: bool = False) -> None:
        args = ["tmux", "send-keys", "-t", self.name, *(["-l"] if literal else []), *keys]
        subprocess.run(args, check=True)

    def screen(self) -> str:
        out = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], check=True, capture_output=True, text=True
        )
        return out.stdout

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False, capture_output=True)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def wait_for(tmux: Tmux, test: object, timeout: float = 60.0, settle: float = 0.25) -> tuple[str, float]:
    """Poll the screen until `test(screen)` holds and it stops changing; (screen, seconds waited)."""
    start = time.monotonic()
    last, stable_since = "", time.monotonic()
    while time.monotonic() - start < timeout:
        screen = tmux.screen()
        if screen != last:
            last, stable_since = screen, time.monotonic()
        elif test(screen) and time.monotonic() - stable_since >= settle:  # type: ignore[operator]
            return screen, time.monotonic() - start
        time.sleep(0.05)
    raise TimeoutError(f"screen did not settle in {timeout}s:\n{last}")


def question_kind(screen: str) -> str:
    """The kind of the question on screen, from the answer box's hint."""
    for kind, hints in HINTS.items():
        if any(h in screen for h in hints):
            return kind
    return "text"


def _last_reply_failed(screen: str, reply: str) -> bool:
    """The last chat lines say the answer about to be repeated was not understood."""
    tail = [line for line in screen.splitlines() if "无法理解" in line or "Could not read" in line]
    return bool(tail) and (f"“{reply}”" in tail[-1] or f"'{reply}'" in tail[-1])


def idle(screen: str) -> bool:
    return not any(b in screen for b in BUSY)


def walk(out: Path, width: int, height: int, lang: str, max_answers: int = 150) -> dict[str, object]:
    """Run the whole walk; returns the figures."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    home = Path(tempfile.mkdtemp(prefix="coach-walk-"))
    env = {"COACH_HOME": str(home), "COACH_LANG": lang, "TERM": "xterm-256color"}
    for key in ("COACH_SEEDS_DIR", "HF_HOME", "HOME", "PATH"):
        if os.environ.get(key):
            env[key] = os.environ[key]
    tmux = Tmux(f"coach-walk-{os.getpid()}", width, height, [str(COACH)], env, cwd=home)
    shots = 0
    waits: list[float] = []

    def shot(what: str, screen: str) -> None:
        nonlocal shots
        shots += 1
        (out / f"{shots:03d}-{what}.txt").write_text(screen, encoding="utf-8")

    try:
        screen, _ = wait_for(tmux, lambda s: "项目" in s or "Projects" in s, timeout=60)
        shot("picker", screen)
        tmux.keys("n")
        screen, _ = wait_for(tmux, lambda s: "项目名称" in s or "Project name" in s)
        shot("new-project", screen)
        tmux.keys("客服试点" if lang == "zh" else "service-pilot", literal=True)
        tmux.keys("Enter")
        screen, first = wait_for(tmux, lambda s: idle(s) and ("阶段 1/7" in s or "Stage 1/7" in s), 120)
        waits.append(first)
        shot("first-question", screen)
        answers = 0
        while answers < max_answers and not any(d in screen for d in DONE):
            kind = question_kind(screen)
            reply = ANSWERS.get(kind, TEXT_ANSWER[lang])
            if ("无法理解" in screen or "Could not read" in screen) and _last_reply_failed(screen, reply):
                kind, reply = "skip", "/跳过" if lang == "zh" else "/skip"  # not readable: skip it
            if reply:
                tmux.keys(reply, literal=True)
            tmux.keys("Enter")
            before = screen
            screen, waited = wait_for(tmux, lambda s, b=before: idle(s) and s != b, 60)
            waits.append(waited)
            answers += 1
            shot(f"answer-{answers:03d}-{kind}", screen)
            if answers == 8:  # on the way: the panels, the palette, search, help
                for keys, what, back in (
                    (["F2"], "panels", ["Escape"]),
                    (["C-p"], "palette", ["Escape"]),
                    (["C-f"], "search", ["Escape"]),
                    (["F1"], "help", ["Escape"]),
                ):
                    tmux.keys(*keys)
                    # the first look at the panels renders the pitfalls (~0.1 s): let it finish
                    shot(what, wait_for(tmux, lambda s, b=screen: idle(s) and s != b, settle=1.0)[0])
                    tmux.keys(*back)
                    screen = wait_for(tmux, idle, settle=1.0)[0]
                if "：" in screen or ":" in screen:
                    tmux.keys("什么是RAG？" if lang == "zh" else "What is RAG?", literal=True)
                    tmux.keys("Enter")
                    before = screen
                    screen, waited = wait_for(tmux, lambda s, b=before: idle(s) and s != b, 60)
                    waits.append(waited)
                    shot("asked", screen)
        complete = any(d in screen for d in DONE)
        tmux.keys("C-e")
        screen, _ = wait_for(tmux, lambda s, b=screen: idle(s) and s != b)
        shot("export-dialog", screen)
        tmux.keys("Enter")  # the Export button has the focus; the files go under COACH_HOME (cwd)
        # the export dialog's own result line ("✔ 访谈已完成" is on screen already)
        done = ("✔ 已导出", "✔ Exported", "✘ 导出失败", "✘ Export failed")
        screen, _ = wait_for(tmux, lambda s: any(d in s for d in done), 180)
        shot("exported", screen)
        tmux.keys("Escape")
        tmux.keys("C-q")
        time.sleep(0.5)
        return {
            "screens": shots,
            "answers": answers,
            "complete": complete,
            "longest_wait_s": round(max(waits), 2),
            "median_wait_s": round(sorted(waits)[len(waits) // 2], 2),
            "out": str(out),
        }
    finally:
        tmux.close()
        shutil.rmtree(home, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "tmux_walk")
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--lang", default="zh", choices=("zh", "en"))
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed", file=sys.stderr)
        return 2
    width, height = (int(x) for x in args.size.split("x"))
    figures = walk(args.out, width, height, args.lang)
    for key, value in figures.items():
        print(f"{key}: {value}")
    return 0 if figures["complete"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
