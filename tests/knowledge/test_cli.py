"""`coach kb …` and `coach doctor` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main
from tests.knowledge.kb_helpers import SAMPLE_MD, write_doc

pytestmark = pytest.mark.usefixtures("kb_home")


def test_kb_search_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "search", "如何降低大模型幻觉", "--json", "-k", "3"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert isinstance(hits, list) and len(hits) == 3
    for hit in hits:
        assert {"id", "text", "source", "section", "score", "title", "kind", "stages", "kb"} <= hit.keys()
        assert isinstance(hit["score"], float) and hit["text"]
    assert "pitfall-hallucination" in [h["id"] for h in hits]
    glossed = {h["section_en"] for h in hits if h["section"] == "避坑要点二：以“领域知识融合”对抗模型幻觉"}
    assert glossed == {"Pitfall 2: fight model hallucination with domain knowledge"}


def test_kb_search_prints_readable_passages(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["--lang", "en", "kb", "search", "如何降低大模型幻觉", "--stage", "development", "-k", "2"]) == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("1. ")
    # the document by its title (and file), the section it rests on
    assert "LLM adoption cases: general implementation steps and pitfalls" in out
    assert "(003_829d98c82b09c91c.txt) § Pitfall 2: fight model hallucination" in out  # glossed
    assert "避坑要点" not in out
    assert "hallucination" in out.lower()  # English title under --lang en
    assert "\n2. " in out


def test_kb_add_list_remove_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_doc(tmp_path, "rules.md", SAMPLE_MD)
    assert main(["kb", "add", str(path)]) == 0
    assert "rules.md" in capsys.readouterr().out
    assert main(["kb", "add", str(path)]) == 0
    assert "未变化" in capsys.readouterr().out
    assert main(["kb", "list", "--json"]) == 0
    [doc] = json.loads(capsys.readouterr().out)
    assert doc["name"] == "rules.md" and doc["chunks"] >= 2
    assert main(["kb", "search", "值班告警阈值", "--scope", "org", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["source"] == "rules.md"
    assert main(["--lang", "en", "kb", "remove", doc["id"]]) == 0
    assert "Removed rules.md" in capsys.readouterr().out
    assert main(["kb", "list"]) == 0
    assert "coach kb add" in capsys.readouterr().out


def test_kb_add_reports_bad_files_and_fails_only_when_nothing_was_ingested(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_doc(tmp_path, "empty.md", "")
    assert main(["kb", "add", str(bad), str(tmp_path / "missing.pdf")]) == 1
    err = capsys.readouterr().err
    assert "empty.md" in err and "missing.pdf" in err
    good = write_doc(tmp_path, "rules.md", SAMPLE_MD)
    assert main(["kb", "add", str(bad), str(good)]) == 1  # some failed: the exit status says so
    captured = capsys.readouterr()
    assert "rules.md" in captured.out and "empty.md" in captured.err


def test_kb_remove_unknown_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "remove", "nothing.md"]) == 2
    err = capsys.readouterr().err
    assert "nothing.md" in err and "coach kb list" in err and "Traceback" not in err


def test_doctor_guided_mode_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "✗" not in out
    for label in ("Python", "COACH_HOME", "Config", "guided", "dim 384", "Store", "passages indexed"):
        assert label in out


def test_doctor_flags_an_unreachable_endpoint_without_printing_the_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret-value")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "✗ Endpoint" in out and "→" in out
    assert "sk-very-secret-value" not in out


def test_doctor_flags_a_broken_config_file(coach_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (coach_home / "config.toml").write_text("lang = [unclosed", encoding="utf-8")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "✗ Config" in out and "config.toml" in out


def test_a_damaged_pdf_gets_one_line_and_no_library_noise(tmp_path: Path, coach_home: Path) -> None:
    import os
    import subprocess
    import sys

    (tmp_path / "scan.pdf").write_bytes(b"\x00\x01\x02 not a pdf")
    run = subprocess.run(
        [sys.executable, "-m", "cli", "kb", "add", str(tmp_path / "scan.pdf")],
        capture_output=True,
        text=True,
        env={**os.environ, "COACH_HOME": str(coach_home)},
        timeout=120,
    )
    assert run.returncode == 1
    assert "scan.pdf" in run.stderr and "PDF" in run.stderr
    assert "EOF marker" not in run.stderr and "invalid pdf header" not in run.stderr, run.stderr
