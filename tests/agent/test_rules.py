"""One profile that must trigger each pitfall rule, and a near miss that must not."""

from __future__ import annotations

import pytest

from agent.rules import RULES_FILE, evaluate_rules, judge, load_rules
from agent.types import Finding, Gap

from .helpers import answers

SENSITIVE = {"dat.personal_data": "有，客户身份证号"}

# rule id → (answers that must trigger it, a near miss that must not). Raw text, as typed.
CASES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "privacy-sensitive-data-public-cloud": (
        {**SENSITIVE, "sel.deployment": "公有云"},
        {**SENSITIVE, "sel.deployment": "私有化"},
    ),
    "privacy-no-desensitisation": (
        {**SENSITIVE, "dat.desensitisation": "无"},
        {**SENSITIVE, "dat.desensitisation": "掩码, 加密"},
    ),
    "privacy-no-compliance-review": (
        {"dat.confidential_data": "是", "dat.compliance_review": "没有"},
        {"dat.confidential_data": "否", "dat.compliance_review": "没有"},
    ),
    "privacy-no-audit": (
        {**SENSITIVE, "dat.audit": "没有"},
        {**SENSITIVE, "dat.audit": "有"},
    ),
    "hallucination-professional-ungrounded": (
        {
            "dev.professional_domain": "是",
            "dev.hallucination_controls": "人工复核",
            "dev.approach": "提示工程",
        },
        {
            "dev.professional_domain": "是",
            "dev.hallucination_controls": "人工复核, 引用",
            "dev.approach": "提示工程",
        },
    ),
    "hallucination-no-human-review": (
        {"dev.professional_domain": "yes", "dev.hallucination_controls": "grounding"},
        {"dev.professional_domain": "no", "dev.hallucination_controls": "grounding"},
    ),
    "cost-oversized-model": (
        {"sel.task_complexity": "简单", "sel.model_size": "72B"},
        {"sel.task_complexity": "简单", "sel.model_size": "7B"},
    ),
    "cost-no-estimate": (
        {"sel.has_cost_estimate": "没有"},
        {"sel.has_cost_estimate": "有"},
    ),
    "cost-no-light-weighting": (
        {"sel.deployment": "私有化", "dev.optimisation": "不做"},
        {"sel.deployment": "私有化", "dev.optimisation": "量化"},
    ),
    "ux-no-gradual-rollout": (
        {"req.target_users": "外部客户", "tst.gradual_rollout": "否"},
        {"req.target_users": "内部员工", "tst.gradual_rollout": "否"},
    ),
    "ux-no-user-training": (
        {"ops.user_training": "no"},
        {"ops.user_training": "yes"},
    ),
    "iteration-no-kb-updates": (
        {"dat.knowledge_base": "是", "dat.kb_cadence": "没有计划"},
        {"dat.knowledge_base": "是", "dat.kb_cadence": "每月"},
    ),
    "iteration-no-feedback-loop": (
        {"ops.feedback_loop": "没有"},
        {"ops.feedback_loop": "有"},
    ),
    "iteration-no-model-updates": (
        {"ops.model_cadence": "没有计划"},
        {"ops.model_cadence": "每季度"},
    ),
    "testing-no-feedback-collection": (
        {"tst.feedback": "否"},
        {"tst.feedback": "是"},
    ),
    "collaboration-business-it-disconnect": (
        {"sel.team": "技术, 供应商"},
        {"sel.team": "业务, 技术"},
    ),
    "collaboration-no-compliance-in-team": (
        {**SENSITIVE, "sel.team": "业务, 技术"},
        {**SENSITIVE, "sel.team": "业务, 技术, 合规"},
    ),
    "talent-no-experienced-partner": (
        {"req.ai_experience": "第一次", "sel.team": "业务, 技术"},
        {"req.ai_experience": "第一次", "sel.team": "业务, 技术, 供应商"},
    ),
    "goals-no-baseline-or-target": (
        {"req.goal_metric": "一次解决率", "req.baseline": "62%", "req.target": "明显提升"},
        {"req.goal_metric": "一次解决率", "req.baseline": "62%", "req.target": "6个月内到80%"},
    ),
    "poc-no-decision-maker": (
        {"req.decision_maker": "没有"},
        {"req.decision_maker": "有，行长亲自参与"},
    ),
    "poc-incomplete-resource-assessment": (
        {"sel.resources": "数据, 算力, 资金"},
        {"sel.resources": "数据, 算力, 资金, 人才"},
    ),
    "poc-skipped-without-experience": (
        {"req.ai_experience": "没有", "req.plans_poc": "不做"},
        {"req.ai_experience": "经验丰富", "req.plans_poc": "不做"},
    ),
    "model-vendor-sustainability-unchecked": (
        {"sel.vendor": "某厂商", "sel.vendor_sustainability": "否"},
        {"sel.vendor": "某厂商", "sel.vendor_sustainability": "是"},
    ),
    "model-no-upgrade-path": (
        {"sel.upgrade_path": "没想过"},
        {"sel.upgrade_path": "有规划"},
    ),
    "value-roi-only": (
        {"ops.value_metrics": "ROI"},
        {"ops.value_metrics": "ROI, 满意度"},
    ),
    "value-public-sector-dimensions-missing": (
        {"req.sector": "政务", "ops.value_metrics": "效率, 技术领先"},
        {"req.sector": "政务", "ops.value_metrics": "效率, 群众满意度"},
    ),
    "testing-not-real-environment": (
        {"tst.realistic": "否"},
        {"tst.realistic": "是"},
    ),
    "testing-no-real-users": (
        {"tst.pilot_users": "内部测试人员"},
        {"tst.pilot_users": "真实用户"},
    ),
    "testing-no-evaluation-baseline": (
        {"dev.evaluation_baseline": "no"},
        {"dev.evaluation_baseline": "yes"},
    ),
    "ops-no-production-monitoring": (
        {"int.monitoring": "否"},
        {"int.monitoring": "是"},
    ),
    "ops-no-business-review": (
        {"ops.business_review": "不会"},
        {"ops.business_review": "会，每季度"},
    ),
    "integration-no-rollback-plan": (
        {"int.rollback": "没有"},
        {"int.rollback": "有预案"},
    ),
    "integration-agent-unchecked-actions": (
        {
            "sel.techniques": "Agent, RAG",
            "int.systems": "工单系统, ERP 物资系统",
            "int.security": "权限控制",
            "dev.hallucination_controls": "人工复核",
        },
        {
            "sel.techniques": "Agent, RAG",
            "int.systems": "工单系统, ERP 物资系统",
            "int.security": "权限控制, 审计日志",
            "dev.hallucination_controls": "人工复核",
        },
    ),
    "integration-no-upgrade-plan": (
        {"int.upgrade": "没有"},
        {"int.upgrade": "有"},
    ),
    "integration-no-security": (
        {"int.security": "无"},
        {"int.security": "权限控制, 审计日志"},
    ),
}


