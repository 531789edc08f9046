"""The order in which findings reach a reader: the executive summary's top risks and the risk register."""

from __future__ import annotations

from agent.deliverables.render_md import render_all
from agent.types import Evidence, Finding, Stage

from .fixtures import bank_snapshot


def _finding(fid: str, stage: Stage, evidence: Evidence) -> Finding:
    return Finding(
        id=fid,
        title=f"title-{fid}",
        severity="high",
        stage=stage,
        evidence=[evidence],
        advice=f"advice-{fid}",
    )


def test_answered_risks_come_before_unanswered_ones_then_stage_order() -> None:
    unanswered = Evidence(question_id="q", field="integration.rollback_plan")
    answered = Evidence(question_id="q", field="selection.deployment", value="public_cloud")
    findings = [
        _finding("ops-unanswered", Stage.operations, unanswered),
        _finding("data-unanswered", Stage.data, unanswered),
        _finding("sel-answered", Stage.selection, answered),
        _finding("testing-answered", Stage.testing, answered),
        _finding("req-unanswered", Stage.requirements, unanswered),
        _finding("integ-unanswered", Stage.integration, unanswered),
    ]
    docs = {d.spec.id: d for d in render_all(bank_snapshot(findings=findings), "zh")}
    summary = docs["executive_summary"].markdown
    top = summary.split("## 3.")[1].split("## 4.")[0]
    shown = [line.split("title-")[1].split("：")[0] for line in top.splitlines() if "title-" in line]
    # the five shown: what the answers say first (selection before testing), then the gaps in stage order
    assert shown == [
        "sel-answered",
        "testing-answered",
        "req-unanswered",
        "data-unanswered",
        "integ-unanswered",
    ]
    register = docs["risk_register"].markdown
    positions = [register.index(f"title-{f}") for f in ("sel-answered", "req-unanswered", "ops-unanswered")]
    assert positions == sorted(positions)
