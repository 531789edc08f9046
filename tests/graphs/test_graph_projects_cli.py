"""`coach projects`: list (text and JSON) and delete saved sessions."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from cli.main import main
from graphs.session import CoachSession


def test_projects_lists_deletes_and_reports_unknown_names(
    open_session: Callable[..., CoachSession], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["projects"]) == 0
    assert "还没有保存的项目" in capsys.readouterr().out

    open_session("智能客服试点").close()
    open_session("Contract review", lang="en").close()
    assert main(["projects", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["name"] for r in rows} == {"智能客服试点", "Contract review"}
    assert all(r["stage"] == "requirements" and r["readiness"] >= 0 and r["updated_at"] for r in rows)

    assert main(["--lang", "en", "projects"]) == 0
    out = capsys.readouterr().out
    assert "智能客服试点\tRequirements & scenario" in out

    assert main(["projects", "--delete", "智能客服试点"]) == 0
    assert "已删除" in capsys.readouterr().out
    assert main(["projects", "--delete", "智能客服试点"]) == 2
    assert "没有名为" in capsys.readouterr().err


def test_projects_lists_the_update_time_in_local_time(
    open_session: Callable[..., CoachSession],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time
    from datetime import UTC, datetime

    from graphs.session import list_projects

    open_session("时区项目").close()
    (project,) = list_projects()
    assert project.updated_at is not None and project.updated_at.tzinfo is not None
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert main(["projects"]) == 0
        local = project.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        utc = project.updated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        out = capsys.readouterr().out
        assert local in out and (utc == local or utc not in out), "was the UTC time"
        assert datetime.now().astimezone().utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]
    finally:
        monkeypatch.undo()
        time.tzset()
