"""Project names that are damaged: bytes that are not UTF-8 on the command line or in the store."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from cli.main import main
from graphs.session import CoachSession, list_projects


def test_a_name_with_bytes_that_are_not_utf8_is_refused_with_a_message(
    open_session: Callable[..., CoachSession], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_session("智能客服试点").close()
    damaged = b"bad\xffname".decode("utf-8", "surrogateescape")  # what Python makes of argv bytes
    assert main(["export", damaged, "--out", str(tmp_path / "out")]) == 2
    assert main(["projects", "--delete", damaged]) == 2
    err = capsys.readouterr().err
    assert err.count("不是有效的 UTF-8") == 2
    assert "Traceback" not in err and "UnicodeEncodeError" not in err
    assert [p.name for p in list_projects()] == ["智能客服试点"], "nothing was created or deleted"


def test_a_stored_name_that_is_not_utf8_no_longer_hides_every_project(
    open_session: Callable[..., CoachSession],
    coach_home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    session = open_session("智能客服试点")
    session.send("某城商行信用卡中心")
    session.close()
    conn = sqlite3.connect(coach_home / "sessions.sqlite")
    conn.execute(
        "INSERT INTO coach_projects VALUES (CAST(X'626164ff6e616d65' AS TEXT), 'deadbeef', 'zh', "
        "'requirements', 0, 0, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
    )
    conn.commit()
    conn.close()

    assert main(["projects"]) == 0
    out = capsys.readouterr().out
    assert "智能客服试点" in out and "bad\ufffdname" in out, "both listed, the damaged bytes shown as �"
    # the damaged project can be opened and deleted by the name shown; the other one is intact
    CoachSession.open("bad\ufffdname", create=False).close()
    assert main(["projects", "--delete", "bad\ufffdname"]) == 0
    assert [p.name for p in list_projects()] == ["智能客服试点"]
    assert main(["export", "智能客服试点", "--out", str(tmp_path / "out"), "--format", "md"]) == 0
