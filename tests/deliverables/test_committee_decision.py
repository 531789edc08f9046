"""The executive summary closes with the decision asked of the committee, derived from the answers: go
when the gate is met and no high-severity risk stands, go with conditions (the unmet gate criteria and
the high-severity risks, by RSK id), no-go when most of the gate is unmet; cost, value and timeline are
the answers'. Checked over every example, zh and en."""

from __future__ import annotations

import pytest

from agent.deliverables.committee import decide
from agent.deliverables.trace import Risk
from agent.snapshot import ExitCriterion, ProjectSnapshot
from agent.types import Finding, Stage
from tests.deliverables.example_docs import EXAMPLES, LANGS, answer, doc, example_snapshot, tables

CASES = [(e, lang) for e in EXAMPLES for lang in LANGS]
VERDICTS = {
    "zh": {"go": "**通过**", "go_with_conditions": "**有条件通过**", "no_go": "**暂不通过**"},
    "en": {"go": "**Go**", "go_with_conditions": "**Go with conditions**", "no_go": "**No-go for now**"},
}


def decision_table(example: str, lang: str) -> dict[str, str]:
    md = doc(example, lang, "executive_summary").markdown
    section = md.split("\n## 6. ", 1)[1]
    return {row[0]: row[1] for row in tables(section)[0][1:]}


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_the_proposal_follows_the_gate_and_the_high_risks(example: str, lang: str) -> None:
    snap = example_snapshot(example, lang)
    rows = decision_table(example, lang)
    recommendation = rows["Coach's recommendation" if lang == "en" else "教练的建议"]
    unmet = [c for c in snap.next_phase_criteria if not c.met]
    highs = [f for f in snap.findings if f.severity == "high"]
    if len(unmet) * 2 > len(snap.next_phase_criteria):
        expected = "no_go"
    elif unmet or highs:
        expected = "go_with_conditions"
    else:
        expected = "go"
    assert recommendation.startswith(VERDICTS[lang][expected]), recommendation
    criteria_cell = rows["Conditions: unmet gate criteria" if lang == "en" else "条件：未满足的门槛条件"]
    assert criteria_cell.count("☐") == len(unmet)
    risks_cell = rows["Conditions: high-severity risks" if lang == "en" else "条件：高严重度风险"]
    assert risks_cell.count("RSK-") == len(highs)
    register = doc(example, lang, "risk_register").markdown
    for rsk in [w for w in risks_cell.replace(";", " ").replace("；", " ").split() if w.startswith("RSK-")]:
        assert f"| {rsk} |" in register  # the id resolves in the register


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_cost_timeline_and_value_are_the_answers(example: str, lang: str) -> None:
    rows = decision_table(example, lang)
    for path, (zh, en) in {
        "requirements.budget_wan": ("预算（万元）", "Budget (10k CNY)"),
        "selection.cost_estimate_wan": ("年运行成本估算（万元）", "Yearly running cost estimate (10k CNY)"),
        "requirements.timeline_months": ("周期（月）", "Timeline (months)"),
    }.items():
        given = answer(example, path)
        cell = rows[en if lang == "en" else zh]
        assert (
            cell == (f"{given:g}" if isinstance(given, float) else str(given))
            if given is not None
            else (cell in ("*待确认*", "*to be confirmed*"))
        ), (path, cell)
    value = rows["Annual value (time model, 10k CNY)" if lang == "en" else "年化价值（工时测算，万元）"]
    if example == "energy_field_maintenance_agent":
        assert value.startswith("400；回收期 21.4 个月" if lang == "zh" else "400; payback 21.4 months")
    elif answer(example, "requirements.tasks_per_user_day") is None:
        assert value.startswith(("尚不能计算", "not computed"))


def criterion(met: bool, n: int) -> ExitCriterion:
    return ExitCriterion(id=f"c{n}", text=f"criterion {n}", met=met)


def high_risk() -> Risk:
    finding = Finding(
        id="no-rollback", title="No rollback", severity="high", stage=Stage.integration, advice=""
    )
    return Risk("RSK-1", finding, ())


@pytest.mark.parametrize(
    ("met", "risks", "verdict"),
    [
        ([True, True, True, True], [], "go"),
        ([True, True, True, True], [high_risk()], "go_with_conditions"),
        ([True, True, True, False], [], "go_with_conditions"),
        ([True, True, False, False], [], "go_with_conditions"),  # half unmet: conditions, not a no
        ([True, False, False, False], [], "no_go"),
    ],
)
def test_decide(met: list[bool], risks: list[Risk], verdict: str) -> None:
    snap = ProjectSnapshot(name="x", next_phase_criteria=[criterion(m, i) for i, m in enumerate(met)])
    snap.profile.requirements.budget_wan = 120
    snap.profile.requirements.timeline_months = 6
    d = decide(snap, risks)
    assert d.verdict == verdict
    assert d.conditions == met.count(False) + len(risks)
    assert (d.phase, d.next_phase) == ("concept", "poc")


def test_no_go_ahead_without_a_budget() -> None:
    """The retailer's gate was met but its budget unanswered, and the summary said 'enter once the
    1 condition below is met' beside 'Budget: to be confirmed': the budget is a condition."""
    snap = ProjectSnapshot(name="x", next_phase_criteria=[criterion(True, 0)])
    snap.profile.requirements.timeline_months = 6
    d = decide(snap, [])
    assert d.verdict == "go_with_conditions" and d.missing == ("requirements.budget_wan",)
    assert d.conditions == 1
    summary = doc("retail_marketing_copy", "en", "executive_summary").markdown
    assert answer("retail_marketing_copy", "requirements.budget_wan") is None
    assert (
        "| Conditions: what the decision needs | ☐ Budget (10k CNY): no answer states it; to be set before "
        "the next phase |" in summary
    )
    assert "enter once the 2 conditions below are met" in summary
