"""Build answer records the way the interview does: raw text through the real parser."""

from __future__ import annotations

from agent.parsing import parse_answer
from agent.questions import load_bank
from agent.snapshot import AnswerRecord
from agent.types import Lang


def record(qid: str, raw: str, lang: Lang = "zh") -> AnswerRecord:
    """One answer record for question `qid` from what a user typed; fails the test if unparseable."""
    q = load_bank().get(qid)
    r = parse_answer(q, raw, lang)
    assert r.ok, f"{qid}: {raw!r} did not parse: {r.error}"
    return AnswerRecord(
        question_id=qid,
        stage=q.stage,
        field=q.field,
        raw=raw,
        value=r.value,
        status=r.status,
        inferred=r.inferred,
    )


def answers(raw: dict[str, str], lang: Lang = "zh") -> dict[str, AnswerRecord]:
    """Answer records for {question id: typed text}."""
    return {qid: record(qid, text, lang) for qid, text in raw.items()}
