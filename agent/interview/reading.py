"""Reading an answer: the guided parser's reading of what the user typed, and the records of a
skip, a confirmation or an inferred value (the model's reading is injected: `StepDeps.extract`).

The option a user means ("2", "B", "银行", "bank") is resolved here, once, by `agent.parsing`.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from pydantic import ValidationError

from agent.answers import Provenance
from agent.parsing import ParseResult, parse_answer
from agent.profile import Profile
from agent.questions import Question
from agent.snapshot import AnswerRecord
from agent.types import Finding, Lang


@dataclass
class Outcome:
    """What one answer turned into."""

    record: AnswerRecord | None = None
    """The answer to record (None: the input was not usable, re-ask)."""
    error: str | None = None
    understood: str | None = None
    follow_up: str | None = None
    model_finding: Finding | None = None
    inferred_labels: list[str] = field(default_factory=list)
    uncertain: ParseResult | None = None
    """A reading that could mean several values (with candidates): asked back, never recorded."""


@cache
def annotation(path: str) -> Any:
    """The profile type annotation of a dotted path."""
    section, _, name = path.partition(".")
    section_type = Profile.model_fields[section].annotation
    return typing.get_type_hints(section_type)[name]


def fits(question: Question | None, path: str, value: Any) -> bool:
    """Whether `value` is valid for the profile field (and among the question's options)."""
    try:
        Profile().set(path, value)
    except (ValidationError, ValueError, TypeError, AttributeError):
        return False
    if question is not None and question.field == path and question.type in ("choice", "multi"):
        allowed = {o.value for o in question.options}
        values = value if isinstance(value, list) else [value]
        return all(str(v) in allowed for v in values)
    return True


def make_record(
    q: Question, raw: str, value: Any, status: str, source: str, inferred: dict[str, Any]
) -> AnswerRecord:
    """An answer record for `q`, timestamped now (`value` kept only when answered)."""
    return AnswerRecord(
        question_id=q.id,
        stage=q.stage,
        field=q.field,
        raw=raw,
        value=value if status == "answered" else None,
        status=status,  # type: ignore[arg-type]
        source=source,  # type: ignore[arg-type]
        inferred=inferred,
        at=datetime.now(UTC),
    )


def guided(q: Question, raw: str, lang: Lang, source: str = "user") -> Outcome:
    """The guided parser's reading of `raw` (a record, or the error to show)."""
    res = parse_answer(q, raw, lang)
    if not res.ok:
        return Outcome(error=res.error, uncertain=res if res.uncertain and res.candidates else None)
    record = make_record(q, raw, res.value, res.status, source, dict(res.inferred))
    return Outcome(record=record, understood=res.note)  # an assumption is said ("按 3 秒理解")


def wants_model(q: Question, outcome: Outcome) -> bool:
    """Free text, or an answer the guided parser could not read: the model may help."""
    if outcome.record is None:
        return True
    return outcome.record.status == "answered" and q.type == "text"


def skipped_record(q: Question, raw: str) -> AnswerRecord:
    """The record of a skipped question (an open question)."""
    return make_record(q, raw, None, "skipped", "user", {})


def current_label(q: Question, rec: AnswerRecord, lang: Lang) -> str:
    """An answer already given, as displayed when its question is asked again."""
    if rec.status == "answered":
        return q.value_label(rec.value, lang)
    if rec.status == "unknown":
        return "不知道" if lang == "zh" else "don't know"
    return "已跳过" if lang == "zh" else "skipped"


def suggestion(q: Question, profile: Profile, provenance: dict[str, Provenance]) -> Any:
    """The value of `q`'s field inferred from other answers (signals or the model), when it is
    one the question accepts; None when the field was not inferred (unset, or answered itself)."""
    prov = provenance.get(q.field)
    if prov is None or not prov.inferred:
        return None
    value = profile.get(q.field)
    if value is None or value == [] or not fits(q, q.field, value):
        return None
    return value


def confirmed_record(q: Question, raw: str, value: Any) -> AnswerRecord:
    """The record of an inferred value the user confirmed (`raw`: what they typed, maybe nothing)."""
    return make_record(q, raw, value, "answered", "confirmed", {})
