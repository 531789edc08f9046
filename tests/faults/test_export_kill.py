"""SIGKILL in the middle of `coach run --out` and `coach export`: every file a user finds in the
output directory is complete (the previous version or the new one, never a truncated file), nothing
half-written is visible, and the next run succeeds and removes what the killed one left behind.

The exporting process is a forked child of `export_worker.py` that stops at a chosen point (inside
a file write, or between the atomic renames that move files into place); this test kills it with
SIGKILL, so the kill lands at the same place on every run.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest

from agent.deliverables.files import STAGING_PREFIX
from agent.deliverables.registry import load_registry

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker forks (POSIX only)")

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
N_FILES = len(load_registry()) * 4 + 1  # every deliverable in four formats, plus report.json
"""Fourteen deliverables in four formats, plus report.json."""


def _run_worker(mode: str, base: Path, points: list[str], rerun: str) -> list[str]:
    """Run the worker, SIGKILL each paused child; the worker's output lines."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(HERE)])}
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "export_worker.py"), mode, str(base), ",".join(points), rerun],
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
    seen: list[str] = []
    try:
        while True:
            try:
                line = lines.get(timeout=90)
            except queue.Empty:
                line = "TIMEOUT"
            seen.append(line)
            if line.startswith("PAUSED "):
                os.kill(int(line.split()[1]), signal.SIGKILL)
            if line in ("DONE", "EOF", "TIMEOUT"):
                break
        if line != "TIMEOUT":
            proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert seen[-1] == "DONE", f"worker failed: {seen}\n{proc.stderr.read() if proc.stderr else ''}"
    return seen


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("html", "body"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("html", "body") and self.open and self.open[-1] == tag:
            self.open.pop()


def _content(path: Path) -> object:
    """A complete file's comparable content; AssertionError when the file is not complete."""
    if path.suffix == ".docx":
        document = docx.Document(str(path))  # a truncated zip does not open
        parts = [p.text for p in document.paragraphs]
        parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
        assert any(parts), f"{path.name}: empty document"
        return "\n".join(parts)
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
        if path.name == "report.json":
            data.pop("generated_at", None)
            return data
        return raw
    if path.suffix == ".html":
        parser = _Html()
        parser.feed(text)
        parser.close()
        assert text.rstrip().endswith("</html>") and not parser.open, f"{path.name}: cut short"
        return raw
    if path.suffix == ".md":
        assert text.endswith("\n") and ("## 参考来源" in text or "## Sources" in text), (
            f"{path.name}: cut short"
        )
        return raw
    raise AssertionError(f"unexpected file {path.name}")


def _visible(directory: Path) -> dict[str, object]:
    """Every file a user sees in `directory`, with its content; hidden entries must be staging dirs."""
    out: dict[str, object] = {}
    for entry in sorted(directory.iterdir()):
        if entry.name.startswith("."):
            assert entry.name.startswith(STAGING_PREFIX) and entry.is_dir(), f"stray hidden {entry.name}"
            continue
        assert entry.is_file(), f"stray directory {entry.name}"
        out[entry.name] = _content(entry)
    return out


def _staging(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(STAGING_PREFIX)]


def _check_kills(base: Path, points: list[str], rerun: str, lines: list[str]) -> None:
    for point in points:
        assert f"KILLED {point}" in lines, f"the child was not killed at {point}: {lines}"
    assert "RERUN 0" in lines, "the run after the kill succeeds"
    previous = _visible(base / "previous")
    new = _visible(base / rerun)
    assert len(previous) == N_FILES and set(new) == set(previous)
    assert not _staging(base / rerun), "the next run removes what the killed one left"
    changed = [name for name in new if new[name] != previous[name]]
    assert changed, "the new answers must change some files, or the test cannot tell old from new"
    for point in [*points, f"{rerun}.killed"]:
        if point == rerun:
            continue
        directory = base / point
        found = _visible(directory)
        for name, content in found.items():
            assert content in (previous.get(name), new.get(name)), f"{point}: {name} is neither version"
        if point.startswith("fresh-write"):
            assert found == {}, f"{point}: nothing is visible before the files are moved into place"
        elif not point.startswith("fresh-"):
            assert set(found) == set(previous), f"{point}: a previous file went missing"
        if "commit" in point:
            n = int(point.split(":")[1].split(".")[0])
            moved = [name for name in found if found[name] == new[name] != previous.get(name)]
            assert len(moved) <= n - 1
    killed = base / f"{rerun}.killed"
    assert _staging(killed), "the kill left a staging dir (so the cleanup was exercised)"
    mixed = _visible(killed)
    assert any(mixed[n] == new[n] for n in changed) and any(mixed[n] == previous[n] for n in changed), (
        "killed mid-commit: some files new, some old, each complete"
    )


def test_sigkill_during_coach_run_leaves_only_complete_files(tmp_path: Path) -> None:
    points = ["fresh-write:3", "write:9", "commit:25", f"commit:{N_FILES}"]
    rerun = "commit:25"
    lines = _run_worker("run", tmp_path, points, rerun)
    _check_kills(tmp_path, points, rerun, lines)
    # killed before report.json moved: every deliverable is new, the report still the previous one
    last = _visible(tmp_path / f"commit:{N_FILES}")
    previous = _visible(tmp_path / "previous")
    assert last["report.json"] == previous["report.json"]


def test_sigkill_during_coach_export_leaves_only_complete_files(tmp_path: Path, coach_home: Path) -> None:
    points = ["write:5", "commit:30"]
    rerun = "commit:30"
    lines = _run_worker("export", tmp_path, points, rerun)
    _check_kills(tmp_path, points, rerun, lines)
    from graphs.session import CoachSession

    session = CoachSession.open("断电测试项目", create=False)
    try:
        assert len(session.snapshot().answers) == 4, "the session is intact after the killed exports"
    finally:
        session.close()
