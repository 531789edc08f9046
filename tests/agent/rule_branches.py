"""Cases built from the rule data: for each branch of a rule's condition, a minimal profile that must
trigger it and near misses that must not.

A rule's `when` is expanded into its branches (disjunctive normal form: one branch per choice of an
`any` alternative, and per member of an `in` / `contains_any` list). For each branch a minimal profile
sets only the fields the branch reads, to values chosen by `holds` below: an independent statement of
the condition language's semantics (the table in `agent.conditions`), so a change to the engine that
disagrees with its own documentation fails the rule tests instead of silently re-deriving the cases.
A near miss changes one field of a branch's profile so that, by `holds`, the whole condition is false.
New rules and new preconditions are covered without editing a list.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.fieldtypes import FieldSpec, field_specs
from agent.profile import Profile

Cond = Mapping[str, Any]
MAX_BRANCHES = 96
"""A rule with more branches than this is covered by a sample (every alternative at least once)."""

_UNKNOWN = object()
"""Candidate value standing for an explicit "don't know" (value None, field among the unknowns)."""


def holds(cond: Cond | None, profile: Profile, unknown: frozenset[str]) -> bool:
    """The condition language as documented in `agent.conditions` (the test oracle)."""
    if not cond:
        return True
    if "all" in cond:
        return all(holds(c, profile, unknown) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, profile, unknown) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], profile, unknown)
    path = cond["field"]
    (op,) = [k for k in cond if k != "field"]
    arg, value = cond[op], profile.get(path)
    if op == "missing":
        return (value is None) is arg
    if op == "present":
        return (value is not None) is arg
    if op == "unknown":
        return (path in unknown) is arg
    if value is None:
        return False
    table = {
        "eq": lambda: value == arg,
        "ne": lambda: value != arg,
        "in": lambda: value in arg,
        "not_in": lambda: value not in arg,
        "contains": lambda: arg in value,
        "contains_any": lambda: any(a in value for a in arg),
        "lacks": lambda: any(a not in value for a in (arg if isinstance(arg, list) else [arg])),
        "has_number": lambda: any(ch.isdigit() for ch in str(value)) is arg,
        "empty": lambda: (len(value) == 0) is arg if isinstance(value, list | str) else not arg,
        "lt": lambda: isinstance(value, int | float) and value < arg,
        "le": lambda: isinstance(value, int | float) and value <= arg,
        "gt": lambda: isinstance(value, int | float) and value > arg,
        "ge": lambda: isinstance(value, int | float) and value >= arg,
    }
    return bool(table[op]())


# -- branches ----------------------------------------------------------------------------------
Literal_ = tuple[Cond, bool]
"""A leaf condition and whether the branch needs it true (False: under a `not`)."""


def branches(cond: Cond | None, positive: bool = True) -> list[list[Literal_]]:
    """`cond` in disjunctive normal form: each branch a list of leaves that together make it hold."""
    if not cond:
        return [[]]
    if "not" in cond:
        return branches(cond["not"], not positive)
    if "all" in cond or "any" in cond:
        conj = ("all" in cond) == positive  # De Morgan under a `not`
        subs = [branches(c, positive) for c in cond.get("all", cond.get("any"))]
        if conj:
            return [[leaf for part in combo for leaf in part] for combo in itertools.product(*subs)]
        return [b for s in subs for b in s]
    (op,) = [k for k in cond if k != "field"]
    if positive and op in ("in", "contains_any") and isinstance(cond[op], list):
        return [[({"field": cond["field"], op: [member]}, True)] for member in cond[op]]
    return [[(cond, positive)]]


def sample(all_branches: list[list[Literal_]]) -> list[list[Literal_]]:
    """All branches, or (past MAX_BRANCHES) every k-th plus the first and last."""
    if len(all_branches) <= MAX_BRANCHES:
        return all_branches
    step = len(all_branches) // MAX_BRANCHES + 1
    return [*all_branches[::step], all_branches[-1]]


# -- values ------------------------------------------------------------------------------------
def _args(spec: FieldSpec, cond: Cond | None) -> list[Any]:
    """Every comparison argument the condition uses on this field (values worth trying)."""
    out: list[Any] = []
    if not cond:
        return out
    for key in ("all", "any"):
        for c in cond.get(key, []):
            out += _args(spec, c)
    if "not" in cond:
        out += _args(spec, cond["not"])
    if cond.get("field") == spec.path:
        (op,) = [k for k in cond if k != "field"]
        arg = cond[op]
        out += arg if isinstance(arg, list) else [arg]
    return out


def candidates(spec: FieldSpec, cond: Cond | None) -> list[Any]:
    """Values to try for a field, known answers first (a near miss is answered, not left blank)."""
    args = [a for a in _args(spec, cond) if not isinstance(a, bool) or spec.kind == "bool"]
    if spec.kind == "bool":
        known: list[Any] = [True, False]
    elif spec.kind == "number":
        nums = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
        known = [v for a in nums for v in (a, a + 1, a - 1)] + [0]
    elif spec.kind == "choice":
        known = list(spec.choices)
    elif spec.kind == "multi":
        wanted = [a for a in args if a in spec.choices]
        others = [c for c in spec.choices if c not in wanted]
        known = [[c] for c in spec.choices] + [others[:1], [], list(dict.fromkeys(wanted))]
        known.append(list(dict.fromkeys(wanted + others)))
    elif spec.kind == "text_list":
        words = [a for a in args if isinstance(a, str)]
        known = [[w] for w in words] + [["其他安排"], []]
    else:
        words = [a for a in args if isinstance(a, str)]
        known = [*words, "其他安排", "10 个工作日", ""]
    return [*known, _UNKNOWN, None]


@dataclass
class Case:
    """A profile and the fields answered "don't know"."""

    values: dict[str, Any] = field(default_factory=dict)
    unknown: frozenset[str] = frozenset()

    def profile(self) -> Profile:
        p = Profile()
        for path, value in self.values.items():
            p.set(path, None if value is _UNKNOWN else value)
        return p

    def with_value(self, path: str, value: Any) -> Case:
        values = {**self.values, path: value}
        return Case(values, frozenset(p for p, v in values.items() if v is _UNKNOWN))

    def describe(self) -> str:
        return ", ".join(f"{p}={'<unknown>' if v is _UNKNOWN else v!r}" for p, v in self.values.items())


def trigger_case(branch: list[Literal_], cond: Cond | None) -> Case | None:
    """The minimal profile under which every leaf of `branch` has its polarity; None if contradictory."""
    specs = field_specs()
    case = Case()
    by_field: dict[str, list[Literal_]] = {}
    for leaf, positive in branch:
        by_field.setdefault(leaf["field"], []).append((leaf, positive))
    for path, leaves in by_field.items():
        for value in candidates(specs[path], cond):
            trial = case.with_value(path, value)
            if all(holds(leaf, trial.profile(), trial.unknown) is pos for leaf, pos in leaves):
                case = trial
                break
        else:
            return None
    return case


def near_misses(case: Case, cond: Cond | None) -> Iterator[tuple[str, Case]]:
    """For each field of a triggering case, the first other value that makes the condition false."""
    specs = field_specs()
    for path, current in case.values.items():
        for value in candidates(specs[path], cond):
            if value is current or value == current:
                continue
            trial = case.with_value(path, value)
            if not holds(cond, trial.profile(), trial.unknown):
                yield path, trial
                break


# -- the reviewed cases ------------------------------------------------------------------------
CASES_FILE = Path(__file__).resolve().parent / "data" / "rule_cases.json"
"""Per rule, the minimal answers of each branch and the severity they must flag it at, as reviewed.

