"""Subprocess of the kill-mid-export tests: exports into a directory and is SIGKILLed at set points.

    python export_worker.py run|export BASE POINT[,POINT…] [RERUN_POINT]

`run` drives `coach run --out`, `export` drives `coach export` of a saved session (the real SQLite
store under COACH_HOME). The worker writes the previous complete set into `BASE/previous` (answers
file `old.yaml`, or the session before its last answer), then, for each point, copies it into
`BASE/<point>` and forks a child that runs the same command with the new answers into that
directory and stops at the point, printing `PAUSED <pid> <point>`: the test kills the child with
SIGKILL. Points:

- `write:N`: inside the N-th file write, half of its bytes written (in the hidden staging dir);
- `commit:N`: before the N-th file is moved into the output directory (N-1 already moved);
- a `fresh-` prefix: the output directory did not exist before the run.

The worker is single-threaded and imports everything before forking, so each child starts warm.
Finally, for RERUN_POINT, it keeps a copy of the killed directory as `BASE/<point>.killed` and
runs the command again, unhooked, into `BASE/<point>`, printing `RERUN <exit code>`; then `DONE`.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT = "断电测试项目"
FORMATS = "md,docx,html,json"
OLD = f"project:\n  name: {PROJECT}\n  sector: finance\nrequirements:\n  pain_points: 旧的痛点：排队太久\n"
NEW = f"project:\n  name: {PROJECT}\n  sector: finance\nrequirements:\n  pain_points: 新的痛点：坐席流失\n"
SESSION_ANSWERS = ("星河银行", "金融", "客服高峰期排队超过15分钟")


def _say(*words: object) -> None:
    """A line for the test on the real stdout (the command's own output is captured)."""
    os.write(1, (" ".join(str(w) for w in words) + "\n").encode())


def _pause(point: str) -> None:
    _say("PAUSED", os.getpid(), point)
    time.sleep(600)
    os._exit(3)  # never reached: the test kills us first


def _install_hook(point: str) -> None:
    """Stop the export at `point` (see the module docstring)."""
    import agent.deliverables.export as export
    import agent.deliverables.files as files

    kind, _, number = point.removeprefix("fresh-").partition(":")
    target = int(number)
    count = 0
    if kind == "write":
        real_write: Callable[..., None] = export._write

        def write(doc: Any, fmt: str, path: Path, snapshot: Any) -> None:
            nonlocal count
            count += 1
            real_write(doc, fmt, path, snapshot)
            if count == target:
                data = path.read_bytes()
                path.write_bytes(data[: len(data) // 2])  # the bytes in flight when the kill comes
                _pause(point)

        export._write = write  # type: ignore[assignment]
    elif kind == "commit":
        real_replace = os.replace

        def replace(src: Any, dst: Any, **kwargs: Any) -> None:
            nonlocal count
            if files.STAGING_PREFIX in str(src):
                count += 1
                if count == target:
                    _pause(point)
            real_replace(src, dst, **kwargs)

        files.os.replace = replace  # type: ignore[assignment]
    else:
        raise SystemExit(f"unknown point {point}")


def _command(mode: str, base: Path, out: Path) -> list[str]:
    if mode == "run":
        return ["run", "--answers", str(base / "new.yaml"), "--out", str(out), "--format", FORMATS]
    return ["export", PROJECT, "--out", str(out), "--format", FORMATS]


def _main_quiet(argv: list[str]) -> int:
    from cli.main import main

    with contextlib.redirect_stdout(io.StringIO()):
        return main(argv)


def _prepare(mode: str, base: Path) -> None:
    """The previous complete set in BASE/previous; for `export`, one more answer afterwards."""
    previous = base / "previous"
    if mode == "run":
        (base / "old.yaml").write_text(OLD, encoding="utf-8")
        (base / "new.yaml").write_text(NEW, encoding="utf-8")
        argv = ["run", "--answers", str(base / "old.yaml"), "--out", str(previous), "--format", FORMATS]
        assert _main_quiet(argv) == 0
        return
    from graphs.session import CoachSession

    session = CoachSession.open(PROJECT)
    for answer in SESSION_ANSWERS:
        session.send(answer)
    session.close()
    assert _main_quiet(_command(mode, base, previous)) == 0
    session = CoachSession.open(PROJECT, create=False)
    session.send("/skip")  # the next question, now an open item: the new set differs
    session.close()


def _fork(run_child: Callable[[], int]) -> int:
    """Run `run_child` in a forked child; its exit status (-signal when killed)."""
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            code = run_child()
        finally:
            sys.stdout.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def main(mode: str, base: Path, points: list[str], rerun: str | None) -> None:
    # warm imports: each forked child starts with them loaded
    import agent.deliverables.render_docx  # noqa: F401
    import cli.commands.export
    import cli.commands.run
    import cli.main
    import graphs.session  # noqa: F401

    # the start-up sweep of killed exports has its own test (test_staging_sweep.py); off here, so what
    # a kill leaves stays until the next export into the same folder, which must remove it
    cli.main._sweep_killed_exports = lambda: None  # type: ignore[attr-defined]
    _prepare(mode, base)
    for point in points:
        out = base / point
        if not point.startswith("fresh-"):
            shutil.copytree(base / "previous", out)

        def child(point: str = point, out: Path = out) -> int:
            _install_hook(point)
            _main_quiet(_command(mode, base, out))
            _say("FINISHED", point)  # the point was never reached
            return 4

        _say("KILLED" if _fork(child) == -signal.SIGKILL else "SURVIVED", point)
    if rerun:
        shutil.copytree(base / rerun, base / f"{rerun}.killed")
        code = _fork(lambda: _main_quiet(_command(mode, base, base / rerun)))
        _say("RERUN", code)
    _say("DONE")


if __name__ == "__main__":
    main(
        sys.argv[1],
        Path(sys.argv[2]),
        [p for p in sys.argv[3].split(",") if p],
        sys.argv[4] if len(sys.argv) > 4 else None,
    )
