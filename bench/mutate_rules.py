"""Mutation testing of the rule data: small changes to the declarative conditions of `rules.yaml` (and
`rules_regulatory.yaml`) that the rule tests must catch, as a code mutant must be.

    python -m bench.mutate_rules                  # every data mutant, against HEAD's rule tests
    python -m bench.mutate_rules --ref main --label before

Mutations, each one at a time, in `when`, `applies_if` (the preconditions) and each `severity_if`
condition: an `eq` / `ne` / `contains` / `lacks` value changed (yes↔no, another allowed choice, a
number + 1), one alternative of an `any` dropped, one member of an `in` / `contains_any` / `not_in` /
`lacks` list dropped, a `not` dropped, a number comparison moved onto or off its bound (gt↔ge, lt↔le);
the whole `applies_if` dropped; `dont_know` flipped (gap↔risk: a "don't know" answer a gap or a risk);
a rule's severity (and each `severity_if` severity) moved one step. Each mutant is written into a copy of the tree
and the rule tests run on it (forked from a warm process: the rules load afresh in each child). A mutant
the tests pass with survives. Scores join the code mutants' in bench/mutation.json.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bench.mutate import SCORES, _copy_tree, in_copy, record, score, unshadow

RULE_FILES = ("knowledge/rules.yaml", "knowledge/rules_regulatory.yaml")
TESTS = [
    "tests/agent/test_rule_branches.py::test_every_reviewed_case_still_flags_its_rule_at_its_severity",
    "tests/agent/test_rule_near_misses.py::test_every_reviewed_near_miss_is_still_silent",
    "tests/agent/test_rule_near_misses.py::test_every_gap_keeps_its_reviewed_severity",
    "tests/agent/test_rules.py",
    "tests/agent/test_rules_preconditions.py",
    "tests/agent/test_rules_regulatory.py",
    "tests/agent/test_rule_advice_by_sector.py",
]
"""The rule tests with fixed expectations: the reviewed must-trigger cases and near misses of every branch
first (called directly: fast), then the hand-written ones (the rest of test_rule_branches derives its
cases from the data: left out)."""
STEP = {"high": "medium", "medium": "high", "low": "medium"}
BOUNDARY = {"gt": "ge", "ge": "gt", "lt": "le", "le": "lt"}
"""A number comparison moved onto (or off) its bound."""
DONT_KNOW = {"gap": "risk", "risk": "gap"}
TIMEOUT_S = 300

Mutant = tuple[str, list[dict[str, Any]]]


def _other_value(path: str, value: Any) -> Any:
    from agent.fieldtypes import field_specs

    spec = field_specs()[path]
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    others = [c for c in spec.choices if c != value]
    return others[0] if others else f"{value}-mutated"


def _condition_mutants(cond: Any, where: str) -> Iterator[tuple[str, Any]]:
    """(description, mutated condition) for each single change to `cond`."""
    if not isinstance(cond, dict) or not cond:
        return
    for key in ("all", "any"):
        if key in cond:
            subs = cond[key]
            for i, sub in enumerate(subs):
                if key == "any" and len(subs) > 1:
                    yield f"{where}: drop any[{i}] {_short(sub)}", {key: subs[:i] + subs[i + 1 :]}
                for desc, mutated in _condition_mutants(sub, where):
                    yield desc, {key: [*subs[:i], mutated, *subs[i + 1 :]]}
            return
    if "not" in cond:
        yield f"{where}: not dropped from {_short(cond['not'])}", cond["not"]
        for desc, mutated in _condition_mutants(cond["not"], where):
            yield desc, {"not": mutated}
        return
    path = cond["field"]
    for op in ("eq", "ne", "contains", "lacks"):
        if op in cond and not isinstance(cond[op], list):
            new = _other_value(path, cond[op])
            yield f"{where}: {path} {op} {cond[op]!r} → {new!r}", {**cond, op: new}
    for op in ("in", "contains_any", "not_in", "lacks"):
        members = cond.get(op)
        if isinstance(members, list) and len(members) > 1:
            for i, m in enumerate(members):
                yield f"{where}: {path} {op} drops {m!r}", {**cond, op: members[:i] + members[i + 1 :]}
    for op, moved in BOUNDARY.items():
        if op in cond:
            yield (
                f"{where}: {path} {op} {cond[op]!r} → {moved} {cond[op]!r}",
                {"field": path, moved: cond[op]},
            )


def _reads_dont_know(cond: Any) -> bool:
    """Whether a condition has an `unknown` leaf (the only part `dont_know` changes)."""
    if isinstance(cond, dict):
        return "unknown" in cond or any(_reads_dont_know(v) for v in cond.values())
    return isinstance(cond, list) and any(_reads_dont_know(c) for c in cond)


def _short(cond: Any) -> str:
    text = yaml.safe_dump(cond, allow_unicode=True, default_flow_style=True, width=1000).strip()
    return text[:80]


def mutants(rules: list[dict[str, Any]]) -> Iterator[Mutant]:
    """Every single-change mutant of a rule file's data."""
    for i, rule in enumerate(rules):
        rid = rule["id"]

        def replaced(new_rule: dict[str, Any], index: int = i) -> list[dict[str, Any]]:
            return [*rules[:index], new_rule, *rules[index + 1 :]]

        for desc, when in _condition_mutants(rule.get("when"), rid):
            yield desc, replaced({**rule, "when": when})
        if rule.get("applies_if"):
            yield f"{rid}: applies_if dropped", replaced({k: v for k, v in rule.items() if k != "applies_if"})
            for desc, cond in _condition_mutants(rule["applies_if"], f"{rid} applies_if"):
                yield desc, replaced({**rule, "applies_if": cond})
        dont_know = rule.get("dont_know", "gap")
        if _reads_dont_know(rule.get("when")):  # else `dont_know` changes nothing: no mutant
            flipped = DONT_KNOW[dont_know]
            yield f"{rid}: dont_know {dont_know} → {flipped}", replaced({**rule, "dont_know": flipped})
        sev = rule["severity"]
        yield f"{rid}: severity {sev} → {STEP[sev]}", replaced({**rule, "severity": STEP[sev]})
        for j, s in enumerate(rule.get("severity_if") or []):
            moved = copy.deepcopy(rule)
            moved["severity_if"][j]["severity"] = STEP[s["severity"]]
            yield f"{rid}: severity_if[{j}] {s['severity']} → {STEP[s['severity']]}", replaced(moved)
            for desc, when in _condition_mutants(s["when"], f"{rid} severity_if[{j}]"):
                changed = copy.deepcopy(rule)
                changed["severity_if"][j]["when"] = when
                yield desc, replaced(changed)


