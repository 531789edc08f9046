"""`coach run` in LLM mode (fake model at the seam): the summary and report state what the model cost,
and a fallback is named on stderr, not hidden."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import ScriptedChatModel, field_of

import agent.llm
from cli.main import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bank_customer_service.yaml"


def test_llm_run_reports_calls_tokens_and_the_discarded_drafts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # every narrative draft is what a tiny model really wrote: a list of dates, not Chinese prose
    model = ScriptedChatModel(
        responder=lambda m, k: {"understood": "已理解"} if field_of(m) else "1. 2018-03-24 2. 2019-05-27"
    )
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("COACH_MODEL", "tiny-model")
    monkeypatch.setattr(agent.llm, "make_chat_model", lambda settings: model)

    assert main(["run", "--answers", str(EXAMPLE), "--out", str(tmp_path), "--format", "md"]) == 0
    out, err = capsys.readouterr()

    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["mode"] == "llm" and report["usage"]["calls"] == len(model.requests) >= 2
    assert report["usage"]["failures"] == 2, "two unusable drafts, then the model is not asked again"
    assert f"模型 {report['model']}：调用 {len(model.requests)} 次" in out and "回退 2 次" in out
    assert "草稿已弃用" in err and "不是中文" in err
    for md in tmp_path.glob("*.md"):
        assert "2018-03-24" not in md.read_text(encoding="utf-8")
