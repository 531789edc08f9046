"""What an export leaves behind, as the next start of the coach finds it (`sweep_staging` over the
journal under COACH_HOME), what a running export looks like in the output folder (one hidden
folder), and the order of writes that keeps a file whole across a power cut. Fast, in-process: a
"killed export" is what such a process leaves on disk (a journal entry and a staging folder whose
pid no process has); the real SIGKILL is in `tests/faults/test_staging_sweep.py` (slow)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agent.deliverables.files import (
    JOURNAL_DIR,
    STAGING_PREFIX,
    StagedOutput,
    remove_abandoned_staging,
    sweep_staging,
)

NO_SUCH_PID = 99_999_999
"""Above any kernel's pid_max: no process has it."""


def _killed_export(out: Path, journal: Path, *, created: bool) -> Path:
    """What an export SIGKILLed mid-way leaves: its staging folder (a half file in it) and its entry."""
    out.mkdir(parents=True, exist_ok=True)
    stage = out / f"{STAGING_PREFIX}{NO_SUCH_PID}-{out.name}"
    stage.mkdir()
    (stage / "需求规格说明书.md").write_text("# 半截", encoding="utf-8")
    journal.mkdir(parents=True, exist_ok=True)
    (journal / f"{stage.name}.json").write_text(
        json.dumps({"stage": str(stage), "created": str(out) if created else None}), encoding="utf-8"
    )
    return stage


def _entries(journal: Path) -> list[str]:
    return sorted(p.name for p in journal.iterdir()) if journal.exists() else []


def test_a_running_export_is_in_the_journal_and_leaves_no_entry_when_done(tmp_path: Path) -> None:
    journal = tmp_path / "home" / JOURNAL_DIR  # a new COACH_HOME: the journal's parent is made too
    out = tmp_path / "交付物"
    with StagedOutput(out, journal=journal) as staged:
        assert staged.stage is not None
        assert _entries(journal) == [f"{staged.stage.name}.json"]
        record = json.loads((journal / f"{staged.stage.name}.json").read_text(encoding="utf-8"))
        assert record == {"stage": str(staged.stage.resolve()), "created": str(out.resolve())}
        staged.path("a.md").write_text("a", encoding="utf-8")
        staged.commit()
    assert _entries(journal) == []
    assert [p.name for p in out.iterdir()] == ["a.md"]


def test_an_export_into_an_existing_folder_records_no_folder_to_remove(tmp_path: Path) -> None:
    journal, out = tmp_path / JOURNAL_DIR, tmp_path / "out"
    out.mkdir()
    with StagedOutput(out, journal=journal) as staged:
        assert staged.stage is not None
        record = json.loads((journal / f"{staged.stage.name}.json").read_text(encoding="utf-8"))
        assert record["created"] is None


def test_the_next_start_removes_a_killed_exports_folder_and_keeps_the_users_files(tmp_path: Path) -> None:
    journal, out = tmp_path / JOURNAL_DIR, tmp_path / "out"
    out.mkdir()
    (out / "需求规格说明书.md").write_text("# 上一版", encoding="utf-8")
    stage = _killed_export(out, journal, created=False)

    assert sweep_staging(journal) == [stage]

    assert [p.name for p in out.iterdir()] == ["需求规格说明书.md"]
    assert (out / "需求规格说明书.md").read_text(encoding="utf-8") == "# 上一版"
    assert _entries(journal) == []


def test_a_folder_the_killed_export_created_goes_with_it_but_only_when_empty(tmp_path: Path) -> None:
    journal = tmp_path / JOURNAL_DIR
    empty_out, used_out = tmp_path / "new", tmp_path / "used"
    _killed_export(empty_out, journal, created=True)
    stage = _killed_export(used_out, journal, created=True)
    (used_out / "mine.txt").write_text("the user's own file, put there since", encoding="utf-8")

    sweep_staging(journal)

    assert not empty_out.exists()
    assert [p.name for p in used_out.iterdir()] == ["mine.txt"]
    assert not stage.exists()
    assert _entries(journal) == []


def test_a_folder_the_killed_export_did_not_create_stays_even_when_empty(tmp_path: Path) -> None:
    journal, out = tmp_path / JOURNAL_DIR, tmp_path / "out"
    _killed_export(out, journal, created=False)
    sweep_staging(journal)
    assert out.is_dir() and list(out.iterdir()) == []


def test_a_torn_journal_entry_is_dropped_and_the_others_are_still_swept(tmp_path: Path) -> None:
    journal, out = tmp_path / JOURNAL_DIR, tmp_path / "out"
    stage = _killed_export(out, journal, created=False)
    (journal / f"{STAGING_PREFIX}1-torn.json").write_text('{"stage": ', encoding="utf-8")
    (journal / f"{STAGING_PREFIX}2-nostage.json").write_text('{"created": null}', encoding="utf-8")
    (journal / f"{STAGING_PREFIX}3-null.json").write_text('{"stage": null}', encoding="utf-8")

    assert sweep_staging(journal) == [stage]
    assert _entries(journal) == []


