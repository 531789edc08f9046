"""From answer records to the Profile, deterministically.

Explicit answers set their own field. Values inferred from free text (`AnswerRecord.inferred`,
from signals or the model) fill only fields that no answer set explicitly; among inferences the
earliest question in bank order wins for scalar fields, and list fields merge. Last, what the
answered fields imply (`agent.inference`: a model name → its size…) fills fields still empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from agent.derive import derive
from agent.fieldtypes import field_spec
from agent.inference import implied
from agent.profile import Profile, ProjectInfo
from agent.questions import QuestionBank, load_bank
from agent.snapshot import AnswerRecord


@dataclass(frozen=True)
class Provenance:
    """Where a profile value came from: the answer record, and whether it was inferred."""

    record: AnswerRecord
    inferred: bool
    rule: str | None = None
    """The implication (`knowledge/inferences.yaml`) that gave the value, when one did."""


def ordered_records(answers: dict[str, AnswerRecord], bank: QuestionBank) -> list[AnswerRecord]:
    """Answer records in bank order (unknown question ids last, by id): a deterministic order."""
    order = {q.id: i for i, q in enumerate(bank)}
    return sorted(answers.values(), key=lambda r: (order.get(r.question_id, len(order)), r.question_id))


def _try_set(profile: Profile, path: str, value: Any) -> bool:
    try:
        profile.set(path, value)
    except (ValidationError, AttributeError, ValueError):
        return False
    return True


def build_profile_with_provenance(
    answers: dict[str, AnswerRecord],
    project: ProjectInfo | None = None,
    bank: QuestionBank | None = None,
) -> tuple[Profile, dict[str, Provenance]]:
    """The profile and, per set field, the answer it came from."""
    bank = bank or load_bank()
    profile = Profile()
    if project is not None:
        profile.project = project.model_copy()
    provenance: dict[str, Provenance] = {}
    records = ordered_records(answers, bank)
    explicit: set[str] = set()
    for rec in records:
        if rec.status == "answered" and rec.value is not None and _try_set(profile, rec.field, rec.value):
            explicit.add(rec.field)
            provenance[rec.field] = Provenance(rec, inferred=False)
    answered_fields = {r.field for r in records if r.status == "answered"}
    for rec in records:
        for path, value in sorted(rec.inferred.items()):
            if path in explicit or path in answered_fields or value is None:
                continue
            try:
                kind = field_spec(path).kind
            except KeyError:
                continue
            current = profile.get(path)
            if kind in ("multi", "text_list") and isinstance(value, list):
                merged = list(current or []) + [v for v in value if v not in (current or [])]
                if _try_set(profile, path, merged) and path not in provenance:
                    provenance[path] = Provenance(rec, inferred=True)
            elif current is None and _try_set(profile, path, value):
                provenance[path] = Provenance(rec, inferred=True)
    by_field = {r.field: r for r in records if r.field in explicit}
    for imp in implied(profile, explicit):
        if imp.field in answered_fields or profile.get(imp.field) not in (None, []):
            continue  # an answer, or the answer's own words, said it already
        if _try_set(profile, imp.field, imp.value):
            provenance[imp.field] = Provenance(by_field[imp.source_field], inferred=True, rule=imp.rule)
    # what earlier answers imply for the rules' preconditions (agent.derive), fields still unknown only
    for path, (value, source) in derive(profile).items():
        if path not in answered_fields and _try_set(profile, path, value):
            src = provenance.get(source) if source else None
            if src is not None:
                provenance[path] = Provenance(src.record, inferred=True)
    return profile, provenance


def build_profile(
    answers: dict[str, AnswerRecord],
    project: ProjectInfo | None = None,
    bank: QuestionBank | None = None,
) -> Profile:
    """The project profile derived from the answers (see module doc)."""
    return build_profile_with_provenance(answers, project, bank)[0]


def implied_value(
    answers: dict[str, AnswerRecord],
    path: str,
    project: ProjectInfo | None = None,
    bank: QuestionBank | None = None,
) -> Any:
    """The value the answers imply for `path` (`agent.inference`: a model name → its size…), or
    None when no implication gives it (unset, answered itself, or from free text only)."""
    profile, provenance = build_profile_with_provenance(answers, project, bank)
    prov = provenance.get(path)
    return profile.get(path) if prov is not None and prov.rule is not None else None


def implied_fields(
    answers: dict[str, AnswerRecord],
    project: ProjectInfo | None = None,
    bank: QuestionBank | None = None,
) -> dict[str, tuple[Any, AnswerRecord]]:
    """Every field whose value only an implication gives (no answer record of its own: a question
    a quick interview did not ask), → (value, the answer it came from): report.json lists them
    with source `inferred`."""
    profile, provenance = build_profile_with_provenance(answers, project, bank)
    # an implication never fills an answered field (build_profile_with_provenance): no filter needed
    return {
        path: (profile.get(path), prov.record) for path, prov in provenance.items() if prov.rule is not None
    }


def stated_unasked(
    given: dict[str, AnswerRecord], recorded: dict[str, AnswerRecord], bank: QuestionBank
) -> dict[str, AnswerRecord]:
    """The values an answers file states for questions the run never asked (their `applies_if`
    was false for this project: `selection.has_gpu` beside a public cloud): recorded all the same,
    never dropped (`coach run` warns about each one). Intake questions (the project's name…) are
    the project's, not answers."""
    return {
        qid: rec.model_copy(update={"source": "file"})
        for qid, rec in given.items()
        if qid not in recorded
        and rec.status == "answered"
        and rec.value is not None
        and not (qid in bank and bank.get(qid).intake)
    }


def unknown_fields(answers: dict[str, AnswerRecord]) -> frozenset[str]:
    """Fields whose question the user answered "don't know"."""
    return frozenset(r.field for r in answers.values() if r.status == "unknown")
