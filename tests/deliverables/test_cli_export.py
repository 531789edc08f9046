"""`coach export` from a saved session, and the TUI's entry points into the deliverables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.types import Stage
from cli.main import main


def test_export_a_saved_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from graphs.session import CoachSession

    session = CoachSession.open("星河导出测试", lang="zh")
    session.send("星河银行")  # organisation
    session.send("金融")  # sector
    session.send("客服高峰期排队超过15分钟")  # pain points
    session.close()

    out = tmp_path / "export"
    assert main(["export", "星河导出测试", "--out", str(out), "--format", "md,docx"]) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["project"] == "星河导出测试" and len(report["deliverables"]) == 15
    spec = next(d for d in report["deliverables"] if d["id"] == "requirement_spec")
    assert [Path(f).suffix for f in spec["files"]] == [".md", ".docx"]
    md = (out / spec["files"][0]).read_text(encoding="utf-8")
    assert "客服高峰期排队超过15分钟" in md and "星河银行" in md
    assert "星河导出测试" in capsys.readouterr().out


def test_export_of_an_unknown_project_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "不存在的项目", "--out", str(tmp_path / "o")]) == 2
    assert "不存在的项目" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_tui_entry_points(tmp_path: Path) -> None:
    from agent.deliverables import export_deliverables, render_stage_markdown

    from .fixtures import bank_snapshot

    steps: list[tuple[int, int, str]] = []
    written = export_deliverables(
        bank_snapshot(), tmp_path, formats=["md"], lang="en", progress=lambda d, t, s: steps.append((d, t, s))
    )
    assert len(written) == 16 and steps[-1][0] == steps[-1][1] == 16
    preview = render_stage_markdown(bank_snapshot(), Stage.selection, lang="en")
    assert "# Architecture notes" in preview and "# Model-selection report" in preview
