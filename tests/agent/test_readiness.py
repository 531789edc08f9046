"""Readiness per stage, stage exit criteria, and the adoption phase."""

from __future__ import annotations

from agent.answers import build_profile
from agent.questions import load_bank
from agent.readiness import assess, current_phase, evidence_phase, next_phase_criteria, phase_gaps
from agent.types import Phase, Stage

from .helpers import answers

GOOD_REQUIREMENTS = {
    "req.pain_points": "高峰排队长",
    "req.scenario": "坐席实时检索条款",
    "req.target_users": "内部",
    "req.audience": "本单位员工",  # asked once the target users are known (regulatory layer)
    "req.goal_metric": "一次解决率",
    "req.baseline": "62%",
    "req.target": "80%",
    "req.strategic_intent": "内部优化",
    "req.precedents": "有",
    "req.precedent_notes": "同业客服助手",
    "req.risk_tolerance": "中",
    "req.decision_maker": "是",
    "req.budget": "300万",
    "req.timeline": "6个月",
    "req.minutes_saved": "5分钟",  # the value model's inputs (value scorecard)
    "req.tasks_per_day": "20",
    "req.hourly_cost": "150元",
    "req.scenario_priority": "客服, 营销",
    "req.ai_experience": "一些",
    "req.current_phase": "概念验证",
    "req.plans_poc": "是",
    "req.name": "客服助手",
    "req.organisation": "某银行",
    "req.sector": "金融",
}


def scores(raw: dict[str, str]) -> tuple[dict[Stage, int], dict]:  # type: ignore[type-arg]
    recs = answers(raw)
    return assess(build_profile(recs), recs, load_bank())


def test_nothing_answered_is_zero_readiness() -> None:
    readiness, criteria = scores({})
    assert readiness[Stage.requirements] == 0
    assert not any(c.met for c in criteria[Stage.requirements])


def test_complete_requirements_reach_full_readiness() -> None:
    readiness, criteria = scores(GOOD_REQUIREMENTS)
    assert all(c.met for c in criteria[Stage.requirements])
    assert readiness[Stage.requirements] == 100


def test_unknown_answers_and_high_findings_lower_readiness() -> None:
    full, _ = scores(GOOD_REQUIREMENTS)
    unknown, criteria = scores({**GOOD_REQUIREMENTS, "req.decision_maker": "不知道"})
    # One fewer answer, one unmet criterion; "don't know" is a gap, not a HIGH finding (issue 11)
    assert unknown[Stage.requirements] < full[Stage.requirements]
    met = {c.id: c.met for c in criteria[Stage.requirements]}
    assert met["req-decision-maker"] is False
    absent, _ = scores({**GOOD_REQUIREMENTS, "req.decision_maker": "没有"})
    # an explicit "no" is the high finding (decision-maker absent), and costs more than the gap
    assert absent[Stage.requirements] < unknown[Stage.requirements]


def test_exit_criteria_are_in_the_session_language() -> None:
    recs = answers({})
    _, criteria = assess(build_profile(recs), recs, load_bank(), lang="en")
    assert criteria[Stage.integration][2].text == "A rollback plan exists"


def test_phase_from_evidence_and_from_the_leads_answer() -> None:
    profile = build_profile(answers({}))
    assert current_phase(profile) == Phase.concept
    declared = build_profile(answers({"req.current_phase": "已上线"}))
    assert current_phase(declared) == Phase.production
    assert evidence_phase(declared) == Phase.concept
    gaps = phase_gaps(declared, "en")
    assert Phase.concept in gaps and Phase.poc in gaps


def test_poc_exit_needs_measurable_targets_and_a_decision_maker() -> None:
    base = {"req.current_phase": "poc", "req.goal_metric": "一次解决率", "req.target": "80%"}
    crit = {c.id: c.met for c in next_phase_criteria(build_profile(answers(base)), "zh")}
    assert crit["poc-measurable-goals"] is True and crit["poc-decision-maker"] is False
    with_sponsor = {**base, "req.decision_maker": "是"}
    crit = {c.id: c.met for c in next_phase_criteria(build_profile(answers(with_sponsor)), "zh")}
    assert crit["poc-decision-maker"] is True


def test_value_validation_needs_metrics_beyond_roi() -> None:
    base = {"req.current_phase": "价值验证", "ops.value_metrics": "ROI"}
    crit = {c.id: c.met for c in next_phase_criteria(build_profile(answers(base)), "zh")}
    assert crit["value-roi-measured"] and not crit["value-beyond-roi"]
    richer = {**base, "ops.value_metrics": "ROI, 满意度"}
    crit = {c.id: c.met for c in next_phase_criteria(build_profile(answers(richer)), "zh")}
    assert crit["value-beyond-roi"]


def test_missing_required_names_unanswered_key_questions() -> None:
    from agent.readiness import missing_required

    recs = answers({"int.rollback": "不知道", "int.monitoring": "是"})
    missing = missing_required(Stage.integration, build_profile(recs), recs)
    assert "int.rollback" in missing and "int.monitoring" not in missing
    assert "int.scale_users" not in missing  # not required to leave the stage
