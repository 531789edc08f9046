"""Regulatory rules (knowledge/rules_regulatory.yaml): one project that must trigger each, a near miss
that must not, and the precision cases — internal projects get no public-service obligations, and an
unanswered fact is never a high risk by itself."""

from __future__ import annotations

import pytest

from agent.rules import REGULATORY_RULES_FILE, evaluate_rules, load_rules
from agent.types import Finding

from .helpers import answers

PUBLIC_CN = {"req.target_users": "外部客户", "req.audience": "境内公众"}
SENSITIVE = {"dat.personal_data": "是", "dat.sensitive_classes": "医疗健康"}
EU_HR = {"req.target_users": "外部", "req.audience": "欧盟", "req.eu_use_areas": "招聘"}

# rule id → (answers that must trigger it, a near miss that must not), as typed.
CASES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "reg-cn-public-genai-no-filing": (
        {**PUBLIC_CN, "req.cn_filing": "没有计划"},
        {**PUBLIC_CN, "req.cn_filing": "已列入计划"},
    ),
    "reg-generated-content-unlabelled": (
        {**PUBLIC_CN, "req.public_content": "是", "req.content_labels": "无"},
        {**PUBLIC_CN, "req.public_content": "是", "req.content_labels": "显式标识, 隐式标识"},
    ),
    "reg-sensitive-pi-no-consent": (
        {**SENSITIVE, "dat.separate_consent": "否"},
        {**SENSITIVE, "dat.separate_consent": "是"},
    ),
    "reg-pi-no-impact-assessment": (
        {**SENSITIVE, "dat.pi_impact_assessment": "没有"},
        {**SENSITIVE, "dat.pi_impact_assessment": "有"},
    ),
    "reg-cross-border-no-mechanism": (
        {"dat.personal_data": "是", "dat.cross_border": "是", "dat.cross_border_mechanism": "还没有"},
        {"dat.personal_data": "是", "dat.cross_border": "是", "dat.cross_border_mechanism": "标准合同"},
    ),
    "reg-eu-high-risk-no-oversight": (
        {**EU_HR, "req.ai_risk_management": "没有"},
        {**EU_HR, "req.eu_use_areas": "都不是", "req.ai_risk_management": "没有"},
    ),
}


def fired(raw: dict[str, str], lang: str = "zh") -> dict[str, Finding]:
    return {f.id: f for f in evaluate_rules(None, answers(raw, lang), lang)}  # type: ignore[arg-type]


def test_every_regulatory_rule_has_a_case() -> None:
    assert {r.id for r in load_rules(REGULATORY_RULES_FILE)} == set(CASES)


def test_regulatory_rules_load_with_the_pitfalls() -> None:
    ids = {r.id for r in load_rules()}
    assert set(CASES) <= ids and "privacy-sensitive-data-public-cloud" in ids


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_triggers_high_with_evidence_and_a_regulation_citation(rule_id: str) -> None:
    trigger, _ = CASES[rule_id]
    finding = fired(trigger)[rule_id]
    assert finding.severity == "high"
    assert {e.question_id for e in finding.evidence} <= set(trigger)
    assert any(e.text for e in finding.evidence)
    assert finding.citations and all(c.source.startswith("regulation:") for c in finding.citations)
    assert "不构成法律意见" in finding.advice


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_near_miss_does_not_trigger(rule_id: str) -> None:
    _, near_miss = CASES[rule_id]
    assert rule_id not in fired(near_miss)


def test_internal_only_project_gets_no_public_service_obligation() -> None:
    internal = {
        "req.target_users": "内部员工",
        "req.audience": "本单位员工",
        # even a careless "no filing, no labels" must not raise public-service findings
        "req.content_labels": "无",
        "req.cn_filing": "没有计划",
    }
    found = fired(internal)
    assert not {"reg-cn-public-genai-no-filing", "reg-generated-content-unlabelled"} & set(found)


def test_internal_target_users_never_get_the_filing_finding() -> None:
    # a contradictory audience does not turn an internal tool into a public service
    raw = {"req.target_users": "内部员工", "req.audience": "境内公众", "req.cn_filing": "没有计划"}
    assert "reg-cn-public-genai-no-filing" not in fired(raw)


def test_business_customers_in_china_are_not_the_public() -> None:
    assert "reg-cn-public-genai-no-filing" not in fired(
        {"req.target_users": "外部", "req.audience": "企业客户", "req.cn_filing": "没有计划"}
    )


@pytest.mark.parametrize(
    ("rule_id", "dont_know"),
    [
        ("reg-cn-public-genai-no-filing", {**PUBLIC_CN, "req.cn_filing": "不知道"}),
        ("reg-sensitive-pi-no-consent", {**SENSITIVE, "dat.separate_consent": "不知道"}),
        ("reg-pi-no-impact-assessment", {**SENSITIVE, "dat.pi_impact_assessment": "不知道"}),
        ("reg-eu-high-risk-no-oversight", {**EU_HR, "req.ai_risk_management": "不知道"}),
    ],
)
def test_dont_know_on_the_safeguard_is_medium_not_high(rule_id: str, dont_know: dict[str, str]) -> None:
    assert fired(dont_know)[rule_id].severity == "medium"


def test_unanswered_safeguard_raises_nothing() -> None:
    # the obligation applies, but nobody has been asked about the safeguard yet: not yet assessed
    found = fired({**PUBLIC_CN, **SENSITIVE, **EU_HR})
    assert not set(CASES) & set(found)


def test_one_missing_label_kind_is_medium() -> None:
    only_visible = {**PUBLIC_CN, "req.public_content": "是", "req.content_labels": "显式标识"}
    assert fired(only_visible)["reg-generated-content-unlabelled"].severity == "medium"


def test_minors_get_the_guardian_consent_advice() -> None:
    minors = {"dat.personal_data": "是", "dat.sensitive_classes": "未成年人", "dat.separate_consent": "否"}
    assert "监护人" in fired(minors)["reg-sensitive-pi-no-consent"].advice


def test_no_human_review_for_an_eu_high_risk_use_is_high() -> None:
    raw = {**EU_HR, "req.ai_risk_management": "有", "dev.hallucination_controls": "引用"}
    assert fired(raw)["reg-eu-high-risk-no-oversight"].severity == "high"


def test_english_findings_cite_the_regulation_in_english() -> None:
    raw = {
        "req.target_users": "external",
        "req.audience": "public",
        "req.cn_filing": "not planned",
    }
    finding = fired(raw, "en")["reg-cn-public-genai-no-filing"]
    assert "Guidance, not legal advice" in finding.advice
    sections = {c.section for c in finding.citations}
    assert "Art. 17" in sections and "Art. 2" in sections
