"""Safe names and all-or-nothing writes (`agent.deliverables.files`), as a user finds the output folder:
the names they see, nothing half-written, a failed export leaving the folder as it was, and what a
killed export left behind cleaned up by the next one (but never another running export's files)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.deliverables.files import STAGING_PREFIX, StagedOutput, remove_abandoned_staging, safe_filename


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("客服助手 v2", "客服助手 v2"),
        ("a/b\\c", "a_b_c"),
        ("what?  now:*", "what_ now"),
        ("  ..hidden.. ", "hidden"),
        ("a___b", "a_b"),
        ("tab\there", "tab_here"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("com1", "_com1"),
        ("LPT9.md", "_LPT9.md"),
        ("COM10", "COM10"),
        ("CONSOLE", "CONSOLE"),
        ("", "project"),
        ("///", "project"),
        ("X光片 分析X", "X光片 分析X"),
    ],
)
def test_a_project_name_becomes_the_file_name_a_user_can_recognise(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


def test_decomposed_accents_are_composed_into_one_name() -> None:
    assert safe_filename("Cafe\u0301") == "Caf\u00e9"


def test_the_fallback_is_used_only_when_nothing_is_left() -> None:
    assert safe_filename("***", fallback="报告") == "报告"
    assert safe_filename("ok", fallback="报告") == "ok"


def test_a_long_name_is_cut_at_a_character_boundary_within_the_byte_limit() -> None:
    cut = safe_filename("中" * 100)  # 300 bytes of UTF-8
    assert cut == "中" * 50  # 150 bytes: whole characters only
    assert safe_filename("中" * 100, max_bytes=10) == "中" * 3
    assert safe_filename("ab" + "中" * 3, max_bytes=6) == "ab中"


def test_a_name_at_the_byte_limit_is_kept_whole() -> None:
    assert safe_filename("a" * 150) == "a" * 150
    assert safe_filename("a" * 151) == "a" * 150


def test_a_cut_name_does_not_end_in_a_dot_or_space() -> None:
    assert safe_filename("abc. d", max_bytes=5) == "abc"
    assert safe_filename("ab" + "X" * 10, max_bytes=5) == "abXXX", "only dots, spaces and _ are cut"


def _stages(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)]


def test_files_appear_only_when_the_export_commits(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with StagedOutput(out) as staged:
        staged.path("a.md").write_text("new a", encoding="utf-8")
        staged.path("b.md").write_text("new b", encoding="utf-8")
        assert [p.name for p in out.iterdir()] == [staged.stage.name]  # type: ignore[union-attr]
        final = staged.commit()
    assert final == [out / "a.md", out / "b.md"]
    assert (out / "a.md").read_text(encoding="utf-8") == "new a"
    assert sorted(p.name for p in out.iterdir()) == ["a.md", "b.md"], "no staging folder left"


def test_a_name_asked_for_but_never_written_is_not_moved(tmp_path: Path) -> None:
    with StagedOutput(tmp_path) as staged:
        staged.path("written.md").write_text("x", encoding="utf-8")
        staged.path("skipped.md")
        assert staged.commit() == [tmp_path / "written.md"]
    assert not (tmp_path / "skipped.md").exists()


def test_an_export_replaces_the_previous_files_and_keeps_the_others(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("old a", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with StagedOutput(tmp_path) as staged:
        staged.path("a.md").write_text("new a", encoding="utf-8")
        staged.commit()
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "new a"
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_failed_export_into_a_new_folder_leaves_no_folder(tmp_path: Path) -> None:
    out = tmp_path / "new" / "out"
    with pytest.raises(RuntimeError), StagedOutput(out) as staged:
        staged.path("a.md").write_text("half", encoding="utf-8")
        raise RuntimeError("renderer failed")
    assert not out.exists()
    assert (tmp_path / "new").is_dir(), "only the folder the export created is removed"


def test_a_failed_export_into_an_existing_folder_leaves_it_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("old a", encoding="utf-8")
    with pytest.raises(RuntimeError), StagedOutput(tmp_path) as staged:
        staged.path("a.md").write_text("half", encoding="utf-8")
        raise RuntimeError("renderer failed")
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == "old a"


@pytest.mark.parametrize("name", ["../escape.md", "sub/a.md", "", ".", ".."])
def test_a_staged_file_must_be_a_plain_name(tmp_path: Path, name: str) -> None:
    with StagedOutput(tmp_path) as staged, pytest.raises(ValueError, match="not a plain file name"):
        staged.path(name)


NO_SUCH_PID = 99_999_999
"""Above any kernel's pid_max (at most 2**22): no process has it, so no signal can reach one."""


