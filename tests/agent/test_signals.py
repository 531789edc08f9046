"""Signals in free text, in Chinese and English, with negation."""

from __future__ import annotations

import pytest

from agent.signals import scan


def values(text: str) -> dict[str, object]:
    return {k: s.value for k, s in scan(text).items()}


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("我们是一家城商行", "project.sector", "finance"),
        ("A regional bank", "project.sector", "finance"),
        ("市三甲医院的门诊", "project.sector", "healthcare"),
        ("hospital outpatients", "project.sector", "healthcare"),
        ("区政务服务中心", "project.sector", "government"),
        ("涉及客户信息和身份证号", "data.personal_data", True),
        ("we process PII", "data.personal_data", True),
        ("病历数据", "data.personal_data", True),
        ("内部机密文件", "data.confidential_data", True),
        ("准备调用 OpenAI 的接口", "selection.deployment", "public_cloud"),
        ("用公有云", "selection.deployment", "public_cloud"),
        ("必须私有化部署", "selection.deployment", "private"),
        ("everything on-prem", "selection.deployment", "private"),
        ("关键结论需要人工审核", "development.hallucination_controls", ["human_review"]),
        ("with a human in the loop", "development.hallucination_controls", ["human_review"]),
        ("理赔要走多步骤审批", "selection.task_complexity", "complex"),
        ("an approval workflow across systems", "selection.task_complexity", "complex"),
        ("提供医疗诊断建议", "development.professional_domain", True),
        ("contract review for lawyers", "development.professional_domain", True),
        ("配网抢修班组", "project.sector", "energy"),
        ("maintenance crews at the substation", "project.sector", "energy"),
        ("商城每周上新", "project.sector", "retail"),
        ("给新品生成营销文案", "selection.task_complexity", "simple"),
        ("write product descriptions", "selection.task_complexity", "simple"),
        ("在多个系统之间来回查询", "selection.task_complexity", "complex"),
        ("it calls multiple systems", "selection.task_complexity", "complex"),
        ("质检要分析客服通话录音", "data.modalities", ["voice"]),
        ("transcribe call recordings", "data.modalities", ["voice"]),
    ],
)
def test_signal_found(text: str, field: str, value: object) -> None:
    assert values(text).get(field) == value


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("不涉及个人信息", "data.personal_data", False),
        ("没有客户信息", "data.personal_data", False),
        ("no personal data at all", "data.personal_data", False),
        ("We do not process any personal data", "data.personal_data", False),
        ("不涉及机密", "data.confidential_data", False),
    ],
)
def test_negated_signal_gives_negated_value(text: str, field: str, value: object) -> None:
    assert values(text)[field] == value


def test_negated_mention_without_negated_value_is_ignored() -> None:
    assert "selection.deployment" not in values("我们不会用公有云")
    assert "development.hallucination_controls" not in values("没有人工审核")
    assert "selection.deployment" not in values("we will not use OpenAI")


def test_negation_is_clause_local_and_not_adjectival() -> None:
    v = values("我们不用公有云，全部私有化部署")
    assert v["selection.deployment"] == "private"
    assert values("回复不及时，客户信息分散")["data.personal_data"] is True
    assert values("不仅有客户信息，还有合同")["data.personal_data"] is True


def test_phone_calls_as_a_pain_point_are_not_voice_data() -> None:
    # "the hotline can't be reached" says nothing about the data the model will read
    assert "data.modalities" not in values("招生季咨询电话打不进来，老师重复回答同样的问题")
    assert "data.modalities" not in values("agents answer 2,000 phone calls a day")


def test_whole_words_only_for_ascii() -> None:
    assert "selection.techniques" not in values("drag and drop")
    assert "project.sector" not in values("bankrupt ideas")  # 'bank' inside a word


def test_list_fields_merge_and_empty_text() -> None:
    assert values("用RAG，之后再微调")["selection.techniques"] == ["rag", "fine_tuning"]
    assert scan("") == {}
    assert scan("   ") == {}
