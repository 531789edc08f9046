"""Reviewed near misses of every rule: for each branch's minimal answers, every other answer to one of
its questions under which the rule must say nothing (no risk, no gap). Kept in git
(`tests/agent/data/rule_near_misses.json`) beside the reviewed must-trigger cases (`rule_cases.json`):
a list member dropped from a precondition ("not for extraction projects" losing `extraction`) widens
the rule to answers it must not flag, and only a fixed near miss on that member notices.

After a deliberate change to the rule files: `python -m tests.agent.test_rule_near_misses --update`
and review the diff."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agent.fieldtypes import field_specs
from agent.rules import Rule, judge, load_rules
from agent.snapshot import AnswerRecord

from .rule_branches import (
    _jsonable,
    branches,
    candidates,
    case_from_json,
    condition,
    holds,
    sample,
    trigger_case,
)

MISSES_FILE = Path(__file__).resolve().parent / "data" / "rule_near_misses.json"
GAP_SEVERITY_FILE = Path(__file__).resolve().parent / "data" / "rule_gap_severities.json"
"""Per rule, the severity its gap ("not yet assessed") carries on each reviewed "don't know" case: the
gaps table is ordered by it, and `rule_cases.json` records such a case only as "gap"."""


def near_miss_cases(rule: Any) -> list[dict[str, Any]]:
    """Per triggering case of each branch, every single-answer change under which the condition (with
    its preconditions, "don't know" counted) is false: the answers the rule must not flag."""
    cond = condition(rule)
    specs = field_specs()
    out: list[dict[str, Any]] = []
    for branch in sample(branches(cond)):
        case = trigger_case(branch, cond)
        if case is None:
            continue
        for path, current in case.values.items():
            for value in candidates(specs[path], cond):
                if value is current or value == current:
                    continue
                miss = case.with_value(path, value)
                if not holds(cond, miss.profile(), miss.unknown) and (entry := _jsonable(miss)) not in out:
                    out.append(entry)
    return out


def _says(rule: Rule, answers_: dict[str, Any]) -> str | None:
    """What the engine says for the rule on these answers: "risk", "gap" or None."""
    case = case_from_json(answers_)
    unknown = {
        f"q.{path}": AnswerRecord(question_id=f"q.{path}", stage=rule.stage, field=path, status="unknown")
        for path in case.unknown
    }
    found, gaps = judge(case.profile(), unknown, "en", rules=(rule,), provenance={})
    return "risk" if found else ("gap" if gaps else None)


def gap_severities(rule: Any) -> list[str]:
    """The severity of the rule's gap on each of its reviewed "don't know" cases, in their order."""
    from .rule_branches import reviewed_cases

    out = []
    for entry in reviewed_cases(rule):
        if entry["severity"] == "gap":
            case = case_from_json(entry["answers"])
            unknown = {
                f"q.{p}": AnswerRecord(question_id=f"q.{p}", stage=rule.stage, field=p, status="unknown")
                for p in case.unknown
            }
            gaps = judge(case.profile(), unknown, "en", rules=(rule,), provenance={})[1]
            out.append(gaps[0].severity if gaps else "none")
    return out


def test_every_gap_keeps_its_reviewed_severity() -> None:
    rules = {r.id: r for r in load_rules()}
    reviewed = json.loads(GAP_SEVERITY_FILE.read_text(encoding="utf-8"))
    now = {rid: gap_severities(r) for rid, r in rules.items() if gap_severities(r)}
    assert now == reviewed, "(deliberate? python -m tests.agent.test_rule_near_misses --update)"


def test_every_reviewed_near_miss_is_still_silent() -> None:
    rules = {r.id: r for r in load_rules()}
    reviewed = json.loads(MISSES_FILE.read_text(encoding="utf-8"))
    problems: list[str] = []
    for rule_id, misses in reviewed.items():
        rule = rules.get(rule_id)
        if rule is None:
            problems.append(f"{rule_id}: reviewed, but no longer in the rule files")
            continue
        for answers_ in misses:
            said = _says(rule, answers_)
            if said is not None:
                problems.append(f"{rule_id}: a {said} on the near miss {answers_}")
        unseen = [m for m in near_miss_cases(rule) if m not in misses]
        problems += [f"{rule_id}: a near miss not reviewed: {m}" for m in unseen[:3]]
    problems += [f"{rid}: a rule with no reviewed near misses" for rid in rules if rid not in reviewed]
    assert not problems, (
        "\n".join(problems[:20]) + "\n(deliberate? python -m tests.agent.test_rule_near_misses --update)"
    )


def main() -> None:  # pragma: no cover - maintenance command
    import sys

    if "--update" not in sys.argv:
        raise SystemExit(
            "usage: python -m tests.agent.test_rule_near_misses --update  (then review the diff)"
        )
    data = {r.id: near_miss_cases(r) for r in load_rules()}
    MISSES_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    gaps = {r.id: s for r in load_rules() if (s := gap_severities(r))}
    GAP_SEVERITY_FILE.write_text(json.dumps(gaps, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{MISSES_FILE}: {sum(map(len, data.values()))} near misses for {len(data)} rules")


if __name__ == "__main__":
    main()
