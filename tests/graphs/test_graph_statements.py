"""What the coach says in the chat and the findings panel keeps the three kinds of statement apart:
what the sources say, the coach's own recommendation, and a case's reported figure."""

from __future__ import annotations

import re

from agent.interview.coaching import advice_message, finding_message
from agent.recommend import recommend
from agent.rules import evaluate_rules
from agent.types import Finding
from tests.agent.helpers import answers

LIGHTWEIGHT = {"sel.deployment": "私有化", "dev.optimisation": "不做", "sel.model_size": "72B"}


def _finding(lang: str) -> Finding:
    found = {f.id: f for f in evaluate_rules(None, answers(LIGHTWEIGHT, lang), lang)}  # type: ignore[arg-type]
    return found["cost-no-light-weighting"]


def test_a_finding_in_the_chat_labels_each_kind_and_numbers_each_statement_into_its_source_line() -> None:
    f = _finding("zh")
    msg = finding_message(f, "zh")
    assert "**资料所述**：平衡成本与性能的办法之一是采用量化、剪裁等轻量化技术。[1]" in msg.text
    assert "**案例报告数据**：据案例汇总，言犀大模型" in msg.text and "成本降低 90%。[2]" in msg.text
    assert "**教练建议**：你们自行部署模型" in msg.text
    assert [c.passage_id for c in msg.citations] == ["pitfall-cost", "pitfall-cost-case"]
    # the coach's own sentence cites nothing: no marker follows it
    assert not re.search(r"确认精度损失可以接受。\[\d\]", msg.text)


def test_an_english_finding_uses_the_english_labels() -> None:
    msg = finding_message(_finding("en"), "en")
    assert (
        "**The sources say**: " in msg.text
        and "**Reported figure**: According to the case synthesis" in msg.text
    )
    assert "**Coach's recommendation**: " in msg.text and "资料所述" not in msg.text


def test_advice_numbers_every_statement_into_the_merged_source_line() -> None:
    recs = [r for r in recommend(build_profile_simple(), "zh") if r.id == "rec-small-quantised-model"]
    msg = advice_message(recs, "zh")
    assert msg is not None
    ids = [c.passage_id for c in msg.citations]
    figure = ids.index("pitfall-cost-case") + 1
    assert f"不是对你们成本的估算。[{figure}]" in msg.text
    assert "**案例报告数据**：据案例汇总" in msg.text and "一成" not in msg.text


def build_profile_simple():  # type: ignore[no-untyped-def]
    from agent.answers import build_profile

    return build_profile(answers({"sel.task_complexity": "简单"}))


def test_the_phase_note_marks_the_criteria_the_coach_derived() -> None:
    """The sources list no exit criteria for the phases: the chat says the checklist is the coach's."""
    from agent.interview.coaching import phase_message
    from agent.readiness import next_phase_criteria
    from tests.deliverables.fixtures import bank_snapshot

    snap = bank_snapshot()
    snap.next_phase_criteria = next_phase_criteria(snap.profile, "zh")
    assert snap.next_phase_criteria and all(c.derived for c in snap.next_phase_criteria)
    text = phase_message(snap, "zh").text
    assert text.count("（教练归纳）") == len([c for c in snap.next_phase_criteria if not c.met]) > 0
    snap.next_phase_criteria = next_phase_criteria(snap.profile, "en")
    assert "(derived by the coach)" in phase_message(snap, "en").text
