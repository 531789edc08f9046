"""`coach run` reads an answers file written in the user's own words with the interview's reader:
a clear reading is recorded with the words kept (`report.json` `answers`), an uncertain one leaves
the field unknown and prints one warning naming the field, the text and the candidates; `--strict`
turns such a warning into exit 2 with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main

OWN_WORDS = """\
lang: zh
project: {name: 作业辅导, sector: education}
requirements:
  target_users: 学生用，家长也能看
  budget_wan: 两三百万
integration:
  scale_users: 全省一线运维人员约3000人
"""


def _run(tmp_path: Path, *extra: str, text: str = OWN_WORDS) -> tuple[int, Path]:
    answers = tmp_path / "answers.yaml"
    answers.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    return main(["run", "--answers", str(answers), "--out", str(out), "--format", "json", *extra]), out


def test_own_words_are_read_and_kept_in_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(tmp_path)
    assert code == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["answers"]["requirements.target_users"] == {
        "value": "external",
        "text": "学生用，家长也能看",
        "source": "answered",
    }
    assert report["answers"]["integration.scale_users"]["value"] == 3000  # not 1 (the 一 of 一线)
    assert "requirements.budget_wan" not in report["answers"]
    assert "requirements.budget_wan" in {q["field"] for q in report["open_questions"]}


def test_an_uncertain_reading_prints_one_warning_with_field_text_and_candidates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _run(tmp_path)
    err = capsys.readouterr().err
    assert code == 0
    lines = [line for line in err.splitlines() if "警告" in line]
    assert len(lines) == 1
    assert "answers.yaml:5" in lines[0] and "requirements.budget_wan" in lines[0]
    assert "“两三百万”" in lines[0] and "200, 300" in lines[0] and "已记为未知" in lines[0]


def test_the_warning_is_in_english_with_lang_en(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run(tmp_path, "--lang", "en")
    err = capsys.readouterr().err
    assert code == 0
    assert (
        "warning: requirements.budget_wan: could not read '两三百万' for certain; it could be: 200, 300"
        in err
    )


def test_strict_turns_the_warning_into_exit_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(tmp_path, "--strict")
    assert code == 2
    assert not out.exists()
    assert "could not be read for certain (--strict)" in capsys.readouterr().err


def test_a_mistyped_option_value_is_still_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(tmp_path, text="project: {name: x}\nselection:\n  deployment: moon\n")
    assert code == 2 and not out.exists()
    assert "selection.deployment" in capsys.readouterr().err


def test_report_answers_name_a_value_only_another_answer_implies_as_inferred() -> None:
    """A quick interview never asks what an earlier answer implies: report.json still lists it,
    marked `inferred`, with the words of the answer it came from (never as if the user said it)."""
    from agent.deliverables.report import answers as report_answers
    from agent.snapshot import AnswerRecord, ProjectSnapshot

    said = "我们用Qwen2.5-72B"
    rec = AnswerRecord(
        question_id="sel.model_name",
        stage="selection",
        field="selection.model_name",
        status="answered",
        value="Qwen2.5-72B",
        raw=said,
    )
    got = report_answers(ProjectSnapshot(name="p", answers={rec.question_id: rec}))
    assert got["selection.model_name"]["source"] == "answered"
    assert got["selection.model_size_b"] == {"value": 72, "text": said, "source": "inferred"}
