"""Interview depth: a quick interview asks at most 20 questions (what the phase gate and the
high-severity rules need, computed from the data), standard at most 45, full every one; the total
on screen does not grow as answers arrive; /depth deepens from where the interview stopped; and a
quick interview, driven end to end through `apply()`, exports every deliverable with the rest as
open questions."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from agent import conditions
from agent.deliverables.export import export_deliverables
from agent.deliverables.registry import load_registry
from agent.depth import LIMITS, Depth, parse_depth, plan, priority_fields
from agent.interview import step
from agent.interview.builder import apply_changes
from agent.interview.deps import StepDeps
from agent.interview.state import InterviewState
from agent.profile import Profile, ProjectInfo
from agent.questions import load_bank
from agent.rules import load_rules
from agent.snapshot import TurnResult
from agent.types import Phase

# A hospital's outpatient-triage assistant, in the words a lead would type.
HOSPITAL = {
    "req.organisation": "某三甲医院门诊部",
    "req.sector": "医疗",
    "req.pain_points": "门诊导诊台高峰期排队长，患者常挂错科室",
    "req.scenario": "患者在自助机上描述症状，大模型推荐挂号科室，导诊护士复核",
    "req.goal_metric": "挂错号比例",
    "req.baseline": "12%",
    "req.target": "半年内降到5%",
    "req.strategic_intent": "内部提效",
    "req.precedents": "有",
    "req.risk_tolerance": "低",
    "req.decision_maker": "是",
    "req.current_phase": "概念验证",
    "req.plans_poc": "是",
    "sel.task_complexity": "中等",
    "sel.base_model": "2",
    "sel.model_name": "Qwen2.5-14B",
    "sel.techniques": "RAG",
    "sel.deployment": "私有化",
    "sel.has_gpu": "是",
    "sel.vendor": "本地集成商",
    "sel.upgrade_path": "否",
    "sel.has_cost_estimate": "否",
    "sel.resources": "数据, 算力",
    "dat.personal_data": "是",
    "dat.confidential_data": "是",
    "dat.desensitisation": "掩码",
    "dat.knowledge_base": "是",
    "dat.kb_cadence": "每月",
    "dat.compliance_review": "是",
    "dev.professional_domain": "是",
    "dev.hallucination_controls": "检索知识库, 引用来源, 人工复核",
    "dev.evaluation_baseline": "否",
    "int.monitoring": "是",
    "int.rollback": "是",
    "tst.realistic": "是",
}


def _start(depth: Depth, lang: str = "zh") -> tuple[InterviewState, TurnResult, StepDeps]:
    deps = StepDeps(bank=load_bank())
    state = InterviewState(project=ProjectInfo(name="门诊导诊"), lang=lang, depth=depth)  # type: ignore[arg-type]
    result = step.start(state, deps)
    return apply_changes(state, result.changes), result, deps


def _answer(result: TurnResult) -> str:
    q = result.question
    assert q is not None
    if q.id in HOSPITAL:
        return HOSPITAL[q.id]
    if q.suggested:
        return ""  # confirm what an earlier answer implies
    return {"text": "待补充的说明", "number": "10"}.get(q.type, "1")


def _interview(
    state: InterviewState, result: TurnResult, deps: StepDeps, limit: int = 120
) -> tuple[InterviewState, TurnResult, list[tuple[str, int, int]]]:
    """Answer until the wrap-up; (question id, number, planned) of every question shown."""
    shown: list[tuple[str, int, int]] = []
    while result.question is not None and len(shown) < limit:
        q = result.question
        shown.append((q.id, q.number, q.planned))
        result = step.apply(state, _answer(result), deps)
        state = apply_changes(state, result.changes)
        errors = [m.text for m in result.messages if m.kind == "error"]
        assert not errors, f"{q.id}: {errors}"
    return state, result, shown


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("depth", ["quick", "standard"])
def test_a_depth_plans_at_most_its_limit_in_every_phase(depth: Depth, phase: Phase) -> None:
    profile = Profile()
    profile.project.name = "x"
    profile.requirements.current_phase = phase.value
    assert 0 < len(plan(depth, load_bank(), profile, {})) <= LIMITS[depth]


def test_the_quick_plan_is_what_the_phase_gate_and_the_high_severity_rules_read() -> None:
    bank = load_bank()
    profile = Profile()
    profile.requirements.current_phase = "poc"
    planned = plan("quick", bank, profile, {})
    high = {f for r in load_rules() if r.severity == "high" for f in conditions.fields(r.when)}
    needed = set(priority_fields("quick", Phase.poc))
    assert needed >= high and "requirements.decision_maker_involved" in needed  # the PoC gate
    for qid in planned:
        q = bank.get(qid)
        drives = any(q.field in conditions.fields(bank.get(o).applies_if) for o in planned)
        assert q.intake or q.field in needed or drives, f"{qid} is in the quick plan for no reason"
    # the PoC gate comes first: its decision-maker question is asked even when the limit cuts
    assert "req.decision_maker" in planned and "req.goal_metric" in planned


def test_full_plans_every_question_that_applies_or_may_apply() -> None:
    bank = load_bank()
    profile = Profile()
    profile.project.name = "x"
    planned = plan("full", bank, profile, {})
    assert set(planned) >= {q.id for q in bank if q.applies(profile)}
    assert "req.name" not in planned  # the name is known: that question can no longer apply
    assert "req.precedent_notes" in planned  # may apply once precedents are answered


@pytest.mark.parametrize("depth", ["quick", "standard", "full"])
def test_the_total_on_screen_never_grows_as_answers_arrive(depth: Depth) -> None:
    state, result, deps = _start(depth)
    _, _, shown = _interview(state, result, deps)
    numbers = [n for _, n, _ in shown]
    totals = [p for _, _, p in shown]
    assert numbers == list(range(1, len(shown) + 1)), "each question is the next one"
    assert all(a >= b for a, b in itertools.pairwise(totals)), totals
    assert len(shown) <= totals[0], "the first total announced is never exceeded"
    if depth != "full":
        assert totals[0] <= LIMITS[depth]


def test_a_quick_interview_end_to_end_in_at_most_20_questions_exports_every_deliverable(
    tmp_path: Path,
) -> None:
    state, result, deps = _start("quick")
    state, result, shown = _interview(state, result, deps)
    assert result.done and state.done
    assert any("/深入" in m.text for m in result.messages)  # how to go on is said at the end
    asked = [qid for qid, _, _ in shown]
    assert 10 <= len(asked) <= 20, asked
    assert "req.decision_maker" in asked and "req.current_phase" in asked
    assert "dat.leaves_org" not in asked  # private deployment said it: not asked again
    snapshot = result.snapshot
    assert snapshot is not None
    open_ids = {o.question_id for o in snapshot.open_questions}
    assert "ops.owners" in open_ids and "int.security" in open_ids  # not asked at this depth
    assert not open_ids & set(asked) - {"req.target"}  # what was answered is not open
    assert snapshot.profile.data.data_leaves_org is False  # inferred, not open
    assert "dat.leaves_org" not in open_ids

    out = tmp_path / "out"
    export_deliverables(snapshot, out, formats=["md", "docx"], lang="zh")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["deliverables"]) == len(load_registry())
    assert {o["question_id"] for o in report["open_questions"]} >= {"ops.owners", "int.security"}
    runbook = next(e for e in report["deliverables"] if e["id"] == "operations_runbook")
    assert runbook["open_questions"] > 0
    md = (out / next(f for f in runbook["files"] if f.endswith(".md"))).read_text(encoding="utf-8")
    open_part = md.split("## 待确认问题", 1)[1].split("## ", 1)[0]
    # listed as an open question (the question, who answers it), not invented
    assert "- 上线后由谁负责运营（业务和技术各是谁）？——建议由运营负责人回答。" in open_part


def test_depth_full_goes_on_from_where_a_quick_interview_stopped() -> None:
    state, result, deps = _start("quick")
    state, result, shown = _interview(state, result, deps)
    asked = {qid for qid, _, _ in shown}
    result = step.apply(state, "/深入", deps)  # one level deeper: standard
    state = apply_changes(state, result.changes)
    assert state.depth == "standard" and not state.done
    assert any("标准" in m.text for m in result.messages)
    assert result.question is not None and result.question.id not in asked
    assert result.question.number == len(asked) + 1
    result = step.apply(state, "/depth full", deps)
    state = apply_changes(state, result.changes)
    state, result, more = _interview(state, result, deps)
    assert state.depth == "full" and result.done
    assert not asked & {qid for qid, _, _ in more}, "nothing asked twice"


def test_depth_names_in_both_languages_and_a_wrong_one_is_refused() -> None:
    assert [parse_depth(w) for w in ("quick", "快速", "标准", "full", "深入")] == [
        "quick",
        "quick",
        "standard",
        "full",
        "full",
    ]
    state, _, deps = _start("full")
    result = step.apply(state, "/depth 很深", deps)
    assert result.messages[0].kind == "error" and "quick" in result.messages[0].text
    result = step.apply(state, "/depth", deps)
    assert result.messages[0].kind == "error"  # already full: nothing deeper
