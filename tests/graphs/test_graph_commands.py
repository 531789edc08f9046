"""Skip, don't know, invalid answers, /back, /revise and /stage, as a user would type them."""

from __future__ import annotations

from collections.abc import Callable

from graph_helpers import BANK_CASE, answer_for, drive

from agent.types import Stage
from graphs.session import CoachSession


def _at(stage: Stage) -> Callable[..., bool]:
    return lambda turn: turn.question is not None and turn.question.stage == stage


def test_skip_and_dont_know_become_open_questions(open_session: Callable[..., CoachSession]) -> None:
    session = open_session()
    q1 = session.current().question
    assert q1 is not None
    turn = session.send("/skip")
    assert turn.question is not None and turn.question.id != q1.id
    assert any(m.kind == "echo" and "跳过" in m.text for m in turn.messages)
    q2 = turn.question
    turn = session.send("不知道")
    assert turn.question is not None and turn.question.id != q2.id
    snap = session.snapshot()
    assert snap.answers[q1.id].status == "skipped" and snap.answers[q2.id].status == "unknown"
    reasons = {o.question_id: o.reason for o in snap.open_questions}
    assert reasons[q1.id] == "skipped" and reasons[q2.id] == "unknown"


def test_invalid_and_empty_answers_ask_again_with_the_error(
    open_session: Callable[..., CoachSession],
) -> None:
    session = open_session()
    _, _ = drive(session, until=lambda t: t.question is not None and t.question.type == "choice")
    q = session.current().question
    assert q is not None
    for bad in ("紫色的大象", "   "):
        turn = session.send(bad)
        assert turn.question is not None and turn.question.id == q.id
        assert [m.kind for m in turn.messages] == ["error"]
    assert q.id not in session.snapshot().answers


def test_back_reasks_the_previous_question_then_returns(open_session: Callable[..., CoachSession]) -> None:
    session = open_session(sector="银行")
    first = session.current().question
    assert first is not None
    second = session.send("城商行信用卡中心").question
    assert second is not None
    turn = session.send("/back")
    assert turn.question is not None and turn.question.id == first.id
    assert "城商行信用卡中心" in turn.question.help, "the current answer is shown"
    turn = session.send("城商行零售银行部")
    assert any("城商行信用卡中心 → 城商行零售银行部" in m.text for m in turn.messages)
    assert turn.question is not None and turn.question.id == second.id, "back to where the user was"
    assert session.snapshot().answers[first.id].raw == "城商行零售银行部"


def test_back_on_the_first_question_says_so(open_session: Callable[..., CoachSession]) -> None:
    session = open_session()
    q = session.current().question
    turn = session.send("/back")
    assert turn.question == q and turn.messages[0].kind == "error"


def test_revise_reevaluates_findings_and_marks_deliverables_stale(
    open_session: Callable[..., CoachSession],
) -> None:
    session = open_session(sector="银行")
    drive(session, BANK_CASE, until=_at(Stage.development))
    frontier = session.current().question
    snap = session.snapshot()
    assert "privacy-sensitive-data-public-cloud" in {f.id for f in snap.findings}

    turn = session.send("/revise sel.deployment")
    assert turn.question is not None and turn.question.id == "sel.deployment"
    turn = session.send("私有化部署")
    texts = [m.text for m in turn.messages]
    assert any("公有云" in t and "→" in t for t in texts), texts
    assert any("已解除" in t and "公有云" in t for t in texts), texts
    stale_note = next(t for t in texts if "交付物" in t)  # stale deliverables are announced…
    assert "《技术架构说明》" in stale_note and "architecture_notes" not in stale_note  # …by title
    after = session.snapshot()
    assert "privacy-sensitive-data-public-cloud" not in {f.id for f in after.findings}
    assert after.profile.selection.deployment == "private"
    assert "architecture_notes" in after.stale_deliverables
    # the interview continues where it was (questions the new answer opens come first)
    assert turn.question is not None
    assert turn.question.stage in (Stage.selection, frontier.stage if frontier else Stage.development)


def test_revise_by_field_path_and_unknown_target(open_session: Callable[..., CoachSession]) -> None:
    session = open_session()
    drive(session, until=_at(Stage.selection))
    turn = session.send("/revise requirements.budget_wan")
    assert turn.question is not None and turn.question.id == "req.budget"
    before = turn.question
    turn = session.send("/revise 不存在的问题")
    assert turn.question == before and turn.messages[0].kind == "error"
    assert "不存在的问题" in turn.messages[0].text


