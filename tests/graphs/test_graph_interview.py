"""A full guided interview through all seven stages on the real SQLite checkpointer."""

from __future__ import annotations

from collections.abc import Callable

from graph_helpers import BANK_CASE, drive

from agent.types import STAGE_TITLES, STAGES, Stage
from graphs.session import CoachSession, list_projects, run_answers


def test_full_guided_interview_visits_every_stage_and_coaches(
    open_session: Callable[..., CoachSession],
) -> None:
    session = open_session("城商行智能客服", sector="银行")
    first = session.current()
    assert first.question is not None and first.stage == Stage.requirements
    assert first.question.id != "req.sector", "the sector given at open answers the sector question"
    assert any("欢迎" in m.text for m in first.messages)

    last, turns = drive(session, BANK_CASE)

    assert last.done and last.question is None
    messages = [m for t in turns for m in t.messages]
    headers = [m.text for m in messages if m.kind == "notice" and m.text.startswith("**阶段")]
    assert [h.split("：", 1)[1].rstrip("*") for h in headers] == [STAGE_TITLES[s]["zh"] for s in STAGES]
    stages_asked = [t.question.stage for t in turns if t.question is not None]
    assert sorted(set(stages_asked), key=STAGES.index) == list(STAGES)
    assert stages_asked == sorted(stages_asked, key=STAGES.index), "stages come in order"

    # coaching: cited advice, and the pitfall this bank walks into, flagged when it appears
    assert any(m.kind == "advice" and m.citations for m in messages)
    flagged = [m for m in messages if m.kind == "finding" and "公有云" in m.text]
    assert flagged and flagged[0].citations
    assert any(m.kind == "summary" for m in last.messages)

    snap = session.snapshot()
    assert snap.done and snap.mode == "guided"
    assert {f.id for f in snap.findings} >= {"privacy-sensitive-data-public-cloud", "poc-no-decision-maker"}
    assert snap.profile.project.sector == "finance"
    assert snap.profile.selection.deployment == "public_cloud"
    assert set(snap.readiness) == set(STAGES)
    assert all(rec.status == "answered" for rec in snap.answers.values())

    (row,) = list_projects()
    assert (
        row.name == "城商行智能客服" and row.done and row.readiness == round(sum(snap.readiness.values()) / 7)
    )


def test_guided_mode_is_deterministic(open_session: Callable[..., CoachSession]) -> None:
    snaps = []
    for name in ("甲", "乙"):
        session = open_session(name, sector="银行")
        drive(session, BANK_CASE)
        snaps.append(session.snapshot())
    a, b = snaps
    assert a.profile.model_dump(exclude={"project": {"name"}}) == b.profile.model_dump(
        exclude={"project": {"name"}}
    )
    assert [f.model_dump() for f in a.findings] == [f.model_dump() for f in b.findings]
    assert a.readiness == b.readiness


def test_resumed_session_keeps_language_and_answers(open_session: Callable[..., CoachSession]) -> None:
    session = open_session("English project", lang="en")
    turn = session.current()
    assert turn.question is not None and turn.question.text.isascii()
    session.send("Acme Bank")
    session.close()
    again = CoachSession.open("English project", lang="zh", create=False)
    try:
        assert again.snapshot().lang == "en"
        assert again.snapshot().answers["req.organisation"].raw == "Acme Bank"
        assert again.current().question is not None and again.current().question.text.isascii()  # type: ignore[union-attr]
    finally:
        again.close()


def test_run_answers_drives_the_same_graph_and_lists_the_gaps() -> None:
    from agent.questions import load_bank
    from agent.snapshot import AnswerRecord

    bank = load_bank()
    sector, deploy = bank.get("req.sector"), bank.get("sel.deployment")
    answers = {
        "req.sector": AnswerRecord(
            question_id=sector.id, stage=sector.stage, field=sector.field, raw="银行", value="finance"
        ),
        "sel.deployment": AnswerRecord(
            question_id=deploy.id, stage=deploy.stage, field=deploy.field, raw="公有云", value="public_cloud"
        ),
    }
    snap = run_answers("脚本项目", answers, lang="zh")
    assert snap.done
    assert snap.answers["req.sector"].source == "file" and snap.profile.project.sector == "finance"
    assert snap.profile.selection.deployment == "public_cloud"
    missing = [r for r in snap.answers.values() if r.question_id not in answers and r.source != "inferred"]
    assert missing and all(r.status == "unknown" for r in missing)
    # what the public-cloud answer implies is recorded as inferred, not asked and not open
    implied = {r.field: r.value for r in snap.answers.values() if r.source == "inferred"}
    assert implied == {"data.data_leaves_org": True, "integration.deployment_mode": "public_cloud"}
    assert not {"dat.leaves_org", "int.deployment_mode"} & {q.question_id for q in snap.open_questions}
    assert {q.question_id for q in snap.open_questions} >= {r.question_id for r in missing}
    assert list_projects() == [], "a scripted run saves no session"
