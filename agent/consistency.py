"""Answers that cannot both be true, read from `knowledge/consistency.yaml`.

`find_conflicts(answers, lang)` checks the *answered* values only (an inference is never one side
of a conflict): monitoring off but metrics listed, no knowledge base but an update cadence, public
cloud but data staying inside, no cost estimate but a cost figure, and a yes/no answer whose own
words take it back ("是的，但还没定"). Each conflict carries its readings — the ways it can be
resolved — which the interview offers right after the answer that created it; `resolve` turns the
chosen reading into answer records. A conflict resolved while its values stay as they were (the
user kept a hedged "yes") is not reported again: `resolved` maps its id to its `signature`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent import conditions
from agent.answers import ordered_records
from agent.profile import Profile
from agent.questions import Question, QuestionBank, load_bank
from agent.snapshot import AnswerRecord, Conflict
from agent.types import Lang

CONSISTENCY_PATH = Path(__file__).resolve().parent.parent / "knowledge" / "consistency.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reading(_Model):
    """One way a conflict can be resolved."""

    text: dict[str, str]
    set: dict[str, Any] = Field(default_factory=dict)
    unknown: list[str] = Field(default_factory=list)
    """Fields to record as "don't know" (`*`: the field of the answer in question)."""
    keep: bool = False


class Check(_Model):
    """One consistency check."""

    id: str
    fields: list[str] = Field(default_factory=list)
    when: dict[str, Any] | None = None
    own_words: bool = False
    hedges: dict[str, list[str]] = Field(default_factory=dict)
    message: dict[str, str]
    readings: list[Reading]


class ConsistencyError(ValueError):
    """`knowledge/consistency.yaml` is inconsistent (the message names the check)."""


@cache
def load_checks(path: Path = CONSISTENCY_PATH) -> tuple[Check, ...]:
    """The checks, validated (conditions, fields, readings) and cached."""
    from agent.datafiles import load_yaml

    out: list[Check] = []
    for item in (load_yaml(path) or {}).get("checks", []):
        try:
            check = Check.model_validate(item)
            conditions.validate(check.when, f"{path.name}: check {check.id}")
        except (ValidationError, conditions.ConditionError) as exc:
            raise ConsistencyError(f"{path.name}: check {item.get('id', '?')}: {exc}") from None
        for reading in check.readings:
            for f, v in reading.set.items():
                try:
                    Profile().set(f, v)
                except (ValueError, AttributeError) as exc:
                    raise ConsistencyError(f"{path.name}: check {check.id}: {f}={v!r}: {exc}") from None
        if len(check.readings) < 2 or (check.when is None) == (not check.own_words):
            raise ConsistencyError(
                f"{path.name}: check {check.id}: needs `when` or `own_words`, two readings"
            )
        out.append(check)
    return tuple(out)


def answered_profile(answers: dict[str, AnswerRecord], bank: QuestionBank) -> Profile:
    """The profile of the answered values alone (no free-text signal, no inference)."""
    profile = Profile()
    for rec in ordered_records(answers, bank):
        if rec.status == "answered" and rec.value is not None:
            try:
                profile.set(rec.field, rec.value)
            except (ValueError, AttributeError):
                continue
    return profile


def signature(conflict: Conflict) -> str:
    """The conflict's values, as a key: the same conflict with other values is a new one."""
    return json.dumps(conflict.values, sort_keys=True, ensure_ascii=False, default=str)


def find_conflicts(
    answers: dict[str, AnswerRecord],
    lang: Lang = "zh",
    bank: QuestionBank | None = None,
    resolved: dict[str, str] | None = None,
) -> list[Conflict]:
    """The conflicts between the answers, in check order (those `resolved` as they stand left out)."""
    bank = bank or load_bank()
    profile = answered_profile(answers, bank)
    out: list[Conflict] = []
    for check in load_checks():
        if check.own_words:
            out.extend(_taken_back(check, answers, bank, lang))
        elif conditions.evaluate(check.when, profile):
            fields = [f for f in check.fields if profile.get(f) is not None]
            values = {f: _shown(bank, f, profile.get(f), lang) for f in fields}
            out.append(
                Conflict(
                    id=check.id,
                    fields=fields,
                    values=values,
                    message=check.message[lang],
                    readings=[r.text[lang] for r in check.readings],
                )
            )
    resolved = resolved or {}
    return [c for c in out if resolved.get(c.id) != signature(c)]


def _taken_back(
    check: Check, answers: dict[str, AnswerRecord], bank: QuestionBank, lang: Lang
) -> list[Conflict]:
    """Yes answers whose own words take them back ("是的，但还没定")."""
    hedges = [h.casefold() for words in check.hedges.values() for h in words]
    out: list[Conflict] = []
    for rec in ordered_records(answers, bank):
        q = bank.find(rec.question_id)
        if q is None or q.type != "yesno" or rec.status != "answered" or rec.value is not True:
            continue  # "否，还没定" says no twice: only a yes can be taken back
        raw = rec.raw.casefold()
        if not any(h in raw for h in hedges):
            continue
        value = q.value_label(rec.value, lang)
        out.append(
            Conflict(
                id=f"{check.id}:{q.id}",
                fields=[q.field],
                values={q.field: value},
                message=check.message[lang].format(label=q.label[lang], value=value, raw=rec.raw.strip()),
                readings=[r.text[lang] for r in check.readings],
            )
        )
    return out


def _shown(bank: QuestionBank, path: str, value: Any, lang: Lang) -> str:
    q = bank.by_field(path)
    return q.value_label(value, lang) if q is not None else str(value)


def check_of(conflict_id: str) -> Check:
    """The check a conflict id comes from (`yes-taken-back:req.decision_maker` → yes-taken-back)."""
    base = conflict_id.split(":", 1)[0]
    return next(c for c in load_checks() if c.id == base)


def resolve(
    conflict: Conflict, index: int, answers: dict[str, AnswerRecord], bank: QuestionBank, lang: Lang = "zh"
) -> dict[str, AnswerRecord]:
    """The answer records reading `index` of `conflict` gives (to merge into the answers): each
    keeps the user's earlier words and names the reading chosen."""
    reading = check_of(conflict.id).readings[index]
    now = datetime.now(UTC)
    by_field = {r.field: r for r in answers.values()}
    out: dict[str, AnswerRecord] = {}
    targets: list[tuple[str, Any, bool]] = [(f, v, False) for f, v in reading.set.items()]
    targets += [(conflict.fields[0] if f == "*" else f, None, True) for f in reading.unknown]
    for path, value, unknown in targets:
        q: Question | None = bank.by_field(path)
        if q is None:
            continue
        old = by_field.get(path)
        said = reading.text[lang]
        raw = f"{old.raw} → {said}" if old is not None and old.raw else said
        out[q.id] = AnswerRecord(
            question_id=q.id,
            stage=q.stage,
            field=path,
            raw=raw,
            value=None if unknown else value,
            status="unknown" if unknown else "answered",
            source="user",
            at=now,
        )
    return out
