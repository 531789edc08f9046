"""In the documents a reader can tell what the sources say, what the coach recommends, and what a
case reported: every cited sentence carries its label, and a case's number never appears as advice."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LABELS = {
    "zh": ("资料所述", "教练建议", "案例报告数据"),
    "en": ("The sources say", "Coach's recommendation", "Reported figure"),
}
CASE_FIGURES = re.compile(
    r"(?<![\d.])(?:6\.2|5 ?% ?以下|20 ?%?[–-] ?30 ?%)|降低 ?90 ?%|90 ?% lower|by 90 ?%|below 5 ?%"
)
"""The implementation-steps document's case figures, as the documents write them."""


@pytest.fixture(scope="module", params=[("bank_customer_service", "zh"), ("hospital_guideline_qa", "en")])
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict]:
    example, lang = request.param
    out = tmp_path_factory.mktemp(example) / "out"
    args = ["run", "--answers", str(EXAMPLES / f"{example}.yaml"), "--out", str(out), "--format", "md"]
    assert main([*args, "--lang", lang]) == 0
    return out, lang, json.loads((out / "report.json").read_text(encoding="utf-8"))


def runs_of(line: str, lang: str) -> list[tuple[str, str]]:
    """(label, text) for each run of a line: `**资料所述**：… **教练建议**：…`; what comes before the
    first label is a run labelled ''."""
    colon = "：" if lang == "zh" else ": "
    pattern = "|".join(re.escape(label) for label in LABELS[lang])
    parts = re.split(rf"\*\*({pattern})\*\*{re.escape(colon)}", line)
    return [("", parts[0]), *zip(parts[1::2], parts[2::2], strict=True)]


def test_every_document_explains_the_three_labels(run: tuple[Path, str, dict]) -> None:
    out, lang, _ = run
    docs = sorted(out.glob("*.md"))
    assert len(docs) >= 10
    for doc in docs:
        head = "\n".join(doc.read_text(encoding="utf-8").splitlines()[:8])
        assert all(f"**{label}**" in head for label in LABELS[lang]), doc.name


def test_the_three_kinds_appear_labelled_in_the_documents(run: tuple[Path, str, dict]) -> None:
    out, lang, _ = run
    body = "\n".join(p.read_text(encoding="utf-8").split("\n", 8)[-1] for p in out.glob("*.md"))
    for label in LABELS[lang]:
        assert re.search(rf"\*\*{re.escape(label)}\*\*", body), label


def test_a_case_figure_is_only_ever_stated_as_a_reported_figure(run: tuple[Path, str, dict]) -> None:
    """6.2×, 90 %, below 5 %, 20–30 %: outside the sources list, each stands in a 'reported figure'
    run that names the case synthesis — never in the coach's advice or a plain sentence."""
    out, lang, _ = run
    figure_label = LABELS[lang][2]
    seen = 0
    for doc in out.glob("*.md"):
        text = doc.read_text(encoding="utf-8")
        text = text.split("\n## 来源" if lang == "zh" else "\n## Sources")[0]
        for line in text.splitlines()[8:]:
            if not CASE_FIGURES.search(line) or re.match(r"- \[\d+\] ", line):  # the source list names them
                continue
            for label, run_text in runs_of(line, lang):
                if CASE_FIGURES.search(run_text):
                    seen += 1
                    assert label == figure_label, f"{doc.name}: {run_text}"
                    assert "据案例汇总" in run_text or "case synthesis" in run_text, run_text
    assert seen, "the examples state at least one case figure"


def test_report_json_carries_each_statements_kind_and_citations(run: tuple[Path, str, dict]) -> None:
    _, _, report = run
    statements = [s for p in report["pitfalls"] if p["origin"] == "rule" for s in p["statements"]]
    assert statements and {s["kind"] for s in statements} >= {"source", "coach"}
    assert all(s["cites"] for s in statements if s["kind"] in ("source", "figure"))
    for p in report["pitfalls"]:
        cited = {c["passage_id"] for c in p["citations"]}
        assert {pid for s in p["statements"] for pid in s["cites"]} == cited
