"""build_profile: explicit answers first, then signals from free text, deterministically."""

from __future__ import annotations

from agent.answers import build_profile, build_profile_with_provenance

from .helpers import answers

RAW = {
    "req.pain_points": "银行客服高峰排队，涉及客户信息，想用RAG",
    "req.scenario": "坐席检索条款，之后再做微调，并由人工审核结论",
    "dat.personal_data": "没有",
}


def test_insertion_order_does_not_matter() -> None:
    a = answers(RAW)
    reversed_ = dict(reversed(list(a.items())))
    assert build_profile(a) == build_profile(reversed_)


def test_explicit_answer_wins_over_signals_and_lists_merge() -> None:
    profile, prov = build_profile_with_provenance(answers(RAW))
    assert profile.data.personal_data is False  # explicit "没有" beats "客户信息"
    assert profile.project.sector == "finance"
    assert profile.selection.techniques == ["rag", "fine_tuning"]
    assert profile.development.hallucination_controls == ["human_review"]
    assert prov["project.sector"].inferred and prov["project.sector"].record.question_id == "req.pain_points"
    assert not prov["data.personal_data"].inferred


def test_explicit_answer_later_replaces_inference_when_revised() -> None:
    a = answers(RAW)
    a.pop("dat.personal_data")
    assert build_profile(a).data.personal_data is True
    a.update(answers({"sel.techniques": "agent"}))
    assert build_profile(a).selection.techniques == ["agent"]


def test_skipped_and_unknown_leave_the_field_open() -> None:
    profile = build_profile(answers({"sel.deployment": "跳过", "int.rollback": "不知道"}))
    assert profile.selection.deployment is None and profile.integration.rollback_plan is None
