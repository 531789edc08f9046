"""First run: a fresh clone, `make run`, and the coach's first screen; seconds from clone to screen.

`python -m bench.bench_first_run` prints the figure; `run()` returns it for `bench/run_all.py`.

The committed HEAD of this checkout is cloned into a temporary folder; `make run`'s set-up step runs
there (its wall and CPU time recorded), then `make run` itself in a detached tmux session (a real
terminal, 100×30, its own COACH_HOME, a private tmux server), whose pane is read every 0.2 s until the
project picker is on screen. What is timed is what a new user waits for: the clone, the venv,
the runtime install (from the warm package cache: nothing is built), and the TUI's start. Goal ≤ 90 s.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 90.0
TIMEOUT_S = 900.0
FIRST_SCREEN = "Pick a project"
"""The picker's intro line in English (COACH_LANG=en: plain ASCII to find in the pane)."""


def _tmux(socket: str, *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    """tmux on a private server (its own socket), so no one else's sessions are touched."""
    return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, check=False, **kw)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def first_run(keep: bool = False) -> dict[str, Any]:
    """Seconds from `git clone` to the first screen of `make run`, and how the time splits."""
    if shutil.which("tmux") is None:
        raise RuntimeError("tmux is needed to run the TUI in a real terminal")
    tmp = Path(tempfile.mkdtemp(prefix="coach-first-run-"))
    socket = f"coach-first-run-{os.getpid()}"
    clone = tmp / "adoption-coach"
    env = {
        k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "MAKEFLAGS", "MFLAGS")
    }
    env.update(COACH_HOME=str(tmp / "home"), COACH_LANG="en", TERM="xterm-256color")
    try:
        started = time.perf_counter()
        branch = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        subprocess.run(["git", "clone", "-q", "--no-checkout", str(ROOT), str(clone)], check=True, env=env)
        subprocess.run(["git", "-C", str(clone), "checkout", "-q", branch], check=True, env=env)
        cloned = time.perf_counter() - started
        # `make run` is its set-up step, then `coach`: the set-up runs here as a child (so its CPU time
        # is known), then `make run` in a terminal finds it up to date and starts the TUI.
        cpu_before = _children_cpu()
        subprocess.run(
            ["make", "-s", ".venv/.installed-run"], cwd=clone, env=env, check=True, capture_output=True
        )
        installed = time.perf_counter() - started
        install_cpu = _children_cpu() - cpu_before
        # Textual draws on stderr: the pane is the only record, and it is enough
        command = "make run; echo EXITED $?; sleep 600"
        _tmux(
            socket,
            "new-session",
            "-d",
            "-x",
            "100",
            "-y",
            "30",
            "-c",
            str(clone),
            "bash",
            "-c",
            command,
            env=env,
        )
        while True:
            elapsed = time.perf_counter() - started
            text = _tmux(socket, "capture-pane", "-p").stdout
            if FIRST_SCREEN in text:
                break
            if "EXITED" in text or elapsed > TIMEOUT_S:
                raise RuntimeError(f"no first screen after {elapsed:.0f} s:\n{text}")
            time.sleep(0.2)
        total = time.perf_counter() - started
        return {
            "seconds": total,
            "clone_s": cloned,
            "install_s": installed - cloned,
            "install_cpu_s": install_cpu,
            "tui_start_s": total - installed,
            "load_avg_1m": os.getloadavg()[0],
        }
    finally:
        _tmux(socket, "kill-server")
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


def run() -> dict[str, Any]:
    """Figures for bench/run_all.py."""
    got = first_run()
    note = f"fresh clone, warm pip cache, load average {got['load_avg_1m']:.1f} on {os.cpu_count()} cores"
    return {
        "first_run_to_first_screen_s": {
            "value": round(got["seconds"], 1),
            "target": TARGET_S,
            "unit": "s",
            "note": note,
        },
        "first_run_install_s": {"value": round(got["install_s"], 1), "unit": "s"},
        "first_run_install_cpu_s": {
            "value": round(got["install_cpu_s"], 1),
            "unit": "s",
            "note": "CPU time of the set-up (user + system): about its wall time on an idle machine",
        },
        "first_run_tui_start_s": {"value": round(got["tui_start_s"], 1), "unit": "s"},
    }


if __name__ == "__main__":
    figures = run()
    for name, figure in figures.items():
        target = f"  (target ≤ {figure['target']:.0f} {figure['unit']})" if "target" in figure else ""
        print(f"{name:32} {figure['value']} {figure['unit']}{target}")
    sys.exit(0)
