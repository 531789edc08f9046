"""Rules fire only where their advice can be acted on (issue 11 item 5): for each precondition a
profile that must trigger the rule and a near miss that differs in that precondition only; and the
derivations the preconditions read (who holds the weights, what the model hands back)."""

from __future__ import annotations

import pytest

from agent.answers import build_profile
from agent.rules import RULES_FILE, evaluate_rules, judge, load_rules
from agent.types import Finding

from .helpers import answers


def fired(raw: dict[str, str]) -> dict[str, Finding]:
    return {f.id: f for f in evaluate_rules(None, answers(raw), "zh")}


PERSONAL = {"dat.personal_data": "有，客户身份证号"}
CONFIDENTIAL_INSIDE = {"dat.personal_data": "没有", "dat.confidential_data": "是", "dat.leaves_org": "否"}
CONFIDENTIAL_OUT = {"dat.personal_data": "没有", "dat.confidential_data": "是", "dat.leaves_org": "是"}
PROFESSIONAL = {
    "dev.professional_domain": "是",
    "dev.hallucination_controls": "输出过滤",
    "dev.approach": "提示工程",
}
SELF_HOSTED = {"sel.base_model": "通用", "sel.deployment": "私有化", "dev.optimisation": "不做"}

# (rule, precondition, answers that trigger it, the near miss that breaks only that precondition)
CASES: list[tuple[str, str, dict[str, str], dict[str, str]]] = [
    ("privacy-no-desensitisation", "data class: confidential data that leaves",
     {**CONFIDENTIAL_OUT, "dat.desensitisation": "无"}, {**CONFIDENTIAL_INSIDE, "dat.desensitisation": "无"}),
    ("privacy-no-desensitisation", "data class: personal data",
     {**PERSONAL, "dat.desensitisation": "无"}, {"dat.personal_data": "没有", "dat.desensitisation": "无"}),
    ("privacy-no-compliance-review", "data class",
     {**PERSONAL, "dat.compliance_review": "没有"}, {"dat.personal_data": "没有", "dat.confidential_data": "否", "dat.compliance_review": "没有"}),
    ("privacy-no-audit", "data class",
     {**PERSONAL, "dat.audit": "没有"}, {"dat.personal_data": "没有", "dat.confidential_data": "否", "dat.audit": "没有"}),
    ("hallucination-professional-ungrounded", "output kind (answered)",
     {**PROFESSIONAL, "dev.output_kind": "生成的文字"}, {**PROFESSIONAL, "dev.output_kind": "标签或评分"}),
    ("hallucination-professional-ungrounded", "output kind (derived from the scenario)",
     {**PROFESSIONAL, "req.scenario": "客户经理提问，助手生成产品说明的答复草稿"},
     {**PROFESSIONAL, "req.scenario": "模型识别单证类型并分到对应理赔队列"}),
    ("hallucination-professional-ungrounded", "professional domain",
     PROFESSIONAL, {**PROFESSIONAL, "dev.professional_domain": "否"}),
    ("hallucination-no-human-review", "output kind (answered)",
     {**PROFESSIONAL, "dev.output_kind": "生成的文字"}, {**PROFESSIONAL, "dev.output_kind": "抽取的字段"}),
    ("hallucination-no-human-review", "output kind (derived from the scenario)",
     {**PROFESSIONAL, "req.scenario": "律师提问，助手检索判例后作答"},
     {**PROFESSIONAL, "req.scenario": "模型每天给每个客户打流失风险分"}),
    ("cost-no-light-weighting", "who holds the weights (answered)",
     {**SELF_HOSTED, "sel.model_source": "开源模型自己部署"}, {**SELF_HOSTED, "sel.model_source": "厂商闭源模型"}),
    ("cost-no-light-weighting", "who holds the weights (derived: appliance)",
     {**SELF_HOSTED, "sel.model_name": "Qwen2.5-32B-Instruct"},
     {**SELF_HOSTED, "sel.model_name": "厂商电力行业大模型一体机（闭源）"}),
    ("cost-no-light-weighting", "who holds the weights (derived: hosted API)",
     {**SELF_HOSTED, "sel.deployment": "混合云", "sel.model_name": "本地 Qwen2.5-14B + 云端大模型 API"},
     {**SELF_HOSTED, "sel.deployment": "混合云", "sel.model_name": "云端大模型 API + 本地语音识别"}),
    ("cost-no-light-weighting", "self-hosted deployment",
     SELF_HOSTED, {**SELF_HOSTED, "sel.deployment": "公有云"}),
    ("ux-no-gradual-rollout", "audience",
     {"req.target_users": "外部客户", "tst.gradual_rollout": "否"}, {"req.target_users": "内部员工", "tst.gradual_rollout": "否"}),
    ("iteration-no-kb-updates", "a knowledge base exists",
     {"dat.knowledge_base": "是", "ops.kb_cadence": "不更新"}, {"dat.knowledge_base": "否", "ops.kb_cadence": "不更新"}),
    ("collaboration-no-compliance-in-team", "data class",
     {**CONFIDENTIAL_OUT, "sel.team": "业务, 技术"}, {**CONFIDENTIAL_INSIDE, "sel.team": "业务, 技术"}),
    ("model-vendor-sustainability-unchecked", "a vendor supplies the model",
     {"sel.vendor": "某大模型厂商", "sel.vendor_sustainability": "否"}, {"sel.vendor": "自研", "sel.vendor_sustainability": "否"}),
    ("model-vendor-sustainability-unchecked", "not built in-house",
     {"sel.base_model": "通用", "sel.vendor": "某集成商", "sel.model_source": "开源", "sel.vendor_sustainability": "否"},
     {"sel.base_model": "通用", "sel.vendor": "某集成商", "sel.model_source": "自研", "sel.vendor_sustainability": "否"}),
    ("integration-agent-unchecked-actions", "an agent",
     {"sel.techniques": "Agent", "int.systems": "工单系统", "int.security": "权限控制"},
     {"sel.techniques": "RAG", "int.systems": "工单系统", "int.security": "权限控制"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule_id", "precondition", "trigger", "near_miss"), CASES, ids=[f"{c[0]}: {c[1]}" for c in CASES]
)
def test_precondition_decides(
    rule_id: str, precondition: str, trigger: dict[str, str], near_miss: dict[str, str]
) -> None:
    assert rule_id in fired(trigger), precondition
    assert rule_id not in fired(near_miss), precondition
    # a rule whose preconditions fail leaves no gap either: there is nothing to ask about
    assert rule_id not in {g.rule for g in judge(None, answers(near_miss), "zh")[1]}


def test_every_rule_with_preconditions_has_a_near_miss_for_them() -> None:
    with_preconditions = {r.id for r in load_rules(RULES_FILE) if r.applies_if}
    assert with_preconditions == {c[0] for c in CASES}


def test_evidence_is_what_the_user_said_not_what_the_project_is_not() -> None:
    # "not a vendor's closed model" is why the rule may speak, not why the risk exists: the evidence
    # names the deployment and the "no light-weighting" answer in the user's words
    raw = {**SELF_HOSTED, "sel.model_name": "Qwen2.5-72B-Instruct", "sel.model_size": "72B"}
    f = fired(raw)["cost-no-light-weighting"]
    ev = {e.field: e for e in f.evidence}
    assert set(ev) == {"selection.deployment", "development.optimisation", "selection.model_size_b"}
    assert ev["development.optimisation"].text == "不做"


@pytest.mark.parametrize(
    ("model_name", "vendor", "deployment", "expected"),
    [
        ("Qwen2.5-7B-Instruct", None, "私有化", "open_weight"),
        ("DeepSeek-R1-Distill-Qwen-32B", None, "私有化", "open_weight"),
        ("Llama-3.1-8B", None, "云边协同", "open_weight"),
        ("某大模型厂商 API", None, "公有云", "public_api"),
        ("Hosted GPT-class model via the cloud provider", None, "混合云", "public_api"),
        ("DeepSeek API", None, "公有云", "public_api"),
        ("文心一言", None, "公有云", "public_api"),
        ("盘古大模型（本地部署）", "华为", "私有化", "vendor_closed"),
        ("厂商金融大模型（闭源，本地部署）", None, "私有化", "vendor_closed"),
        ("本地 Qwen2.5-14B + 云端大模型 API", None, "混合云", "mixed"),
        ("工业视觉小模型", "自研", "云边协同", "in_house"),
        ("某模型", "某集成商", "私有化", None),
    ],
)
def test_who_holds_the_weights_is_read_from_the_model_name(
    model_name: str, vendor: str | None, deployment: str, expected: str | None
) -> None:
    raw = {"sel.base_model": "通用", "sel.model_name": model_name, "sel.deployment": deployment}
    if vendor:
        raw["sel.vendor"] = vendor
    assert build_profile(answers(raw)).selection.model_source == expected


def test_an_answer_beats_the_derivation() -> None:
    raw = {"sel.base_model": "通用", "sel.model_name": "Qwen2.5-7B", "sel.model_source": "调用云端 API"}
    assert build_profile(answers(raw)).selection.model_source == "public_api"


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("坐席在通话中实时检索产品条款并生成答复草稿", "generated"),
        ("用户拨打客服热线，语音机器人识别问题，查询知识库作答", "generated"),
        ("模型识别单证类型并分到对应理赔队列，理赔员照常处理", "labels"),
        ("边缘盒子上的视觉模型判定缺陷类型，疑似缺陷转人工复判台", "labels"),
        ("来料检验员上传质保书PDF，助手抽取指标并与技术协议比对", "extraction"),
        ("Radiologists get a draft report for each scan", "generated"),
        ("The model scores each application and routes it to a queue", "labels"),
        ("提升效率", None),
    ],
)
def test_what_the_model_hands_back_is_read_from_the_scenario(scenario: str, expected: str | None) -> None:
    lang = "en" if scenario.isascii() else "zh"
    assert build_profile(answers({"req.scenario": scenario}, lang)).development.output_kind == expected  # type: ignore[arg-type]
