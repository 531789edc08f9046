"""The one domain step, without LangGraph or a front end: `apply(state, input, deps)` with fakes
for the model's reading and the answerer of the user's questions."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from typing import Any

import pytest

import agent.interview.coaching
import agent.interview.reading
from agent.interview import step
from agent.interview.builder import apply_changes
from agent.interview.deps import StepDeps
from agent.interview.reading import Outcome
from agent.interview.state import InterviewState
from agent.profile import Profile, ProjectInfo
from agent.questions import Question, load_bank
from agent.snapshot import CoachMessage, TurnResult
from agent.types import Lang, Stage


def _started(lang: Lang = "zh", **deps: Any) -> tuple[InterviewState, StepDeps]:
    d = StepDeps(bank=load_bank(), **deps)
    state = InterviewState(project=ProjectInfo(name="单元"), lang=lang)
    return apply_changes(state, step.start(state, d).changes), d


def _send(state: InterviewState, text: str, deps: StepDeps) -> tuple[InterviewState, TurnResult]:
    result = step.apply(state, text, deps)
    return apply_changes(state, result.changes), result


def _to(state: InterviewState, deps: StepDeps, qid: str) -> InterviewState:
    """Answer organisation with text and the rest with "1" until `qid` is asked."""
    for _ in range(40):
        if state.question_id == qid:
            return state
        state, _ = _send(
            state, "某城市商业银行信用卡中心" if state.question_id == "req.organisation" else "1", deps
        )
    raise AssertionError(f"{qid} never asked")


def test_one_answer_costs_one_evaluation_and_one_value_label_conversion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state, deps = _started()
    state = _to(state, deps, "req.sector")
    q = deps.bank.get("req.sector")
    evaluations: list[int] = []
    parses: list[str] = []
    labels: Counter[str] = Counter()
    real_evaluate = agent.interview.coaching.evaluate_project
    real_parse = agent.interview.reading.parse_answer
    real_label = Question.value_label

    def counted_evaluate(**kwargs: Any) -> Any:
        evaluations.append(1)
        try:
            return real_evaluate(**kwargs)
        finally:
            evaluations.append(0)

    def counted_parse(question: Question, raw: str, lang: Lang = "zh") -> Any:
        parses.append(question.id)
        return real_parse(question, raw, lang)

    def counted_label(self: Question, value: Any, lang: Lang) -> str:
        if len(evaluations) % 2 == 0:  # not inside the evaluation (advice quotes answers by label)
            labels[self.id] += 1
        return real_label(self, value, lang)

    monkeypatch.setattr(agent.interview.coaching, "evaluate_project", counted_evaluate)
    monkeypatch.setattr(agent.interview.reading, "parse_answer", counted_parse)
    monkeypatch.setattr(Question, "value_label", counted_label)
    after, result = _send(state, "1", deps)

    assert after.answers["req.sector"].value == q.options[0].value
    assert evaluations == [1, 0], "one evaluation: the turn's reply, the next question and the panels"
    assert parses == ["req.sector"], "the option is resolved once, by the parser"
    assert labels["req.sector"] == 1, "the value becomes its label once (the echo; the transcript reuses it)"
    label = q.options[0].zh
    assert any(label in m.text for m in result.messages if m.kind == "echo")
    assert [m.text for m in result.changes["transcript"] if m.kind == "user"] == [label]
    assert result.said == label
    # the result carries what a front shows: the next question and the evaluation it came from
    assert result.question is not None and result.question.id == after.question_id != "req.sector"
    assert result.snapshot is not None and result.snapshot.answers["req.sector"].value == q.options[0].value


def test_an_answer_that_ends_a_stage_still_costs_one_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    state, deps = _started()
    for _ in range(60):  # to the last question of requirements
        result = step.apply(state, "1", deps)
        nxt = apply_changes(state, result.changes)
        if nxt.stage != Stage.requirements:
            break
        state = nxt
    else:
        raise AssertionError("requirements never ended")
    calls: list[int] = []
    real = agent.interview.coaching.evaluate_project
    monkeypatch.setattr(
        agent.interview.coaching, "evaluate_project", lambda **kw: calls.append(1) or real(**kw)
    )
    result = step.apply(state, "1", deps)
    assert result.stage == Stage.selection
    assert any("2/7" in m.text for m in result.messages), "the next stage was entered"
    assert len(calls) == 1


def test_the_step_does_not_change_the_state_it_was_given() -> None:
    state, deps = _started()
    before = repr(state)
    result = step.apply(state, "某城市商业银行信用卡中心", deps)
    assert repr(state) == before
    assert result.changes["answers"]["req.organisation"].raw == "某城市商业银行信用卡中心"


def test_the_step_loads_neither_langgraph_nor_textual() -> None:
    code = "import sys, agent.interview.step; print(sorted({m.split('.')[0] for m in sys.modules}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "'agent'" in out
    assert "'langgraph'" not in out and "'textual'" not in out and "'graphs'" not in out


@pytest.mark.parametrize("text", ["/ask 什么是RAG？", "/问 什么是RAG？", "/提问 什么是RAG？", "什么是RAG？"])
def test_the_users_own_question_goes_to_the_injected_answerer_and_the_question_stays(text: str) -> None:
    asked: list[tuple[str, Stage]] = []

    def ask(query: str, lang: Lang, stage: Stage) -> tuple[list[CoachMessage], str | None]:
        asked.append((query, stage))
        return [CoachMessage(kind="answer", text="RAG 是检索增强生成。")], None

    state, deps = _started(ask=ask)
    after, result = _send(state, text, deps)
    assert asked == [("什么是RAG？", Stage.requirements)]
    assert [m.text for m in result.messages] == ["RAG 是检索增强生成。"]
    assert after.question_id == state.question_id and after.answers == state.answers


def test_an_injected_model_reading_fills_other_fields_of_a_free_text_answer() -> None:
    from agent.config import Settings
    from agent.snapshot import Usage
    from graphs.model_calls import ModelHelper

    seen: list[str] = []

    def extract(q: Question, text: str, lang: Lang, profile: Profile, base: Outcome, **kw: Any) -> Outcome:
        seen.append(q.id)
        assert base.record is not None
        rec = base.record.model_copy(update={"inferred": {"project.sector": "finance"}, "source": "llm"})
        return Outcome(record=rec, understood="一家银行")

    helper = ModelHelper(model=object(), settings=Settings(), usage=Usage())  # type: ignore[arg-type]
    state, deps = _started(helper=helper, extract=extract)
    after, result = _send(state, "某城市商业银行信用卡中心", deps)
    assert seen == ["req.organisation"]
    assert after.answers["req.organisation"].inferred == {"project.sector": "finance"}
    assert any("一家银行" in m.text for m in result.messages)


@pytest.mark.parametrize(("text", "lang"), [("/跳过", "zh"), ("/skip", "en"), ("／skip", "zh")])
def test_skip_in_either_language_records_an_open_question(text: str, lang: Lang) -> None:
    state, deps = _started(lang)
    qid = state.question_id
    after, result = _send(state, text, deps)
    assert qid is not None and after.answers[qid].status == "skipped"
    assert after.question_id != qid and result.question is not None


@pytest.mark.parametrize(
    ("text", "action"),
    [("/导出", "export"), ("/export", "export"), ("/来源", "sources"), ("/lang", "lang"), ("/帮助", "help")],
)
def test_a_front_end_command_comes_back_as_the_turns_action_and_changes_no_answer(
    text: str, action: str
) -> None:
    state, deps = _started()
    after, result = _send(state, text, deps)
    assert result.action == action
    assert after.answers == state.answers and after.question_id == state.question_id