def fired(raw: dict[str, str]) -> dict[str, Finding]:
    return {f.id: f for f in evaluate_rules(None, answers(raw), "zh")}


# Rules only "don't know" can trigger (free-text fields): always a gap, never a risk (issue 11).
# rule id → (answers that leave the gap, an answer that closes it).
GAP_ONLY: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "goals-no-measurable-metric": ({"req.goal_metric": "不知道"}, {"req.goal_metric": "一次解决率"}),
    "ops-no-owner": ({"ops.owners": "不知道"}, {"ops.owners": "客服部王经理；科技部李工"}),
}


def gaps(raw: dict[str, str]) -> dict[str, Gap]:
    return {g.rule: g for g in judge(None, answers(raw), "zh")[1]}


def test_every_rule_has_a_case() -> None:
    # the regulatory rules (rules_regulatory.yaml) have their cases in test_rules_regulatory.py
    assert {r.id for r in load_rules(RULES_FILE)} == set(CASES) | set(GAP_ONLY)


@pytest.mark.parametrize("rule_id", sorted(GAP_ONLY))
def test_a_dont_know_only_rule_is_a_gap_with_the_question_to_ask(rule_id: str) -> None:
    leaves, closes = GAP_ONLY[rule_id]
    assert rule_id not in fired(leaves)
    gap = gaps(leaves)[rule_id]
    assert gap.question_ids == list(leaves) and gap.ask and gap.severity in ("high", "medium")
    assert rule_id not in gaps(closes) and rule_id not in fired(closes)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_triggers_with_evidence(rule_id: str) -> None:
    trigger, _ = CASES[rule_id]
    found = fired(trigger)
    assert rule_id in found
    finding = found[rule_id]
    # The evidence names the answers that triggered it, with the user's own words.
    ev_questions = {e.question_id for e in finding.evidence}
    assert ev_questions and ev_questions <= set(trigger)
    assert all(e.text == trigger[e.question_id] for e in finding.evidence)
    assert finding.advice and finding.citations and finding.origin == "rule"


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_near_miss_does_not_trigger(rule_id: str) -> None:
    trigger, near_miss = CASES[rule_id]
    assert near_miss != trigger
    assert rule_id not in fired(near_miss)


def test_unanswered_questions_trigger_nothing() -> None:
    assert evaluate_rules(None, {}, "zh") == []


def test_dont_know_is_a_gap_skipped_is_an_open_question_no_is_the_risk() -> None:
    # issue 11: "don't know" about a rollback plan is not yet assessed (ask it), never a HIGH risk
    # by itself; skipping leaves an open question; an explicit "no" is the pitfall.
    assert "integration-no-rollback-plan" not in fired({"int.rollback": "不知道"})
    assert gaps({"int.rollback": "不知道"})["integration-no-rollback-plan"].question_ids == ["int.rollback"]
    assert "integration-no-rollback-plan" not in fired({"int.rollback": "跳过"})
    assert "integration-no-rollback-plan" not in gaps({"int.rollback": "跳过"})
    assert "integration-no-rollback-plan" in fired({"int.rollback": "没有"})