def test_an_entry_whose_folder_is_already_gone_is_dropped(tmp_path: Path) -> None:
    journal, out = tmp_path / JOURNAL_DIR, tmp_path / "out"
    stage = _killed_export(out, journal, created=False)
    shutil.rmtree(stage)
    assert sweep_staging(journal) == []
    assert _entries(journal) == []


def test_a_running_exports_entry_and_folder_are_kept(tmp_path: Path) -> None:
    journal, out = tmp_path / JOURNAL_DIR, tmp_path / "out"
    with StagedOutput(out, journal=journal) as staged:
        assert sweep_staging(journal) == []
        assert staged.stage is not None and staged.stage.is_dir()
        assert len(_entries(journal)) == 1


def test_no_journal_yet_sweeps_nothing(tmp_path: Path) -> None:
    assert sweep_staging(tmp_path / "missing" / JOURNAL_DIR) == []


def test_while_an_export_runs_the_output_folder_shows_only_a_hidden_folder(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("old", encoding="utf-8")
    with StagedOutput(tmp_path) as staged:
        staged.path("a.md").write_text("new", encoding="utf-8")
        shown = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
        assert shown == ["a.md"], "a file manager hiding dot-folders shows only the old file"
        hidden = [p for p in tmp_path.iterdir() if p.name.startswith(".")]
        assert len(hidden) == 1 and hidden[0].name.startswith(f"{STAGING_PREFIX}{os.getpid()}-")


@pytest.mark.skipif(os.name != "posix", reason="process ids are checked on POSIX only")
def test_cleaning_up_never_disturbs_a_running_exporter(tmp_path: Path) -> None:
    # a process of this test's own stands for another window's export
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / f"{STAGING_PREFIX}{other.pid}-abc").mkdir()
        assert remove_abandoned_staging(tmp_path) == []
        with pytest.raises(subprocess.TimeoutExpired):
            other.wait(timeout=0.3)  # still running: it was only asked whether it lives
    finally:
        other.kill()
        other.wait()


def test_a_file_is_on_disk_before_it_replaces_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a power cut a file is the old version or the new one, never empty: each staged file is
    flushed before its rename, and the folder's entries after the renames."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("flush", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        events.append(("rename", str(dst)))
        real_replace(src, dst)

    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to name a flushed descriptor")
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    out = tmp_path / "out"
    with StagedOutput(out) as staged:
        assert staged.stage is not None
        stage = str(staged.stage.resolve())
        for name in ("a.md", "b.docx"):
            staged.path(name).write_text(name, encoding="utf-8")
        staged.commit()
    real = str(out.resolve())
    assert events == [
        ("flush", f"{stage}/a.md"),
        ("flush", f"{stage}/b.docx"),
        ("rename", str(out / "a.md")),
        ("rename", str(out / "b.docx")),
        ("flush", real),
    ]


def test_a_flush_the_disk_refuses_does_not_fail_the_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(fd: int) -> None:
        raise OSError(22, "fsync not supported here")

    monkeypatch.setattr(os, "fsync", refuse)
    with StagedOutput(tmp_path) as staged:
        staged.path("a.md").write_text("a", encoding="utf-8")
        assert staged.commit() == [tmp_path / "a.md"]
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "a"


def _undeletable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders that cannot be removed (a read-only mount, a file held open on Windows): every removal
    `shutil.rmtree` makes fails; the coach's own single-file removals still work."""
    real_unlink, real_rmdir = os.unlink, os.rmdir

    def unlink(path: str | Path, *args: object, **kwargs: object) -> None:
        if "dir_fd" in kwargs:
            raise PermissionError(13, "read-only", str(path))
        real_unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    def rmdir(path: str | Path, *args: object, **kwargs: object) -> None:
        if "dir_fd" in kwargs:
            raise PermissionError(13, "read-only", str(path))
        real_rmdir(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "unlink", unlink)
    monkeypatch.setattr(os, "rmdir", rmdir)


def test_leftovers_that_cannot_be_removed_do_not_stop_the_coach_or_the_next_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal, out = tmp_path / JOURNAL_DIR, tmp_path / "out"
    _killed_export(out, journal, created=True)
    _killed_export(tmp_path / "other", journal, created=False)
    _undeletable(monkeypatch)

    sweep_staging(journal)  # at start-up: must not raise
    with StagedOutput(out) as staged:  # cleans the same leftover again before it writes
        staged.path("a.md").write_text("a", encoding="utf-8")
        staged.commit()
    assert (out / "a.md").read_text(encoding="utf-8") == "a"


@pytest.mark.parametrize("new_folder", [True, False])
def test_a_failed_export_reports_its_own_error_even_when_its_folder_cannot_be_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, new_folder: bool
) -> None:
    out = tmp_path / "new" if new_folder else tmp_path
    _undeletable(monkeypatch)
    with pytest.raises(RuntimeError, match="renderer failed"), StagedOutput(out) as staged:
        staged.path("a.md").write_text("half", encoding="utf-8")
        raise RuntimeError("renderer failed")
