"""An answer read with uncertainty is asked back, never recorded as a guess: `apply()` shows the
reading and the candidates as numbered choices; the user's pick is recorded as `confirmed` with
the words they typed; anything else typed instead is read as a new answer."""

from __future__ import annotations

from agent.interview import step
from agent.interview.builder import apply_changes
from agent.interview.deps import StepDeps
from agent.interview.state import InterviewState
from agent.profile import ProjectInfo
from agent.questions import load_bank
from agent.snapshot import TurnResult
from agent.types import Lang


def _at(qid: str, lang: Lang = "zh") -> tuple[InterviewState, StepDeps]:
    deps = StepDeps(bank=load_bank())
    state = InterviewState(project=ProjectInfo(name="读数"), lang=lang)
    state = apply_changes(state, step.start(state, deps).changes)
    q = deps.bank.get(qid)
    return apply_changes(state, {"question_id": qid, "stage": q.stage}), deps


def _send(state: InterviewState, text: str, deps: StepDeps) -> tuple[InterviewState, TurnResult]:
    result = step.apply(state, text, deps)
    return apply_changes(state, result.changes), result


def _said(result: TurnResult) -> str:
    return "\n".join(m.text for m in result.messages)


def test_a_spoken_range_is_asked_back_with_numbered_candidates_and_nothing_recorded() -> None:
    state, deps = _at("req.budget")
    after, result = _send(state, "两三百万", deps)
    assert "req.budget" not in after.answers
    assert "我不确定“两三百万”的意思" in _said(result) and "1) 200 万元" in _said(result)
    assert result.question is not None and result.question.id == "req.budget"
    assert result.question.type == "choice" and result.question.text == "您说的“两三百万”是指哪一个？"
    assert [label for _, label in result.question.options] == ["200 万元", "300 万元"]
    assert "未确认前不会记录" in result.question.help


def test_the_pick_is_recorded_as_confirmed_with_the_users_words() -> None:
    state, deps = _at("req.budget")
    state, _ = _send(state, "两三百万", deps)
    after, result = _send(state, "2", deps)
    rec = after.answers["req.budget"]
    assert (rec.value, rec.source, rec.raw) == (300, "confirmed", "两三百万")
    assert "已确认「预算」：300 万元" in _said(result)
    assert after.reading is None and after.question_id != "req.budget"


def test_a_new_answer_instead_of_a_pick_is_read_afresh() -> None:
    state, deps = _at("int.scale_users")
    state, first = _send(state, "先试点50人，明年推广到全省5000人", deps)
    assert "1) 50 用户、2) 5000 用户" in _said(first)
    after, _ = _send(state, "全省5000人", deps)
    rec = after.answers["int.scale_users"]
    assert (rec.value, rec.source) == (5000, "user")
    assert after.reading is None


def test_a_single_candidate_is_confirmed_with_yes_in_english() -> None:
    state, deps = _at("int.scale_users", "en")
    state, first = _send(state, "a population of 1.2M residents", deps)
    assert "Did you mean 1200000 users?" in _said(first)
    after, _ = _send(state, "yes", deps)
    assert after.answers["int.scale_users"].value == 1_200_000
    assert after.answers["int.scale_users"].source == "confirmed"


def test_a_command_drops_the_pending_reading() -> None:
    state, deps = _at("req.budget")
    state, _ = _send(state, "两三百万", deps)
    after, _ = _send(state, "/skip", deps)
    assert after.reading is None and after.answers["req.budget"].status == "skipped"


def test_a_clear_number_is_recorded_at_once() -> None:
    state, deps = _at("int.scale_users")
    after, result = _send(state, "全省一线运维人员约3000人", deps)
    assert after.answers["int.scale_users"].value == 3000
    assert "我不确定" not in _said(result)


def test_report_answers_carry_the_words_and_the_source() -> None:
    from agent.deliverables.report import answers

    state, deps = _at("req.budget")
    state, _ = _send(state, "两三百万", deps)
    _, result = _send(state, "1", deps)
    assert result.snapshot is not None
    assert answers(result.snapshot)["requirements.budget_wan"] == {
        "value": 200,
        "text": "两三百万",
        "source": "confirmed",
    }
