"""`--lang en` output reads as English: Chinese appears only where the user wrote it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
CJK = re.compile(r"[\u4e00-\u9fff]+")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.fixture(scope="module")
def english_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[str]]]:
    """Each example run once in English (Markdown): (out dir, the user's own words)."""
    results = {}
    for example in EXAMPLE_FILES:
        out = tmp_path_factory.mktemp(example.stem) / "out"
        argv = ["run", "--answers", str(example), "--out", str(out), "--lang", "en", "--format", "md"]
        assert main(argv) == 0
        answers = yaml.safe_load(example.read_text(encoding="utf-8"))
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        words = _strings(answers) + [
            e["text"] for p in report["pitfalls"] for e in p["evidence"] if e.get("text")
        ]
        results[example.stem] = (out, sorted(set(words), key=len, reverse=True))
    return results


def _leftovers(text: str, user_words: list[str]) -> list[str]:
    for word in user_words:
        text = text.replace(word, "")
    return [m.group(0) for m in re.finditer(r".{0,30}[\u4e00-\u9fff]+.{0,10}", text)]


def test_english_answers_template_asks_for_the_budget_without_chinese_units(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["answers-template", "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    budget = next(i for i, line in enumerate(lines) if "field: requirements.budget_wan" in line)
    assert "10k CNY" in lines[budget - 2], lines[budget - 2]
    # The first line names the product in both languages on purpose; every question is English.
    chinese = [line for line in lines[1:] if CJK.search(line)]
    assert not chinese, chinese[:5]


def test_an_unanswered_budget_is_asked_in_english(english_runs: dict) -> None:
    out, _ = english_runs["hospital_guideline_qa"]
    (summary,) = out.glob("*_executive-summary.md")
    text = summary.read_text(encoding="utf-8")
    assert "- What is the rough budget (in 10k CNY)? — to be answered by the business owner." in text
    assert "万元" not in text


@pytest.mark.parametrize("example", [p.stem for p in EXAMPLE_FILES])
def test_english_documents_carry_chinese_only_in_the_users_own_words(
    english_runs: dict, example: str
) -> None:
    """Headings, labels, advice and the source list (the pack's sections glossed) are all English."""
    out, user_words = english_runs[example]
    documents = sorted(out.glob("*.md"))
    assert len(documents) >= 10
    for path in documents:
        text = path.read_text(encoding="utf-8")
        sources = text.split("## Sources", 1)[1]
        assert re.search(r"^- \[1\] .+ § [A-Z]", sources, flags=re.M), (path.name, sources[:300])
        leftovers = _leftovers(text, user_words)
        assert not leftovers, (path.name, leftovers[:5])


def test_english_report_cites_passages_by_english_title_and_section(english_runs: dict) -> None:
    out, _ = english_runs["government_service_hotline"]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    cited = [c for p in report["pitfalls"] for c in p["citations"]]
    cited += [c for r in report.get("recommendations", []) for c in r["citations"]]
    assert len(cited) > 10
    chinese = [
        (c["passage_id"], c["title"], c["section"]) for c in cited if CJK.search(c["title"] + c["section"])
    ]
    assert not chinese, chinese[:3]
    (roi,) = [p for p in report["pitfalls"] if p["id"] == "value-roi-only"]
    assert {
        "title": "Measuring value in government and education",
        "section": "Value validation: measuring beyond ROI",
    }.items() <= next(c for c in roi["citations"] if c["passage_id"] == "value-government-education").items()
