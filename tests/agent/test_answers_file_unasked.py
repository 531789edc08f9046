"""No answer is lost from an answers file (issue 11): a value the file states for a question that does
not apply given the file's other answers (own GPUs beside a public-cloud API, a vendor check without a
named vendor) is recorded as stated, shown in `report.json` `answers` and in the documents that read
it, and `coach run` prints one warning line naming the field — never a silent drop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main

PUBLIC_CLOUD = """\
lang: zh
project: {name: 门店助手, sector: retail}
selection:
  deployment: public_cloud
  has_gpu: false
  vendor_sustainability_checked: true
"""


def _run(tmp_path: Path, text: str, fmt: str = "json,md") -> tuple[int, Path]:
    answers = tmp_path / "answers.yaml"
    answers.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    return main(["run", "--answers", str(answers), "--out", str(out), "--format", fmt]), out


def test_values_for_questions_that_do_not_apply_are_kept_in_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(tmp_path, PUBLIC_CLOUD)
    assert code == 0
    answers = json.loads((out / "report.json").read_text(encoding="utf-8"))["answers"]
    assert answers["selection.has_gpu"]["value"] is False
    assert answers["selection.vendor_sustainability_checked"]["value"] is True
    assert answers["selection.has_gpu"]["source"] == "answered"
    open_fields = {
        q["field"] for q in json.loads((out / "report.json").read_text(encoding="utf-8"))["open_questions"]
    }
    assert "selection.vendor_sustainability_checked" not in open_fields


def test_each_such_value_gets_one_warning_naming_the_field_and_the_deciding_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _run(tmp_path, PUBLIC_CLOUD)
    assert code == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "警告" in line]
    assert len(lines) == 2
    gpu = next(line for line in lines if "selection.has_gpu" in line)
    assert "answers.yaml:5" in gpu and "selection.deployment = 公有云" in gpu
    assert "已按文件记录“否”" in gpu
    vendor = next(line for line in lines if "selection.vendor_sustainability_checked" in line)
    assert "answers.yaml:6" in vendor and "selection.vendor = （尚未回答）" in vendor


def test_the_model_selection_report_shows_the_stated_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(tmp_path, PUBLIC_CLOUD, fmt="md")
    assert code == 0
    md = next(out.glob("*模型选型报告.md")).read_text(encoding="utf-8")
    vendor_row = next(line for line in md.splitlines() if line.startswith("| 供应商可持续性"))
    assert "已评估" in vendor_row and "未评估" not in vendor_row
    private_row = next(line for line in md.splitlines() if line.startswith("| 私有化部署"))
    assert "需自建或采购 GPU 算力" in private_row  # from "has_gpu: false", not "to be confirmed"
    assert "本单位没有 GPU（回答）" in md  # the shortlist's self-hosted rows read the answer


def test_a_value_whose_question_applies_is_not_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = PUBLIC_CLOUD.replace("public_cloud", "private").replace(
        "  vendor_sustainability_checked: true\n", ""
    )
    code, out = _run(tmp_path, text, fmt="json")
    assert code == 0
    assert not [line for line in capsys.readouterr().err.splitlines() if "警告" in line]
    answers = json.loads((out / "report.json").read_text(encoding="utf-8"))["answers"]
    assert answers["selection.has_gpu"]["value"] is False