def test_revise_by_the_name_the_coach_quotes(open_session: Callable[..., CoachSession]) -> None:
    session = open_session()
    drive(session, until=_at(Stage.selection))
    # the coach says 已记录「预算」…: that name, with or without the brackets, in either language
    for arg, qid in (
        ("预算", "req.budget"),
        ("「业务痛点」", "req.pain_points"),
        ("pain points", "req.pain_points"),
    ):
        turn = session.send(f"/revise {arg}")
        assert turn.question is not None and turn.question.id == qid, arg
    turn = session.send("/revise")
    assert turn.messages[0].kind == "error" and "名称" in turn.messages[0].text


def test_stage_without_a_name_says_how_to_use_it(open_session: Callable[..., CoachSession]) -> None:
    session = open_session()
    q = session.current().question
    turn = session.send("/stage")
    assert turn.question == q
    (message,) = turn.messages
    assert message.kind == "error" and message.text.startswith("用法：/stage")
    assert "「」" not in message.text and "1–7" in message.text, "was: 未知阶段「」"


def test_stage_jump_with_unmet_criteria_warns_then_records_the_override(
    open_session: Callable[..., CoachSession],
) -> None:
    session = open_session()
    pending = session.current().question
    turn = session.send("/stage testing")
    assert turn.question == pending, "a warning, not a jump"
    assert any("退出标准" in m.text for m in turn.messages)
    assert session.snapshot().overrides == []

    turn = session.send("/stage testing")
    assert turn.question is not None and turn.question.stage == Stage.testing
    (override,) = session.snapshot().overrides
    assert override.stage == Stage.requirements and override.unmet
    # answering in the new stage works, and /stage back to requirements resumes there
    turn = session.send(answer_for(turn.question))
    turn = session.send("/stage 1")
    assert turn.question is not None and turn.question.stage == Stage.requirements


def test_warning_is_dropped_by_any_other_input(open_session: Callable[..., CoachSession]) -> None:
    session = open_session()
    session.send("/stage data")
    turn = session.send("/help")
    assert "/revise" in turn.messages[0].text
    turn = session.send("/stage data")
    assert turn.question is not None and turn.question.stage == Stage.requirements, "warned again"


def test_unknown_stage_and_command(open_session: Callable[..., CoachSession]) -> None:
    session = open_session()
    q = session.current().question
    turn = session.send("/stage 火星")
    assert turn.question == q and "requirements" in turn.messages[0].text
    turn = session.send("/frobnicate")
    assert turn.question == q and turn.messages[0].kind == "error" and "/frobnicate" in turn.messages[0].text


def test_jump_to_a_completed_stage_says_how_to_revise(open_session: Callable[..., CoachSession]) -> None:
    session = open_session()
    drive(session, until=_at(Stage.data))
    q = session.current().question
    turn = session.send("/stage selection")
    assert turn.question == q
    assert "/revise" in turn.messages[0].text and "sel." in turn.messages[0].text


def test_export_clears_stale_deliverables_and_the_interview_goes_on(
    open_session: Callable[..., CoachSession],
) -> None:
    session = open_session(sector="银行")
    drive(session, BANK_CASE, until=_at(Stage.data))
    session.send("/revise sel.deployment")
    turn = session.send("私有化部署")
    assert session.snapshot().stale_deliverables
    session.mark_exported()
    assert session.snapshot().stale_deliverables == []
    assert session.current().question == turn.question
    assert turn.question is not None
    session.send(answer_for(turn.question, BANK_CASE))
    assert turn.question.id in session.snapshot().answers


def test_after_an_export_changes_are_measured_against_it(open_session: Callable[..., CoachSession]) -> None:
    session = open_session(sector="银行")
    drive(session, BANK_CASE, until=_at(Stage.data))
    session.mark_exported()
    session.send("/revise sel.deployment")
    turn = session.send("私有化部署")
    assert "architecture_notes" in session.snapshot().stale_deliverables
    assert any("《技术架构说明》" in m.text for m in turn.messages)
    session.send("/revise sel.deployment")
    session.send("公有云")
    assert "architecture_notes" not in session.snapshot().stale_deliverables, "back to what was exported"
