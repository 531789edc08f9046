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
    print(f"{MISSES_FILE}: {sum(map(len, data.values()))} near misses for {len(data)} rules")


if __name__ == "__main__":
    main()
