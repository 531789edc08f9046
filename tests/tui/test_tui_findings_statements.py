"""The findings panel keeps the three kinds of statement apart and says what a reported figure is."""

from __future__ import annotations

from agent.rules import evaluate_rules
from agent.types import Finding
from tests.agent.helpers import answers
from tui.widgets.findings import finding_body


def _finding(raw: dict[str, str], rule_id: str) -> Finding:
    return {f.id: f for f in evaluate_rules(None, answers(raw), "zh")}[rule_id]


def test_the_findings_panel_shows_labels_and_what_a_reported_figure_is() -> None:
    light = _finding({"sel.deployment": "私有化", "dev.optimisation": "不做"}, "cost-no-light-weighting")
    body = finding_body(light, "zh")
    assert "**资料所述**：" in body and "**教练建议**：" in body and "**案例报告数据**：" in body
    assert "成本降低 90%。[2]" in body, "numbered as the citations listed under it"
    assert "案例汇总文档，该文档未给出原始出处" in body
    no_figures = _finding({"ops.feedback_loop": "没有"}, "iteration-no-feedback-loop")
    assert "案例汇总文档" not in finding_body(no_figures, "zh")
