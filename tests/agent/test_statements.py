"""Statements of three kinds (agent.statements): what the data files may hold and how they read."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.rules import RuleError, load_rules
from agent.statements import StatementSpec, labelled, plain, resolve
from agent.types import Statement

RULE = (
    "- id: r\n  title: {zh: 标题, en: Title}\n  severity: low\n  stage: data\n"
    "  when: {field: data.personal_data, eq: true}\n  advice:\n"
)


def _load(tmp_path: Path, advice: str) -> object:
    path = tmp_path / "rules.yaml"
    path.write_text(RULE + advice, encoding="utf-8")
    return load_rules.__wrapped__(path)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("advice", "error"),
    [
        ("    - {kind: figure, zh: 成本降低 90%, en: 90 % lower}\n", "a reported figure must cite"),
        ("    - {kind: source, zh: 资料说, en: The sources say}\n", "must cite its source"),
        ("    - {kind: opinion, zh: 我认为, en: I think, cites: [pitfall-cost]}\n", "kind"),
        (
            "    - {kind: coach, zh: 建议, en: Advice, cites: [pitfall-cost]}\n  cites: [pitfall-cost]\n",
            "cites",
        ),
    ],
)
def test_a_rule_file_refuses_statements_that_cannot_be_told_apart_or_traced(
    tmp_path: Path, advice: str, error: str
) -> None:
    with pytest.raises(RuleError, match=error):
        _load(tmp_path, advice)


def test_a_coach_statement_may_cite_nothing() -> None:
    (spec,) = [StatementSpec(kind="coach", zh="先做 PoC。", en="Run a PoC first.")]
    assert resolve([spec], "en") == [Statement(kind="coach", text="Run a PoC first.", cites=[])]


def test_runs_of_one_kind_carry_their_label_once_and_markers_follow_each_statement() -> None:
    said = [
        Statement(kind="source", text="资料一。", cites=["a"]),
        Statement(kind="source", text="资料二。", cites=["b", "a"]),
        Statement(kind="figure", text="据案例汇总，成本降低 90%。", cites=["c"]),
        Statement(kind="coach", text="教练的话。"),
    ]
    numbers = {"a": 1, "b": 2, "c": 3}
    out = labelled(said, "zh", markdown=True, number=numbers.get, sep=" ")
    assert (
        out
        == "**资料所述**：资料一。[1]资料二。[1][2] **案例报告数据**：据案例汇总，成本降低 90%。[3] **教练建议**：教练的话。"
    )
    assert labelled(said[:1], "en") == "[The sources say] 资料一。"
    assert plain(said, "zh") == "资料一。资料二。据案例汇总，成本降低 90%。教练的话。"
