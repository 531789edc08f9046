"""Regulatory applicability eval: do the obligations and regulatory rules follow from the answers?

Each case in `eval/regulatory_cases.yaml` is a project as its lead typed it (parsed by the real answer
parser); the script compares, exactly, the obligations that apply (and, where given, those not yet
assessed) and the regulatory rules that fire, and prints per-case results and the pass rate, plus
precision and recall of "applies" over all obligation decisions.

    python -m eval.run_regulatory [--verbose]

Exit status 1 when any case fails.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CASES = Path(__file__).resolve().parent / "regulatory_cases.yaml"


@dataclass
class CaseResult:
    """One case's outcome: what differed from the expectation (empty lists: passed)."""

    name: str
    problems: list[str] = field(default_factory=list)
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def passed(self) -> bool:
        return not self.problems


def _records(raw: dict[str, str]) -> dict[str, Any]:
    from agent.parsing import parse_answer
    from agent.questions import load_bank
    from agent.snapshot import AnswerRecord

    bank = load_bank()
    out: dict[str, Any] = {}
    for qid, text in raw.items():
        q = bank.get(qid)
        parsed = parse_answer(q, str(text), "zh")
        if not parsed.ok:
            raise ValueError(f"{qid}: {text!r} does not parse: {parsed.error}")
        out[qid] = AnswerRecord(
            question_id=qid,
            stage=q.stage,
            field=q.field,
            raw=str(text),
            value=parsed.value,
            status=parsed.status,
            inferred=parsed.inferred,
        )
    return out


def run_case(case: dict[str, Any]) -> CaseResult:
    """Score one case against its expectations."""
    from agent.answers import build_profile_with_provenance, unknown_fields
    from agent.deliverables.compliance import assess
    from agent.rules import REGULATORY_RULES_FILE, evaluate_rules, load_rules

    records = _records(case["answers"])
    profile, provenance = build_profile_with_provenance(records)
    rows = assess(profile, unknown_fields(records))
    result = CaseResult(case["name"])
    applies = {r.obligation.id for r in rows if r.applies == "yes"}
    expected = set(case.get("applies", []))
    result.tp, result.fp, result.fn = (
        len(applies & expected),
        len(applies - expected),
        len(expected - applies),
    )
    if applies != expected:
        result.problems.append(
            f"applies: extra {sorted(applies - expected)}, missing {sorted(expected - applies)}"
        )
    if "unassessed" in case:
        unassessed = {r.obligation.id for r in rows if r.applies == "unassessed"}
        if unassessed != set(case["unassessed"]):
            want = set(case["unassessed"])
            result.problems.append(
                f"unassessed: extra {sorted(unassessed - want)}, missing {sorted(want - unassessed)}"
            )
    regulatory = {r.id for r in load_rules(REGULATORY_RULES_FILE)}
    findings = evaluate_rules(profile, records, "zh", provenance=provenance)
    fired = {f.id for f in findings if f.id in regulatory}
    if fired != set(case.get("rules", [])):
        want = set(case.get("rules", []))
        result.problems.append(f"rules: extra {sorted(fired - want)}, missing {sorted(want - fired)}")
    return result


def run(path: Path = CASES) -> list[CaseResult]:
    """Every case's result."""
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [run_case(c) for c in cases]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every case, not only failures")
    args = parser.parse_args(argv)
    results = run()
    for r in results:
        if args.verbose or not r.passed:
            print(f"{'PASS' if r.passed else 'FAIL'}  {r.name}")
            for p in r.problems:
                print(f"        {p}")
    passed = sum(r.passed for r in results)
    tp, fp, fn = (sum(getattr(r, k) for r in results) for k in ("tp", "fp", "fn"))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(
        f"regulatory applicability: {passed}/{len(results)} cases pass ({passed / len(results):.0%}); "
        f"'applies' precision {precision:.2f}, recall {recall:.2f} over {tp + fn} expected obligations"
    )
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