def test_a_killed_exports_staging_folder_is_removed_by_the_next_export(tmp_path: Path) -> None:
    left = tmp_path / f"{STAGING_PREFIX}{NO_SUCH_PID}-abc"
    left.mkdir()
    (left / "a.md").write_text("half", encoding="utf-8")
    (tmp_path / "a.md").write_text("old a", encoding="utf-8")
    with StagedOutput(tmp_path) as staged:
        staged.path("b.md").write_text("b", encoding="utf-8")
        staged.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]


@pytest.mark.skipif(os.name != "posix", reason="process ids are checked on POSIX only")
def test_a_running_processs_staging_folder_is_left_alone(tmp_path: Path) -> None:
    # a process of this test's own (not the test runner's parent: a changed signal must hit only it)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f"{STAGING_PREFIX}{other.pid}-abc"
        live.mkdir()
        assert remove_abandoned_staging(tmp_path) == []
        assert live.is_dir()
    finally:
        other.kill()
        other.wait()


def test_an_export_running_in_this_process_keeps_its_folder_while_another_cleans_up(tmp_path: Path) -> None:
    with StagedOutput(tmp_path) as first:
        first.path("a.md").write_text("a", encoding="utf-8")
        with StagedOutput(tmp_path) as second:
            second.path("b.md").write_text("b", encoding="utf-8")
            second.commit()
        assert first.stage is not None and first.stage.is_dir()
        first.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "b.md"]


def test_a_folder_of_this_process_not_in_use_is_an_old_one_whose_pid_was_reused(tmp_path: Path) -> None:
    stale = tmp_path / f"{STAGING_PREFIX}{os.getpid()}-old"
    stale.mkdir()
    assert remove_abandoned_staging(tmp_path) == [stale]
    assert not stale.exists()


def test_a_folder_without_a_pid_goes_by_age(tmp_path: Path) -> None:
    fresh = tmp_path / f"{STAGING_PREFIX}oldversion"
    fresh.mkdir()
    assert remove_abandoned_staging(tmp_path) == [fresh], "an older version's name: no process to wait for"


def test_only_staging_folders_are_removed(tmp_path: Path) -> None:
    a_file = tmp_path / f"{STAGING_PREFIX}{NO_SUCH_PID}-file"
    a_file.write_text("a file, not a folder", encoding="utf-8")
    (tmp_path / "my-folder").mkdir()
    assert remove_abandoned_staging(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([a_file.name, "my-folder"])


def test_cleaning_a_folder_that_is_not_there_removes_nothing(tmp_path: Path) -> None:
    assert remove_abandoned_staging(tmp_path / "missing") == []


def test_staging_folders_are_old_only_after_an_hour_where_pids_cannot_be_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "name", "nt")
    young = tmp_path / f"{STAGING_PREFIX}{NO_SUCH_PID - 1}-young"
    old = tmp_path / f"{STAGING_PREFIX}{NO_SUCH_PID}-old"
    young.mkdir()
    old.mkdir()
    hours_ago = time.time() - 3601
    os.utime(old, (hours_ago, hours_ago))
    assert remove_abandoned_staging(tmp_path) == [old]
    assert young.is_dir()
