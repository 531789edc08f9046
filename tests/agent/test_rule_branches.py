"""Every branch of every rule's condition: a minimal profile that must trigger it, near misses that must
not (cases generated from the rule data by `rule_branches`; new rules are covered automatically)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agent.rules import Rule, judge, load_rules
from agent.snapshot import AnswerRecord
from agent.types import Finding, Gap

from .rule_branches import (
    CASES_FILE,
    Case,
    branches,
    case_from_json,
    holds,
    near_misses,
    reviewed_cases,
    sample,
    trigger_case,
)

RULES = {r.id: r for r in load_rules()}


def _condition(rule: Rule) -> dict[str, Any]:
    """What must hold for the rule to fire: its preconditions (`applies_if`) and its trigger."""
    return {"all": [rule.applies_if, rule.when]} if rule.applies_if else rule.when


def _judge(rule: Rule, case: Case) -> tuple[Finding | None, Gap | None]:
    """The rule's finding (a risk) and its gap ("not yet assessed") for the case, through the engine."""
    answers = {
        f"q.{path}": AnswerRecord(question_id=f"q.{path}", stage=rule.stage, field=path, status="unknown")
        for path in case.unknown
    }
    found, gaps = judge(case.profile(), answers, "en", rules=(rule,), provenance={})
    return (found[0] if found else None), (gaps[0] if gaps else None)


def _fire(rule: Rule, case: Case) -> Finding | None:
    return _judge(rule, case)[0]


def _expected_severity(rule: Rule, case: Case) -> str:
    # severity_if is judged on the answers' values only (no "don't know" set), first match wins
    for s in rule.severity_if:
        if holds(s.when, case.profile(), frozenset()):
            return s.severity
    return rule.severity


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_branch_triggers_and_every_near_miss_does_not(rule_id: str) -> None:
    rule = RULES[rule_id]
    cond = _condition(rule)
    every = branches(cond)
    failures: list[str] = []
    live = 0
    for branch in sample(every):
        case = trigger_case(branch, cond)
        if case is None:
            continue  # contradictory branch (e.g. x and not x): nothing can trigger it
        live += 1
        finding, gap = _judge(rule, case)
        if case.unknown and rule.dont_know != "risk":
            # resting on "don't know": not yet assessed (a gap naming what to ask), never a risk
            if finding is not None or gap is None:
                failures.append(f"not a gap on {case.describe()}")
            continue
        if finding is None:
            failures.append(f"did not fire on {case.describe()}")
            continue
        if finding.severity != _expected_severity(rule, case):
            failures.append(f"severity {finding.severity} on {case.describe()}")
        answered = {e.field for e in finding.evidence}
        trigger = {leaf["field"] for b in branches(rule.when) for leaf, _ in b}
        for leaf, positive in branch:
            path = leaf["field"]
            if path not in trigger:
                continue  # a precondition: evidence shows only those that say what the project is
            known = case.values.get(path) is not None and path not in case.unknown
            if positive and (known or path in case.unknown) and path not in answered:
                failures.append(f"evidence lacks {path} on {case.describe()}")
        misses = list(near_misses(case, cond))
        if not misses:
            failures.append(f"no near miss found for {case.describe()}")
        for path, miss in misses:
            if _fire(rule, miss) is not None:
                failures.append(f"fired on the near miss ({path}) {miss.describe()}")
    assert live, f"{rule_id}: no branch of its condition can be satisfied"
    assert not failures, f"{rule_id}:\n" + "\n".join(failures[:10])


def test_every_alternative_of_every_rule_is_reachable() -> None:
    """No dead branch: each `any` alternative and `in` member appears in a satisfiable branch."""
    dead: list[str] = []
    for rule in RULES.values():
        every = branches(_condition(rule))
        reachable = [b for b in every if trigger_case(b, _condition(rule)) is not None]
        used = {repr(leaf) for b in reachable for leaf in b}
        dead += [f"{rule.id}: {leaf}" for b in every for leaf in b if repr(leaf) not in used]
    assert not dead


def test_the_generator_expands_alternatives_and_list_members() -> None:
    # the headline privacy rule: 2 sensitive-data answers x (2 + 2 deployment values + data leaving)
    rule = RULES["privacy-sensitive-data-public-cloud"]
    every = branches(rule.when)
    assert len(every) == 2 * 5
    leaves = {(leaf["field"], str(leaf)) for b in every for leaf, _ in b}
    assert ("data.data_leaves_org", str({"field": "data.data_leaves_org", "eq": True})) in leaves
    assert any("hybrid" in text for path, text in leaves if path == "selection.deployment")


def test_every_reviewed_case_still_flags_its_rule_at_its_severity() -> None:
    """The reviewed answers of every branch (tests/agent/data/rule_cases.json) flag their rule at the
    reviewed severity, and the rule data has no branch the review has not seen. After a deliberate
    change to rules.yaml: `python -m tests.agent.rule_branches --update` and review the diff."""
    reviewed = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    problems: list[str] = []
    for rule_id, cases in reviewed.items():
        rule = RULES.get(rule_id)
        if rule is None:
            problems.append(f"{rule_id}: reviewed, but no longer in the rule files")
            continue
        for entry in cases:
            case = case_from_json(entry["answers"])
            finding, gap = _judge(rule, case)
            if entry["severity"] == "gap":  # rests on a "don't know": not yet assessed, never a risk
                if finding is not None or gap is None:
                    problems.append(f"{rule_id}: not a gap on {case.describe()}")
                continue
            if finding is None:
                problems.append(f"{rule_id}: no longer flagged on {case.describe()}")
            elif finding.severity != entry["severity"]:
                problems.append(
                    f"{rule_id}: {finding.severity}, reviewed {entry['severity']}, on {case.describe()}"
                )
        unseen = [e for e in reviewed_cases(rule) if e not in cases]
        problems += [f"{rule_id}: a branch not reviewed: {e}" for e in unseen]
    problems += [f"{rid}: a rule with no reviewed cases" for rid in RULES if rid not in reviewed]
    assert not problems, (
        "\n".join(problems[:20]) + "\n(deliberate? python -m tests.agent.rule_branches --update)"
    )
