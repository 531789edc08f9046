"""Answers that cannot both be true: each check fires on the contradiction and not on its near
miss; the interview asks which holds right after the answer that creates one and records the
choice; report.json lists the rest, and documents state each once and neither side as a fact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.consistency import find_conflicts, load_checks
from agent.deliverables.export import export_deliverables
from agent.evaluate import evaluate_project
from agent.interview import step
from agent.interview.builder import apply_changes
from agent.interview.deps import StepDeps
from agent.interview.state import InterviewState
from agent.profile import ProjectInfo
from agent.questions import load_bank
from agent.snapshot import TurnResult

from .helpers import answers


def _ids(raw: dict[str, str], lang: str = "zh") -> list[str]:
    return [c.id for c in find_conflicts(answers(raw, lang), lang)]  # type: ignore[arg-type]


MONITORING = {"int.monitoring": "否", "ops.monitoring_metrics": "准确率, 延迟"}
NO_KB = {"dat.knowledge_base": "否", "ops.kb_cadence": "每周"}
CLOUD = {"sel.deployment": "公有云", "dat.leaves_org": "否"}
COST = {"sel.has_cost_estimate": "否", "sel.cost_estimate": "80万"}


@pytest.mark.parametrize(
    ("raw", "check", "near_miss"),
    [
        (MONITORING, "monitoring-off-but-metrics", {**MONITORING, "ops.monitoring_metrics": "无"}),
        (MONITORING, "monitoring-off-but-metrics", {**MONITORING, "int.monitoring": "是"}),
        (NO_KB, "no-knowledge-base-but-cadence", {**NO_KB, "ops.kb_cadence": "没有计划"}),
        (NO_KB, "no-knowledge-base-but-cadence", {**NO_KB, "dat.knowledge_base": "是"}),
        (CLOUD, "public-cloud-but-data-stays", {**CLOUD, "sel.deployment": "私有化"}),
        (CLOUD, "public-cloud-but-data-stays", {**CLOUD, "dat.leaves_org": "是"}),
        (CLOUD, "public-cloud-but-data-stays", {"sel.deployment": "公有云"}),  # an inference is no side
        (COST, "no-cost-estimate-but-figure", {**COST, "sel.has_cost_estimate": "是"}),
        (COST, "no-cost-estimate-but-figure", {"sel.has_cost_estimate": "否"}),
    ],
)
def test_each_check_fires_on_the_contradiction_and_not_on_its_near_miss(
    raw: dict[str, str], check: str, near_miss: dict[str, str]
) -> None:
    assert check in _ids(raw)
    assert check not in _ids(near_miss)


@pytest.mark.parametrize(
    ("text", "lang", "fires"),
    [
        ("是的，但还没定", "zh", True),
        ("有，不过人选待定", "zh", True),
        ("yes, but not decided yet", "en", True),
        ("是的，已经定了", "zh", False),
        ("是，分管副总经理会参加", "zh", False),
        ("否，还没定", "zh", False),  # says no twice: nothing taken back
    ],
)
def test_a_yes_the_users_own_words_take_back(text: str, lang: str, fires: bool) -> None:
    found = _ids({"req.decision_maker": text}, lang)
    assert ("yes-taken-back:req.decision_maker" in found) is fires


def test_a_conflict_names_both_answers_and_the_readings_to_choose_from() -> None:
    (c,) = find_conflicts(answers(CLOUD))
    assert c.fields == ["selection.deployment", "data.data_leaves_org"]
    assert c.values == {"selection.deployment": "公有云 / API 服务", "data.data_leaves_org": "否"}
    assert "公有云" in c.message and len(c.readings) == 2


def test_every_check_has_both_languages() -> None:
    for check in load_checks():
        assert check.message.get("zh") and check.message.get("en"), check.id
        assert all(r.text.get("zh") and r.text.get("en") for r in check.readings), check.id


# --- in the interview ------------------------------------------------------------------------


def _send(state: InterviewState, text: str, deps: StepDeps) -> tuple[InterviewState, TurnResult]:
    result = step.apply(state, text, deps)
    return apply_changes(state, result.changes), result


def _walk(given: dict[str, str], stop: str) -> tuple[InterviewState, TurnResult, StepDeps]:
    """Answer (given answers, else a default) until `stop` is the question shown."""
    deps = StepDeps(bank=load_bank())
    state = InterviewState(project=ProjectInfo(name="矛盾"), lang="zh")
    result = step.start(state, deps)
    state = apply_changes(state, result.changes)
    for _ in range(90):
        q = result.question
        assert q is not None
        if q.id == stop:
            return state, result, deps
        text = given.get(q.id, "" if q.suggested else {"text": "客服", "number": "10"}.get(q.type, "1"))
        state, result = _send(state, text, deps)
    raise AssertionError(f"{stop} never shown")


def test_the_coach_asks_which_holds_right_after_the_answer_and_records_the_choice() -> None:
    state, result, deps = _walk({"sel.deployment": "公有云"}, "dat.leaves_org")
    state, result = _send(state, "否", deps)
    q = result.question
    assert q is not None and q.id == "conflict:public-cloud-but-data-stays"
    assert "以哪一种为准" in q.text and [label for _, label in q.options] == [
        "公有云部署，数据会发送到组织外部",
        "数据不出组织，部署方式改为私有化",
    ]
    assert any("矛盾" in m.text for m in result.messages)
    number = q.number
    assert number > 1 and q.planned >= number  # the interview's progress stays on screen
    state, result = _send(state, "2", deps)
    assert result.question is not None and result.question.number == number  # same place
    assert state.answers["sel.deployment"].value == "private"
    assert "公有云" in state.answers["sel.deployment"].raw  # the user's own words stay
    assert result.snapshot is not None and result.snapshot.conflicts == []
    assert result.question is not None and result.question.id == "dat.preparation"  # where it was


def test_a_yes_taken_back_is_asked_and_can_be_kept_as_given() -> None:
    state, result, deps = _walk({}, "req.decision_maker")
    state, result = _send(state, "是的，但还没定", deps)
    assert result.question is not None and result.question.id.startswith("conflict:yes-taken-back")
    state, result = _send(state, "1", deps)  # it is settled: kept, and not asked again
    assert state.answers["req.decision_maker"].value is True
    assert result.snapshot is not None and result.snapshot.conflicts == []
    assert result.question is not None and result.question.id == "req.budget"


def test_an_unreadable_choice_is_asked_again_and_skip_leaves_the_conflict_open() -> None:
    state, result, deps = _walk({"sel.deployment": "公有云"}, "dat.leaves_org")
    state, result = _send(state, "否", deps)
    state, again = _send(state, "都不对", deps)
    assert again.messages[0].kind == "error" and again.question == result.question
    state, result = _send(state, "/skip", deps)
    assert state.pending_conflict is None
    assert result.question is not None and result.question.id == "dat.preparation"
    assert result.snapshot is not None
    assert [c.id for c in result.snapshot.conflicts] == ["public-cloud-but-data-stays"]


def test_a_revision_that_creates_a_conflict_is_asked_about() -> None:
    state, result, deps = _walk(
        {"dat.knowledge_base": "是", "dat.kb_cadence": "每周"}, "dat.governance_owner"
    )
    state, result = _send(state, "/revise dat.knowledge_base", deps)
    state, result = _send(state, "否", deps)
    assert result.question is not None and result.question.id == "conflict:no-knowledge-base-but-cadence"
    state, result = _send(state, "会建知识库", deps)  # the reading's own words pick it too
    assert state.answers["dat.knowledge_base"].value is True


# --- scripted: report and documents ----------------------------------------------------------


def test_report_lists_conflicts_and_documents_state_them_once_never_as_facts(tmp_path: Path) -> None:
    raw = {**CLOUD, "req.sector": "零售", "int.deployment_mode": "公有云", "dat.personal_data": "是"}
    snapshot = evaluate_project(name="矛盾", answers=answers(raw))
    out = tmp_path / "out"
    export_deliverables(snapshot, out, formats=["md"], lang="zh")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    (conflict,) = report["conflicts"]
    assert conflict["fields"] == [
        "selection.deployment",
        "integration.deployment_mode",
        "data.data_leaves_org",
    ]
    assert conflict["values"]["data.data_leaves_org"] == "否" and "公有云" in conflict["message"]
    arch = next(e for e in report["deliverables"] if e["id"] == "architecture_notes")
    md = (out / arch["files"][0]).read_text(encoding="utf-8")
    assert md.count("## 待解决的矛盾") == 1 and md.count(conflict["message"]) == 1
    facts = md.split("## 本文依据的回答", 1)[1]
    assert "selection.deployment" not in facts and "data.data_leaves_org" not in facts
    assert "回答相互矛盾，待确认" in md.split("## 待确认问题", 1)[1]
    en = evaluate_project(name="conflict", lang="en", answers=answers(raw))
    assert en.conflicts[0].message.startswith("You chose a public-cloud deployment")
