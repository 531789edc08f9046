"""The export's helper process (`agent.deliverables.ahead`): the files are the same with it as
without it, it does part of the work, a helper that dies costs nothing but time, and none is
forked where forking is unsafe."""

from __future__ import annotations

import os
import re
import threading
import time
import zipfile
from pathlib import Path

import pytest

from agent.deliverables import ahead as ahead_module
from agent.deliverables import export as export_module
from agent.deliverables.ahead import RenderAhead, can_fork
from agent.deliverables.export import export_deliverables
from agent.errors import InputError

from .fixtures import bank_snapshot

needs_fork = pytest.mark.skipif(not can_fork(), reason="no helper here (not Linux, one core, or threads)")
FORMATS = ["md", "docx", "html", "json"]
_TIMES = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")
_GENERATED = re.compile(rb'"generated_at": "[^"]*"')


def _contents(folder: Path) -> dict[str, object]:
    """Every file's content; a Word file's zip parts (without the save time), report.json without
    its generation time."""
    out: dict[str, object] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as zf:
                out[path.name] = {n: _TIMES.sub(b"", zf.read(n)) for n in zf.namelist()}
        else:
            out[path.name] = _GENERATED.sub(b"", path.read_bytes())
    return out


def _helpers_used(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count, per export, the deliverables the helper made."""
    counts: list[int] = []
    real_init, real_take = RenderAhead.__init__, RenderAhead.take

    def init(self: RenderAhead, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        counts.append(0)

    def take(self: RenderAhead, index: int) -> bytes | None:
        made = real_take(self, index)
        counts[-1] += made is not None
        return made

    monkeypatch.setattr(RenderAhead, "__init__", init)
    monkeypatch.setattr(RenderAhead, "take", take)
    return counts


@needs_fork
def test_files_are_the_same_with_and_without_the_helper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = bank_snapshot()
    used = _helpers_used(monkeypatch)
    export_deliverables(snapshot, tmp_path / "ahead", formats=FORMATS, lang="en")
    monkeypatch.setattr(ahead_module, "can_fork", lambda: False)
    export_deliverables(snapshot, tmp_path / "serial", formats=FORMATS, lang="en")
    assert used[0] >= 1 and used[1] == 0  # the first export had a helper, the second none
    with_helper, without = _contents(tmp_path / "ahead"), _contents(tmp_path / "serial")
    assert list(with_helper) == list(without) and len(without) == 15 * 4 + 1
    assert [name for name in without if with_helper[name] != without[name]] == []


@needs_fork
def test_a_helper_that_dies_costs_nothing_but_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    real = export_module._made_ahead

    def dies_in_the_helper(*args: object) -> bytes:
        if os.getpid() != parent:
            os._exit(7)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(export_module, "_made_ahead", dies_in_the_helper)
    used = _helpers_used(monkeypatch)
    written = export_deliverables(bank_snapshot(), tmp_path / "out", formats=FORMATS, lang="zh")
    assert used == [0] and len(written) == 15 * 4 + 1
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # and it was reaped: no zombie left behind


@needs_fork
def test_the_helper_takes_jobs_from_the_end_and_each_job_is_done_once_in_order() -> None:
    def job(i: int) -> bytes:
        time.sleep(0.03)  # long enough for both processes to get some
        return f"{i}:{os.getpid()}".encode()

    with RenderAhead([lambda i=i: job(i) for i in range(12)]) as ahead:
        assert ahead.forked
        results = [ahead.take(i) or job(i) for i in range(12)]
    assert [int(r.split(b":")[0]) for r in results] == list(range(12))
    pids = [int(r.split(b":")[1]) for r in results]
    by_helper = [i for i, pid in enumerate(pids) if pid != os.getpid()]
    assert by_helper and by_helper == list(range(by_helper[0], 12))  # the tail, done by the helper


def test_no_helper_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert can_fork() is False
        with RenderAhead([lambda: b"x", lambda: b"y"]) as ahead:
            assert not ahead.forked and ahead.take(0) is None and ahead.take(1) is None
    finally:
        stop.set()
        thread.join()


def test_no_helper_off_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ahead_module.sys, "platform", "darwin")
    assert can_fork() is False


def test_the_program_s_objects_go_back_to_the_collector_after_an_export(tmp_path: Path) -> None:
    import gc

    export_deliverables(bank_snapshot(), tmp_path / "out", formats=["md"], lang="zh")
    assert gc.get_freeze_count() == 0  # a long-running TUI must not keep them frozen
    with pytest.raises(InputError):  # nor after a refused export
        export_deliverables(bank_snapshot(), tmp_path / "out" / "report.json", formats=["md"], lang="zh")
    assert gc.get_freeze_count() == 0
