"""Recommendations follow the adaptation principles and name the project's own answers."""

from __future__ import annotations

import pytest

from agent.answers import build_profile
from agent.recommend import recommend, stage_entry
from agent.types import Stage

from .helpers import answers


def recs(raw: dict[str, str], lang: str = "zh") -> dict:  # type: ignore[type-arg]
    a = answers(raw, lang)  # type: ignore[arg-type]
    return {r.id: r for r in recommend(build_profile(a), lang, answers=a)}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "rec_id", "evidence"),
    [
        # a bank hears of the bank case, an agent for a financial process of the financial assistant
        ({"dat.personal_data": "是", "req.sector": "金融"}, "rec-private-rag", "天津金城银行"),
        ({"sel.task_complexity": "复杂", "req.sector": "金融"}, "rec-agent-framework", "支小助"),
        ({"dev.professional_domain": "是"}, "rec-domain-finetune-grounding", "5%"),
        ({"sel.task_complexity": "简单"}, "rec-small-quantised-model", "6.2"),
        ({"sel.task_complexity": "中等"}, "rec-medium-7b", "7B"),
        ({"tst.latency_target": "300毫秒"}, "rec-cloud-edge", "云边协同"),
        ({"req.ai_experience": "没有"}, "rec-poc-first", "概念验证"),
        ({"req.sector": "政务"}, "rec-value-public-sector", "群众满意度"),
    ],
)
def test_principle_applies_with_case_evidence(raw: dict[str, str], rec_id: str, evidence: str) -> None:
    found = recs(raw)
    assert rec_id in found
    assert evidence in found[rec_id].advice
    assert found[rec_id].citations


@pytest.mark.parametrize(
    ("raw", "rec_id"),
    [
        ({"dat.personal_data": "否", "dat.confidential_data": "否"}, "rec-private-rag"),
        ({"sel.task_complexity": "简单"}, "rec-agent-framework"),
        ({"dev.professional_domain": "否"}, "rec-domain-finetune-grounding"),
        ({"sel.task_complexity": "复杂"}, "rec-small-quantised-model"),
        ({"tst.latency_target": "3秒"}, "rec-cloud-edge"),
    ],
)
def test_principle_does_not_apply(raw: dict[str, str], rec_id: str) -> None:
    assert rec_id not in recs(raw)


def test_reasoning_quotes_free_text_behind_an_inferred_value() -> None:
    raw = {"req.pain_points": "坐席要查大量客户信息"}
    r = recs(raw)["rec-private-rag"]
    assert "坐席要查大量客户信息" in r.reasoning
    en = recs({"req.pain_points": "agents look up customer data all day"}, "en")["rec-private-rag"]
    assert "from your answer 'agents look up customer data all day'" in en.reasoning


def test_stage_entry_for_every_stage_and_phase_advice_first() -> None:
    found = list(recs({}).values())
    assert found[0].id == "phase-next" and found[0].kind == "phase"
    entries = [r for r in found if r.kind == "stage_entry"]
    assert {r.stage for r in entries} == set(Stage)
    profile = build_profile(answers({"req.scenario": "合同审查助手"}))
    entry = stage_entry(Stage.selection, profile, "zh")
    assert entry is not None and "合同审查助手" in entry.reasoning


def test_phase_advice_lists_exit_criteria_and_unmet_first_steps() -> None:
    r = recs({"req.current_phase": "PoC", "req.decision_maker": "否"}, "en")["phase-next"]
    assert "Value validation" in r.title
    assert "✗ A decision-maker takes part in the PoC" in r.advice
    assert "requirements.current_phase" in r.based_on


def test_phase_gaps_when_the_lead_is_ahead_of_the_evidence() -> None:
    r = recs({"req.current_phase": "落地实施"})
    assert "phase-gaps" in r
    assert "决策者" in r["phase-gaps"].advice


def test_reasoning_names_the_answers_that_make_it_apply() -> None:
    # personal data alone makes private+RAG apply: "confidential data = No" is not a reason for it
    rec = recs({"dat.personal_data": "是", "dat.confidential_data": "否", "req.sector": "医疗"})[
        "rec-private-rag"
    ]
    assert "个人信息" in rec.reasoning
    assert "机密" not in rec.reasoning
