"""One fact, asked once: what an earlier answer implies is offered under its question with the
reason, Enter confirms it, another answer replaces it, and a value never shown stays `inferred`.
The bank never has two questions for one field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from agent.answers import build_profile_with_provenance, implied_value
from agent.inference import load_inferences, params_billion
from agent.interview import step
from agent.interview.builder import apply_changes
from agent.interview.deps import StepDeps
from agent.interview.state import InterviewState
from agent.profile import ProjectInfo
from agent.questions import QUESTIONS_DIR, load_bank
from agent.snapshot import TurnResult

from .helpers import answers


def _profile(raw: dict[str, str]) -> tuple[Any, dict[str, Any]]:
    return build_profile_with_provenance(answers(raw))


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("Qwen2.5-72B-Instruct", 72.0),
        ("Llama-3.1-8B", 8.0),
        ("qwen2.5:7b", 7.0),
        ("DeepSeek-R1-Distill-Qwen-1.5B", 1.5),
        ("DeepSeek-V3", None),  # no size in the name
        ("A100 上跑 GPT-4o", None),  # a GPU and a version are not sizes
        ("Mixtral-8x7B", None),  # a mixture of experts: 7 is not its size
        ("Qwen2.5-7B 或 Qwen2.5-72B", None),  # two candidates: no one size
    ],
)
def test_a_model_name_gives_its_size_only_when_it_states_one(name: str, size: float | None) -> None:
    assert params_billion(name) == size


def test_model_name_implies_size_and_the_source_answer_is_named() -> None:
    profile, prov = _profile({"sel.base_model": "通用", "sel.model_name": "Qwen2.5-72B-Instruct"})
    assert profile.selection.model_size_b == 72
    assert prov["selection.model_size_b"].rule == "model-size-from-name"
    assert prov["selection.model_size_b"].record.question_id == "sel.model_name"


@pytest.mark.parametrize(("deployment", "leaves"), [("私有化", False), ("公有云", True), ("混合", None)])
def test_deployment_implies_whether_data_leaves(deployment: str, leaves: bool | None) -> None:
    profile, _ = _profile({"sel.deployment": deployment})
    assert profile.data.data_leaves_org is leaves


def test_deployment_and_deployment_mode_imply_each_other() -> None:
    assert _profile({"sel.deployment": "私有化"})[0].integration.deployment_mode == "private"
    assert _profile({"int.deployment_mode": "混合"})[0].selection.deployment == "hybrid"


def test_techniques_and_development_approach_imply_each_other() -> None:
    profile, _ = _profile({"sel.techniques": "RAG, Agent, 提示工程"})
    assert profile.development.approach == ["rag", "prompting"]
    assert profile.data.knowledge_base is True  # RAG retrieves from a knowledge base
    assert _profile({"sel.techniques": "Agent"})[0].development.approach is None  # nothing maps
    assert _profile({"dev.approach": "微调"})[0].selection.techniques == ["fine_tuning"]


def test_one_knowledge_base_cadence_implies_the_other() -> None:
    kb = {"dat.knowledge_base": "是"}
    assert _profile({**kb, "dat.kb_cadence": "每周"})[0].operations.kb_update_cadence == "weekly"
    assert _profile({**kb, "ops.kb_cadence": "每月"})[0].data.kb_update_cadence == "monthly"


def test_an_answer_always_wins_over_an_inference() -> None:
    profile, prov = _profile({"sel.deployment": "私有化", "dat.leaves_org": "是"})
    assert profile.data.data_leaves_org is True and prov["data.data_leaves_org"].rule is None
    assert (
        implied_value(answers({"sel.deployment": "私有化", "dat.leaves_org": "是"}), "data.data_leaves_org")
        is None
    )


def test_implied_fields_lists_what_no_answer_gave_with_its_source() -> None:
    from agent.answers import implied_fields

    given = answers({"sel.deployment": "私有化", "int.deployment_mode": "私有化"})
    implied = implied_fields(given)
    assert set(implied) == {"data.data_leaves_org"}  # the mode was answered: not implied
    value, source = implied["data.data_leaves_org"]
    assert value is False and source.question_id == "sel.deployment"


def test_every_inference_reads_and_fills_a_field_a_question_asks() -> None:
    bank = load_bank()
    for inf in load_inferences():
        assert bank.by_field(inf.from_) is not None, inf.id
        assert bank.by_field(inf.to) is not None, inf.id


def test_no_two_questions_of_the_bank_fill_one_field() -> None:
    seen: dict[str, str] = {}
    for path in sorted(Path(QUESTIONS_DIR).glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            assert item["field"] not in seen, (
                f"{item['id']} and {seen.get(item['field'])} fill {item['field']}"
            )
            seen[item["field"]] = item["id"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("selection.deployment", "integration.deployment_mode"),
        ("selection.techniques", "development.approach"),
        ("data.kb_update_cadence", "operations.kb_update_cadence"),
    ],
)
def test_the_facts_the_bank_asks_at_two_stages_are_linked_both_ways(a: str, b: str) -> None:
    links = {(i.from_, i.to) for i in load_inferences()}
    assert (a, b) in links and (b, a) in links


# --- in the interview ------------------------------------------------------------------------


def _send(state: InterviewState, text: str, deps: StepDeps) -> tuple[InterviewState, TurnResult]:
    result = step.apply(state, text, deps)
    return apply_changes(state, result.changes), result


def _walk_to(
    qid: str, given: dict[str, str], lang: str = "zh"
) -> tuple[InterviewState, TurnResult, StepDeps]:
    deps = StepDeps(bank=load_bank())
    state = InterviewState(project=ProjectInfo(name="推断"), lang=lang)  # type: ignore[arg-type]
    result = step.start(state, deps)
    state = apply_changes(state, result.changes)
    for _ in range(90):
        q = result.question
        assert q is not None
        if q.id == qid:
            return state, result, deps
        text = given.get(q.id, "" if q.suggested else {"text": "客服", "number": "10"}.get(q.type, "1"))
        state, result = _send(state, text, deps)
    raise AssertionError(f"{qid} never asked")


def test_the_inferred_value_is_shown_with_the_answer_it_came_from_and_enter_confirms_it() -> None:
    state, turn, deps = _walk_to("dat.leaves_org", {"sel.deployment": "私有化部署"})
    q = turn.question
    assert q is not None and q.suggested == "否"
    first = q.help.splitlines()[0]
    assert first.startswith("根据您之前的回答（部署方式：私有化部署），推断：") and "否" in first
    assert "回车确认" in first  # 是 is an answer of its own here: Enter confirms
    state, result = _send(state, "", deps)
    rec = state.answers["dat.leaves_org"]
    assert (rec.value, rec.source) == (False, "confirmed")
    assert any("已确认" in m.text for m in result.messages)


def test_typing_another_answer_records_that_answer() -> None:
    state, _, deps = _walk_to("dat.leaves_org", {"sel.deployment": "私有化部署"})
    state, _ = _send(state, "是", deps)
    rec = state.answers["dat.leaves_org"]
    assert (rec.value, rec.source) == (True, "user")


def test_the_model_size_is_offered_from_the_model_name_in_english() -> None:
    _, turn, _ = _walk_to("sel.model_size", {"sel.base_model": "1", "sel.model_name": "Qwen2.5-72B"}, "en")
    q = turn.question
    assert q is not None and q.suggested is not None and q.suggested.startswith("72")
    assert q.help.splitlines()[0].startswith("From your earlier answer (")