def _dump(rules: list[dict[str, Any]]) -> str:
    return yaml.safe_dump(rules, allow_unicode=True, sort_keys=False, width=200)


def _pytest_args(tests: list[str]) -> list[str]:
    return ["-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "--no-header", *tests]


def _quiet_pytest(tests: list[str]) -> int:
    import pytest

    if os.environ.get("MUTATE_VERBOSE"):
        return int(pytest.main(_pytest_args(tests)))
    saved = os.dup(1), os.dup(2)
    with open(os.devnull, "w") as quiet:
        os.dup2(quiet.fileno(), 1)
        os.dup2(quiet.fileno(), 2)
        try:
            return int(pytest.main(_pytest_args(tests)))
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)


def _warm_up(work: Path, tests: list[str]) -> int:
    """Run the rule tests once in this process (imports, the question bank, the pack: inherited by every
    fork), then forget what depends on the rule files: the loaded rules and the test modules."""
    from agent import rules

    code = _quiet_pytest(tests)
    rules.load_rules.cache_clear()
    tests_dir = str(work / "tests")
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", "") or "").startswith(tests_dir):
            del sys.modules[name]
    return code


def _run_staged(tests: list[str], work: Path) -> int:
    """The reviewed-cases tests called directly first (no pytest collection: they kill most data mutants
    in seconds), then the other rule tests under pytest only for a mutant they let through."""
    direct = [t for t in tests if "::" in t]
    first = _fork(lambda: max(_call_test(t, work) for t in direct)) if direct else 0
    rest = [t for t in tests if "::" not in t]
    return first if first != 0 or not rest else _run_tests(rest)


def _call_test(node: str, work: Path) -> int:
    """Import a test module afresh (it reads the rules at import) and call one test function in it."""
    import importlib

    path, func = node.split("::")
    module = ".".join(Path(path).relative_to("tests").with_suffix("").parts)
    if str(work / "tests") not in sys.path:
        sys.path.insert(0, str(work / "tests"))
    try:
        getattr(importlib.import_module(module), func)()
    except Exception:  # an assertion (the mutant is caught) or an error the mutant caused
        return 1
    return 0


