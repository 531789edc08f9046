"""A value inferred from an earlier answer is offered when its own question comes: the question is
still asked (the inference may be wrong), Enter or a confirmation word records the inferred value,
and any other answer overrides it. Scripted runs never fill a question from an inference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fakes import ScriptedChatModel, field_of
from graph_helpers import drive
from langchain_core.messages import BaseMessage

from agent.snapshot import Turn
from graphs.session import CoachSession, run_answers

BANK_ORG = "星河银行信用卡中心"
FINANCE_ZH = "金融（银行、证券、保险）"
NO_PERSONAL = "客服查询账单，不涉及个人信息"


def _at(qid: str) -> Callable[[Turn], bool]:
    return lambda turn: turn.question is not None and turn.question.id == qid


def _sector_after_bank(session: CoachSession) -> Turn:
    assert session.current().question.id == "req.organisation"  # type: ignore[union-attr]
    turn = session.send(BANK_ORG)
    assert any("行业=金融" in m.text for m in turn.messages), "the inference is announced"
    assert turn.question is not None and turn.question.id == "req.sector", "and the question still asked"
    return turn


def test_inferred_sector_is_suggested_and_enter_confirms_it(
    open_session: Callable[..., CoachSession],
) -> None:
    session = open_session()
    turn = _sector_after_bank(session)
    q = turn.question
    assert q is not None and q.suggested == FINANCE_ZH
    assert f"推测：{FINANCE_ZH}——回车或输入「是」确认，也可另选。" in q.help
    assert "行业决定了" in q.help, "the question's own help stays"
    assert q.help.startswith("推测"), "first: a front may show only the first lines of a long help"

    turn = session.send("")

    assert turn.question is not None and turn.question.id == "req.pain_points"
    assert next(m.text for m in turn.messages if m.kind == "echo") == f"已确认「行业」：{FINANCE_ZH}"
    rec = session.snapshot().answers["req.sector"]
    assert (rec.status, rec.value, rec.source, rec.raw) == ("answered", "finance", "confirmed", "")
    assert "req.sector" not in {o.question_id for o in session.snapshot().open_questions}
    # a resumed project replays the question and the value confirmed
    said = [(m.kind, m.text) for m in session.transcript()][-3:]
    assert said == [
        ("question", "你们所在的行业是？"),
        ("user", FINANCE_ZH),
        ("echo", f"已确认「行业」：{FINANCE_ZH}"),
    ]


def test_a_confirmation_word_confirms_and_another_choice_overrides(
    open_session: Callable[..., CoachSession],
) -> None:
    session = open_session("甲")
    _sector_after_bank(session)
    session.send("是")
    rec = session.snapshot().answers["req.sector"]
    assert (rec.value, rec.source, rec.raw) == ("finance", "confirmed", "是")

    other = open_session("乙")
    _sector_after_bank(other)
    turn = other.send("政务")
    assert any("已记录「行业」：政务" in m.text for m in turn.messages)
    snap = other.snapshot()
    assert (snap.answers["req.sector"].value, snap.answers["req.sector"].source) == ("government", "user")
    assert snap.profile.project.sector == "government", "the answer beats the inference"


def test_english_session_offers_the_suggestion_in_english(open_session: Callable[..., CoachSession]) -> None:
    session = open_session("Star", lang="en")
    turn = session.send("Star Bank credit card centre")
    q = turn.question
    assert q is not None and q.id == "req.sector"
    assert q.suggested == "Finance (banking, securities, insurance)"
    assert (
        "Inferred: Finance (banking, securities, insurance) — Enter or “yes” confirms, "
        "or choose another." in q.help
    )
    turn = session.send("yes")
    assert any(m.text.startswith("Confirmed Sector: Finance") for m in turn.messages)
    assert session.snapshot().answers["req.sector"].source == "confirmed"


def test_no_suggestion_means_empty_input_is_still_an_error(
    open_session: Callable[..., CoachSession],
) -> None:
    session = open_session()
    turn = session.send("某某单位")  # nothing to infer a sector from
    assert turn.question is not None and turn.question.id == "req.sector"
    assert turn.question.suggested is None and "推测" not in turn.question.help
    turn = session.send("")
    assert [m.kind for m in turn.messages] == ["error"] and "请输入回答" in turn.messages[0].text
    assert turn.question is not None and turn.question.id == "req.sector"
    assert "req.sector" not in session.snapshot().answers
    turn = session.send("是")  # not a sector, and nothing to confirm
    assert turn.messages[0].kind == "error" and "req.sector" not in session.snapshot().answers


def test_yes_no_question_keeps_yes_and_no_and_enter_confirms(
    open_session: Callable[..., CoachSession],
) -> None:
    overrides = {"req.pain_points": NO_PERSONAL}
    sessions = {}
    for typed in ("", "是"):
        session = open_session(f"数据{typed or 'enter'}")
        last, _ = drive(session, overrides, until=_at("dat.personal_data"))
        q = last.question
        assert q is not None and q.suggested == "否"
        assert "推测：否——回车确认，也可另选。" in q.help, "是 would be an answer here"
        session.send(typed)
        sessions[typed] = session.snapshot().answers["dat.personal_data"]
    assert (sessions[""].value, sessions[""].source) == (False, "confirmed")
    assert (sessions["是"].value, sessions["是"].source) == (True, "user"), "是 still means yes"


def test_a_value_the_model_inferred_is_suggested_too(open_session: Callable[..., CoachSession]) -> None:
    def respond(messages: list[BaseMessage], kwargs: dict[str, Any]) -> Any:
        field = field_of(messages)
        if field == "requirements.pain_points":
            return {
                "understood": "坐席压力大",
                "requirements__target_users": "internal",
                "follow_up": "多少坐席？",
            }
        return {"understood": f"已理解 {field}"} if field else "草稿段落 [1]。"

    session = open_session(model=ScriptedChatModel(responder=respond))
    drive(session, until=_at("req.pain_points"))
    turn = session.send("坐席每天接两千通电话，压力很大")
    assert turn.question is not None and turn.question.id == "req.pain_points#follow-up"
    assert turn.question.suggested is None, "a follow-up has nothing to confirm"
    turn = session.send("/skip")
    last, _ = drive(session, until=_at("req.target_users"))
    assert last.question is not None and last.question.suggested == "内部员工"
    session.send("")
    rec = session.snapshot().answers["req.target_users"]
    assert (rec.value, rec.source) == ("internal", "confirmed")


def test_scripted_run_never_fills_a_question_from_an_inference() -> None:
    from agent.questions import load_bank
    from agent.snapshot import AnswerRecord

    org = load_bank().get("req.organisation")
    answers = {
        org.id: AnswerRecord(
            question_id=org.id,
            stage=org.stage,
            field=org.field,
            raw=BANK_ORG,
            value=BANK_ORG,
            inferred={"project.sector": "finance"},
        )
    }
    snap = run_answers("脚本", answers)
    rec = snap.answers["req.sector"]
    assert (rec.status, rec.source, rec.value) == ("unknown", "file", None), "absent stays absent"
    assert "req.sector" in {o.question_id for o in snap.open_questions}
