"""Reachability (issue 11 item 5): every question a rule reads can be asked whenever its answer could
decide the rule — e.g. the PoC-skipping rule needs `requirements.plans_poc`, so that question may not
hide once the project says it is past the PoC.

By enumeration: for each rule, every combination of values (unanswered, "don't know", each option,
the numbers and texts the conditions compare with) of the fields the rule and those fields' questions
read. Where a field's answer could turn the rule (finding or gap) on or off, the field's question
must apply in that state."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from agent import conditions
from agent.fieldtypes import field_spec
from agent.profile import Profile
from agent.questions import Question, load_bank
from agent.rules import Rule, load_rules

UNKNOWN = object()
"""The "don't know" state of a field (no value; the field is among the unknown fields)."""


def _leaves(cond: Any) -> Iterator[dict[str, Any]]:
    if not cond:
        return
    for key in ("all", "any"):
        if key in cond:
            for sub in cond[key]:
                yield from _leaves(sub)
            return
    if "not" in cond:
        yield from _leaves(cond["not"])
        return
    yield cond


def _domain(path: str, conds: list[Any]) -> list[Any]:
    """The values worth trying for a field: every state any condition can tell apart."""
    spec = field_spec(path)
    args = [
        v
        for c in conds
        for leaf in _leaves(c)
        if leaf.get("field") == path
        for k, v in leaf.items()
        if k != "field"
    ]
    base: list[Any] = [None, UNKNOWN]
    if spec.kind == "bool":
        return [*base, True, False]
    if spec.kind == "choice":
        return [*base, *spec.choices]
    if spec.kind == "multi":
        return [*base, [], *[[c] for c in spec.choices], list(spec.choices)]
    if spec.kind == "number":
        nums = {
            n
            for a in args
            if isinstance(a, int | float) and not isinstance(a, bool)
            for n in (a - 1, a, a + 1)
        }
        return [*base, 0.0, *sorted(float(n) for n in nums)]
    words = [w for a in args for w in (a if isinstance(a, list) else [a]) if isinstance(w, str)]
    if spec.kind == "text_list":
        return [*base, [], ["x"], *[[w] for w in words]]
    return [*base, "", "x", "1", *words]


def _state(assign: dict[str, Any]) -> tuple[Profile, frozenset[str]]:
    profile = Profile()
    for path, value in assign.items():
        if value is not None and value is not UNKNOWN:
            profile.set(path, value)
    return profile, frozenset(p for p, v in assign.items() if v is UNKNOWN)


def _could_fire(rule: Rule, profile: Profile, unknown: frozenset[str]) -> bool:
    """A finding or a gap: the preconditions hold and the trigger holds (with "don't know")."""
    return conditions.evaluate(rule.applies_if, profile) and conditions.evaluate(rule.when, profile, unknown)


def unreachable(rule: Rule, replaced: Question | None = None) -> list[str]:
    """States where a field's answer would decide the rule but its question does not apply
    (`replaced`: a question to use instead of the bank's one for its field)."""
    bank = load_bank()
    read = list(dict.fromkeys(conditions.fields(rule.applies_if) + conditions.fields(rule.when)))
    questions = {f: replaced if replaced and replaced.field == f else bank.by_field(f) for f in read}
    missing = [f for f, q in questions.items() if q is None]
    if missing:
        return [f"{f}: no question asks it" for f in missing]
    q_conds = [q.applies_if for q in questions.values() if q is not None and q.applies_if]
    fields = list(dict.fromkeys(read + [f for c in q_conds for f in conditions.fields(c)]))
    conds = [rule.applies_if, rule.when, *q_conds]
    domains = {f: _domain(f, conds) for f in fields}
    problems: list[str] = []
    for field in read:
        q = questions[field]
        assert q is not None
        others = [f for f in fields if f != field]
        for combo in itertools.product(*(domains[f] for f in others)):
            assign = dict(zip(others, combo, strict=True))
            outcomes = {_could_fire(rule, *_state({**assign, field: v})) for v in domains[field]}
            if outcomes != {True, False}:
                continue
            profile, _ = _state({**assign, field: None})
            if not q.applies(profile):
                shown = {k: ("don't know" if v is UNKNOWN else v) for k, v in assign.items() if v is not None}
                problems.append(f"{q.id} ({field}) hidden when {shown}")
                break
    return problems


@pytest.mark.parametrize("rule", load_rules(), ids=lambda r: r.id)
def test_every_field_a_rule_reads_is_asked_whenever_it_could_decide_the_rule(rule: Rule) -> None:
    assert unreachable(rule) == []


def test_the_check_finds_a_hidden_question() -> None:
    # the PoC question as it was: hidden past the PoC, where the PoC-skipping rule needs it
    rule = next(r for r in load_rules() if r.id == "poc-skipped-without-experience")
    hidden = {"any": [{"field": "requirements.current_phase", "in": ["concept", "poc"]}]}
    old = load_bank().get("req.plans_poc").model_copy(update={"applies_if": hidden})
    assert any("req.plans_poc" in p for p in unreachable(rule, old))


def test_the_check_finds_the_audience_hidden_behind_target_users() -> None:
    # the audience question as it was: asked only once target users were answered, so a "don't
    # know" there left the labelling rule undecidable
    rule = next(r for r in load_rules() if r.id == "reg-generated-content-unlabelled")
    hidden = {"field": "requirements.target_users", "present": True}
    old = load_bank().get("req.audience").model_copy(update={"applies_if": hidden})
    assert any("req.audience" in p and "don't know" in p for p in unreachable(rule, old))