def _fork(body: Callable[[], int]) -> int:
    """Run `body` in a forked child (the rules load afresh there); its exit code, -9 past TIMEOUT_S."""
    pid = os.fork()
    if pid == 0:  # child
        code = 3
        try:
            from agent import rules

            rules.load_rules.cache_clear()
            code = body()
        finally:
            os._exit(code)
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.02)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return -9


def _run_tests(tests: list[str]) -> int:
    """Fork; the child runs the rule tests on the rule files as they now are; its exit code."""
    return _fork(lambda: _quiet_pytest(tests))


def run(
    ref: str | None, files: tuple[str, ...], limit: int | None, only: dict[str, set[str]] | None = None
) -> dict[str, Any]:
    """Every data mutant of `files` (or, per file, only the ones named in `only`) against the rule tests."""
    work = Path(tempfile.mkdtemp(prefix="coach-mutate-rules-"))
    started = time.monotonic()
    try:
        _copy_tree(ref, work)
        unshadow(work)
        tests = [in_copy(t) for t in TESTS if (work / in_copy(t).split("::")[0]).exists()]
        os.chdir(work)
        sys.path.insert(0, str(work))
        for name in [m for m in sys.modules if m.split(".")[0] in ("agent", "knowledge")]:
            del sys.modules[name]  # the copy's code, not the checkout's
        if _warm_up(work, tests) != 0:
            raise SystemExit("the rule tests fail on the unmutated rule files")
        out: dict[str, Any] = {}
        for rel in files:
            path = work / rel
            original = path.read_text(encoding="utf-8")
            rules = yaml.safe_load(original)
            path.write_text(_dump(rules), encoding="utf-8")
            if _run_tests(tests) != 0:
                raise SystemExit(f"{rel}: the rule tests fail on the unmutated (re-dumped) file")
            codes: dict[str, int | None] = {}
            for n, (desc, mutated) in enumerate(mutants(rules)):
                if limit is not None and n >= limit:
                    break
                if only is not None and desc not in only.get(rel, set()):
                    continue
                path.write_text(_dump(mutated), encoding="utf-8")
                codes[desc] = _run_staged(tests, work)
                print(f"{'killed  ' if codes[desc] else 'SURVIVED'} {desc}", flush=True)
            path.write_text(original, encoding="utf-8")
            out[rel] = score(codes)
    finally:
        os.chdir(Path(__file__).resolve().parent.parent)
        shutil.rmtree(work, ignore_errors=True)
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "ref": ref or "working tree",
        "tool": "bench.mutate_rules (data mutants of the rule conditions)",
        "seconds": round(time.monotonic() - started),
        "tests": tests,
        "modules": out,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mutate_rules", description=__doc__.splitlines()[0])
    parser.add_argument("--ref", help="mutate this commit's rule files against its own rule tests")
    parser.add_argument("--label", default="after")
    parser.add_argument("--limit", type=int, help="at most this many mutants per file")
    parser.add_argument("--files", nargs="*", default=list(RULE_FILES), help="default: both rule files")
    parser.add_argument("--retest", metavar="LABEL", help="re-run only the survivors of rules-data-LABEL")
    args = parser.parse_args(argv)
    if args.retest:
        base = json.loads(SCORES.read_text(encoding="utf-8"))["runs"][f"rules-data-{args.retest}"]["modules"]
        only = {rel: set(base[rel]["survivors"]) for rel in args.files if rel in base}
        entry = run(args.ref, tuple(only), None, only)
        for rel, again in entry["modules"].items():  # the killed of the base run stay killed
            b = base[rel]
            entry["modules"][rel] = {
                **b,
                "killed": b["killed"] + again["killed"],
                "timeout": b.get("timeout", 0) + again["timeout"],
                "survived": again["survived"],
                "survivors": again["survivors"],
                "score": round((b["tested"] - again["survived"]) / b["tested"], 3),
                "retested_from": f"rules-data-{args.retest}",
            }
    else:
        entry = run(args.ref, tuple(args.files), args.limit)
    record(f"rules-data-{args.label}", entry)
    for rel, s in entry["modules"].items():
        print(f"{rel}: score {s['score']} ({s['killed']}/{s['tested']} killed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