def test_severity_escalates_in_government_and_with_low_risk_tolerance() -> None:
    assert fired({"ops.value_metrics": "ROI"})["value-roi-only"].severity == "medium"
    assert fired({"req.sector": "教育", "ops.value_metrics": "ROI"})["value-roi-only"].severity == "high"
    base = {"dev.professional_domain": "是", "dev.hallucination_controls": "检索"}
    assert fired(base)["hallucination-no-human-review"].severity == "medium"
    low = {**base, "req.risk_tolerance": "低"}
    assert fired(low)["hallucination-no-human-review"].severity == "high"


def test_signal_from_free_text_triggers_with_the_users_words() -> None:
    raw = {"req.pain_points": "客户信息很多，想直接接 ChatGPT API", "sel.deployment": "混合云"}
    f = fired(raw)["privacy-sensitive-data-public-cloud"]
    ev = {e.field: e for e in f.evidence}
    assert ev["data.personal_data"].question_id == "req.pain_points"
    assert ev["data.personal_data"].text == raw["req.pain_points"]


def test_explicit_answer_beats_signal() -> None:
    raw = {
        "req.pain_points": "客户信息很多，想接公有云",
        "dat.personal_data": "没有",
        "sel.deployment": "公有云",
    }
    assert "privacy-sensitive-data-public-cloud" not in fired(raw)


def test_light_weighting_matters_only_when_self_hosting() -> None:
    cloud = {"sel.deployment": "公有云", "sel.model_size": "72B", "dev.optimisation": "不做"}
    assert "cost-no-light-weighting" not in fired(cloud)
    big = fired({**cloud, "sel.deployment": "私有化"})["cost-no-light-weighting"]
    assert big.severity == "high"
    assert {e.field for e in big.evidence} >= {"selection.model_size_b", "selection.deployment"}


def test_findings_in_english_and_sorted_by_severity() -> None:
    raw = {"ops.user_training": "no", "int.rollback": "no", "sel.has_cost_estimate": "no"}
    found = evaluate_rules(None, answers(raw, "en"), "en")
    assert [f.severity for f in found] == ["high", "medium", "low"]
    assert found[0].title == "No rollback plan"
    assert "rehearse" in found[0].advice


def test_evidence_names_the_answers_that_hold_once_each() -> None:
    # "Confidential data = No" did not trigger the privacy rule, and the live deployment mode that
    # confirms the selected deployment is the same answer: neither is repeated as evidence.
    raw = {
        "dat.personal_data": "是",
        "dat.confidential_data": "否",
        "sel.deployment": "公有云",
        "int.deployment_mode": "公有云",
    }
    f = fired(raw)["privacy-sensitive-data-public-cloud"]
    assert [e.field for e in f.evidence] == ["data.personal_data", "selection.deployment"]
    changed = fired({**raw, "int.deployment_mode": "混合云"})["privacy-sensitive-data-public-cloud"]
    assert "integration.deployment_mode" in {e.field for e in changed.evidence}


def test_an_agent_without_human_confirmation_is_flagged_and_high_at_low_risk_tolerance() -> None:
    agent = {"sel.techniques": "Agent", "int.systems": "工单系统", "int.security": "权限控制, 审计日志"}
    found = fired({**agent, "dev.hallucination_controls": "检索知识库"})[
        "integration-agent-unchecked-actions"
    ]
    assert found.severity == "medium"
    assert {e.question_id for e in found.evidence} >= {"sel.techniques", "dev.hallucination_controls"}
    assert "int.security" not in {e.question_id for e in found.evidence}
    low = fired({**agent, "dev.hallucination_controls": "检索知识库", "req.risk_tolerance": "低"})
    assert low["integration-agent-unchecked-actions"].severity == "high"
    # the same controls without an agent: a plain RAG assistant calls no business systems on its own
    assert "integration-agent-unchecked-actions" not in fired(
        {**agent, "sel.techniques": "RAG", "dev.hallucination_controls": "检索知识库"}
    )


def test_a_planned_kb_cadence_is_not_flagged_for_a_dont_know_in_operations() -> None:
    # The 12345 hotline plans monthly updates but left the operations cadence open: the risk
    # register led with "knowledge base without an update cadence".
    base = {"dat.knowledge_base": "是", "dat.kb_cadence": "每月"}
    assert "iteration-no-kb-updates" not in fired({**base, "ops.kb_cadence": "不知道"})
    assert "iteration-no-kb-updates" in fired({**base, "ops.kb_cadence": "不更新"})
    unknown_cadence = {"dat.knowledge_base": "是", "dat.kb_cadence": "不知道"}
    assert "iteration-no-kb-updates" not in fired(unknown_cadence)
    assert "iteration-no-kb-updates" in gaps(unknown_cadence)