Generated from the rule data (`python -m tests.agent.rule_branches --update`) and kept in git: a
change to a rule's condition or severity shows in its diff, answer by answer, and until the file is
regenerated the rule tests fail on it (a dropped branch, a flipped value or a moved severity does not
pass unnoticed)."""


def _jsonable(case: Case) -> dict[str, Any]:
    return {p: ("<unknown>" if v is _UNKNOWN else v) for p, v in sorted(case.values.items())}


def case_from_json(values: dict[str, Any]) -> Case:
    """The Case a reviewed entry describes."""
    return Case(
        {p: (_UNKNOWN if v == "<unknown>" else v) for p, v in values.items()},
        frozenset(p for p, v in values.items() if v == "<unknown>"),
    )


def expected_severity(when_severity: list[tuple[Cond, str]], base: str, case: Case) -> str:
    # severity_if is judged on the answers' values only (no "don't know" set), first match wins
    for when, severity in when_severity:
        if holds(when, case.profile(), frozenset()):
            return severity
    return base


def condition(rule: Any) -> Cond:
    """What must hold for a rule to fire: its preconditions (`applies_if`) and its trigger (`when`)."""
    return {"all": [rule.applies_if, rule.when]} if getattr(rule, "applies_if", None) else rule.when


def reviewed_cases(rule: Any) -> list[dict[str, Any]]:
    """Each branch's minimal answers and the severity they flag ("gap" when the case rests on a
    "don't know" the rule does not count as a risk), plus each `severity_if` branch on top of the
    first triggering case."""
    escalations = [(s.when, s.severity) for s in rule.severity_if]
    full = condition(rule)
    triggers = [c for b in sample(branches(full)) if (c := trigger_case(b, full)) is not None]
    cases = list(triggers)
    for when, _ in escalations:
        for b in branches(when):
            extra = trigger_case(b, when)
            if extra is None or not triggers:
                continue
            merged = triggers[0]
            for path, value in extra.values.items():
                merged = merged.with_value(path, value)
            if holds(full, merged.profile(), merged.unknown) and holds(when, merged.profile(), frozenset()):
                cases.append(merged)
    out: list[dict[str, Any]] = []
    for case in cases:
        gap = bool(case.unknown) and getattr(rule, "dont_know", "gap") != "risk"
        severity = "gap" if gap else expected_severity(escalations, rule.severity, case)
        entry = {"answers": _jsonable(case), "severity": severity}
        if entry not in out:
            out.append(entry)
    return out


def main() -> None:  # pragma: no cover - maintenance command
    import json
    import sys

    from agent.rules import load_rules

    if "--update" not in sys.argv:
        raise SystemExit("usage: python -m tests.agent.rule_branches --update  (then review the diff)")
    data = {r.id: reviewed_cases(r) for r in load_rules()}
    CASES_FILE.parent.mkdir(exist_ok=True)
    CASES_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{CASES_FILE}: {sum(map(len, data.values()))} cases for {len(data)} rules")


if __name__ == "__main__":
    main()
