"""Trust eval (issue 11): does the coach read answers right, and flag only what applies?

    python -m eval.run_trust [--corpus-only | --scenarios-only] [--json FILE] [--failures N]

(a) **Answer reading** — every case of `eval/answers_corpus/*.yaml` (a question id, what the user
    typed, and the value a careful consultant would record, or `ask_back`) goes through the guided
    answer reader, and each reading is scored: correct, asked back (safe, but the user has to answer
    again), or a **silent wrong value** (goal: 0) — a value the user did not say.
(b) **Scenarios** — every `eval/scenarios/*.yaml` is an answers file plus `expect: {must, must_not,
    may}`; it runs through the real `coach run … --format json` (the console script next to
    `sys.executable`, a fresh process, guided mode) and the pitfall ids in `report.json` are scored:
    recall over `must` (goal ≥ 0.95), precision = findings in `must ∪ may` / all findings (goal ≥ 0.9),
    must-not violations (goal 0). Scenarios with a `transcript` (question id → what the user typed)
    are also read through (a) against their own answers, and run a second time with the typed text
    in place of the canonical values.

The figures are a measurement, not a test: `tests/eval/` only checks that the files are well-formed.
Both sets were written before the engine was tuned; `holdout` cases are for reporting only.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# --------------------------------------------------------------------------------------------------
# ADAPTERS — the only places this runner touches the product's code (besides the `coach` console
# script). After a refactor, repoint them here. `read_answer` must return ("value", v), ("ask",
# candidates) when the reader refuses or is uncertain and would ask the user, ("unknown", None) for
# "don't know", ("skipped", None) for skip. `counts_as_finding` tells a risk from a reported gap.
# --------------------------------------------------------------------------------------------------


def read_answer(question_id: str, text: str, lang: str) -> tuple[str, Any]:
    """How the guided-mode reader records `text` typed in answer to `question_id`."""
    from agent.parsing import parse_answer
    from agent.questions import load_bank

    result = parse_answer(load_bank().get(question_id), text, lang)  # type: ignore[arg-type]
    if not result.ok:
        return "ask", getattr(result, "candidates", None)
    if result.status != "answered":
        return result.status, None
    if getattr(result, "uncertain", False):  # a future reader may flag a reading to confirm
        return "ask", result.value
    return "value", result.value


def question_info(question_id: str) -> tuple[str, str]:
    """(profile field path, question type) of a bank question; the type is choice, multi, yesno,
    number, text or text_list (a text question whose field holds a list)."""
    from agent.fieldtypes import field_spec
    from agent.questions import load_bank

    q = load_bank().get(question_id)
    kind = "text_list" if q.type == "text" and field_spec(q.field).kind == "text_list" else str(q.type)
    return q.field, kind


GAP_MARKERS = {"gap", "not_assessed", "not-assessed", "open", "open_question", "unknown"}


def counts_as_finding(pitfall: dict[str, Any]) -> bool:
    """Whether a `report.json` pitfall asserts a risk. Issue 11 keeps "not yet assessed" gaps apart
    from findings; if the engine reports them inside `pitfalls` with a marker (a `kind`, `category`
    or `status` of "gap"/"not_assessed", or such a severity), they are not judged as findings here."""
    markers = {str(pitfall.get(k, "")).lower() for k in ("kind", "category", "status", "severity")}
    return not (markers & GAP_MARKERS) and not pitfall.get("gap")


def coach_executable() -> str:
    """The `coach` console script of the interpreter running this eval."""
    name = "coach.exe" if os.name == "nt" else "coach"
    return str(Path(sys.executable).with_name(name))


# --------------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "eval" / "answers_corpus"
SCENARIO_DIR = ROOT / "eval" / "scenarios"
HOLDOUT_FILE = "holdout.yaml"
SPLIT_FILES = {HOLDOUT_FILE: "holdout", "blind_dev3.yaml": "dev3"}
"""Corpus files reported as a split of their own (the others are `dev`): the holdout (never tuned on)
and the third dev batch, written blind (its first figures are in eval/README.md)."""
SCENARIO_META_KEYS = ("scenario", "expect", "transcript")
"""Top-level keys of a scenario file that are not part of the answers file."""
GOALS = {"silent_wrong": 0, "recall": 0.95, "precision": 0.9, "must_not": 0}
RUN_TIMEOUT_S = 300


# ============================================================================= (a) answer reading
@dataclass
class Case:
    """One corpus case: what was typed, and what a careful consultant would record."""

    q: str
    lang: str
    text: str
    split: str
    file: str
    expect_kind: str
    """value | ask | unknown | skipped"""
    value: Any = None
    tol: float | None = None
    tags: list[str] = field(default_factory=list)


def load_corpus(directory: Path = CORPUS_DIR) -> list[Case]:
    """Every corpus case; split by file (`SPLIT_FILES`, else `dev`)."""
    cases: list[Case] = []
    for path in sorted(directory.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if item.get("ask_back"):
                kind = "ask"
            elif "status" in item:
                kind = str(item["status"])
            else:
                kind = "value"
            cases.append(
                Case(
                    q=item["q"],
                    lang=item["lang"],
                    text=str(item["text"]),
                    split=SPLIT_FILES.get(path.name, "dev"),
                    file=path.name,
                    expect_kind=kind,
                    value=item.get("value"),
                    tol=item.get("tol"),
                    tags=list(item.get("tags", [])),
                )
            )
    return cases


def same_value(expected: Any, got: Any, tol: float | None = None) -> bool:
    """Whether a reading equals the expected value (numbers within a tolerance, lists as sets)."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got
    if isinstance(expected, int | float) and isinstance(got, int | float):
        allowed = tol if tol is not None else max(1e-6, abs(float(expected)) * 0.005)
        return math.isclose(float(expected), float(got), abs_tol=allowed)
    if isinstance(expected, list) and isinstance(got, list):
        return sorted(map(str, expected)) == sorted(map(str, got))
    if isinstance(expected, str) and isinstance(got, str):
        return expected.strip() == got.strip()
    return False


def score_reading(case: Case, kind: str, value: Any) -> str:
    """correct | asked_back | silent_wrong for one reading of one case."""
    if kind == "value":
        if case.expect_kind == "value" and same_value(case.value, value, case.tol):
            return "correct"
        return "silent_wrong"
    if case.expect_kind in ("ask", "unknown") and kind in ("ask", "unknown"):
        return "correct" if case.expect_kind == kind or case.expect_kind == "ask" else "asked_back"
    if case.expect_kind in ("skipped", "unknown") and kind in ("skipped", "unknown"):
        return "correct"
    return "asked_back"


@dataclass
class Tally:
    """Counts of outcomes for one slice of the corpus."""

    n: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: str) -> None:
        self.n += 1
        self.outcomes[outcome] += 1

    def share(self, outcome: str) -> float:
        return self.outcomes[outcome] / self.n if self.n else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "correct": round(self.share("correct"), 3),
            "asked_back": round(self.share("asked_back"), 3),
            "silent_wrong": self.outcomes["silent_wrong"],
            "silent_wrong_share": round(self.share("silent_wrong"), 3),
        }


def field_type(question_id: str) -> str:
    """The question type (choice, multi, yesno, number, text or text_list)."""
    return question_info(question_id)[1]


def run_corpus(cases: list[Case]) -> tuple[dict[str, Any], list[tuple[Case, str, Any, str]]]:
    """Read every case; figures per slice and the list of (case, kind, value, outcome)."""
    slices: dict[str, Tally] = defaultdict(Tally)
    rows: list[tuple[Case, str, Any, str]] = []
    for case in cases:
        try:
            kind, value = read_answer(case.q, case.text, case.lang)
        except Exception as exc:  # a crash is not a wrong value, but it is not an answer either
            kind, value = "ask", f"crash: {type(exc).__name__}: {exc}"
        outcome = score_reading(case, kind, value)
        rows.append((case, kind, value, outcome))
        for key in (
            "all",
            f"split:{case.split}",
            f"lang:{case.lang}",
            f"type:{field_type(case.q)}",
            f"expect:{case.expect_kind}",
            *(f"tag:{t}" for t in case.tags),
        ):
            slices[key].add(outcome)
    return {k: slices[k].as_dict() for k in sorted(slices)}, rows


def print_corpus(figures: dict[str, Any], rows: list[tuple[Case, str, Any, str]], failures: int) -> None:
    a = figures["all"]
    print("== (a) answer reading: eval/answers_corpus ==")
    print(
        f"cases {a['n']}  correct {a['correct']:.1%}  asked back {a['asked_back']:.1%}  "
        f"SILENT WRONG {a['silent_wrong']} ({a['silent_wrong_share']:.1%}, goal {GOALS['silent_wrong']})"
    )
    dev, holdout = figures.get("split:dev", {}), figures.get("split:holdout", {})
    dev3 = figures.get("split:dev3", {})
    print(
        f"silent wrong values: dev {dev.get('silent_wrong', 0)} of {dev.get('n', 0)}, dev3 (written blind) "
        f"{dev3.get('silent_wrong', 0)} of {dev3.get('n', 0)}, holdout {holdout.get('silent_wrong', 0)} of "
        f"{holdout.get('n', 0)} (report only); asked back {a['asked_back']:.1%} (dev {dev.get('asked_back', 0):.1%}, "
        f"dev3 {dev3.get('asked_back', 0):.1%})"
    )
    print(f"{'slice':28} {'n':>4} {'correct':>8} {'asked':>7} {'wrong':>6}")
    for prefix in ("split:", "lang:", "type:", "expect:", "tag:"):
        for key, f in figures.items():
            if key.startswith(prefix):
                print(
                    f"{key:28} {f['n']:>4} {f['correct']:>8.1%} {f['asked_back']:>7.1%} {f['silent_wrong']:>6}"
                )
    wrong = [r for r in rows if r[3] == "silent_wrong"]
    if wrong and failures:
        print(f"-- silent wrong values (first {min(failures, len(wrong))} of {len(wrong)}) --")
        for case, _kind, value, _ in wrong[:failures]:
            want = "ask back" if case.expect_kind == "ask" else case.expect_kind
            if case.expect_kind == "value":
                want = json.dumps(case.value, ensure_ascii=False)
            print(
                f"  [{case.split}] {case.q:24} {case.text!r} → {json.dumps(value, ensure_ascii=False)}"
                f" (expected {want})"
            )


# ============================================================================= (b) scenarios
@dataclass
class Scenario:
    """One scenario: the answers, the expected pitfalls and, optionally, a typed transcript."""

    name: str
    answers: dict[str, Any]
    must: list[str]
    must_not: list[str]
    may: list[str]
    sector: str
    transcript: dict[str, str]
    split: str = "dev"
    """dev, or holdout: scenarios kept for reporting only (do not tune rules on them)."""
    batch: str = ""
    """A set written together (`scenario.batch`), reported on its own line too (e.g. the issue-11
    rules' blind set, written before the rules were changed)."""


def _ids(items: Any) -> list[str]:
    return [str(i["id"] if isinstance(i, dict) else i) for i in items or []]


def load_scenarios(directory: Path = SCENARIO_DIR) -> list[Scenario]:
    """Every scenario file (answers + `scenario` + `expect` [+ `transcript`])."""
    out: list[Scenario] = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        expect = data.get("expect") or {}
        out.append(
            Scenario(
                name=path.stem,
                answers={k: v for k, v in data.items() if k not in SCENARIO_META_KEYS},
                must=_ids(expect.get("must")),
                must_not=_ids(expect.get("must_not")),
                may=_ids(expect.get("may")),
                sector=str((data.get("scenario") or {}).get("sector", "")),
                transcript={str(k): str(v) for k, v in (data.get("transcript") or {}).items()},
                split=str((data.get("scenario") or {}).get("split", "dev")),
                batch=str((data.get("scenario") or {}).get("batch", "")),
            )
        )
    return out


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "COACH_HOME": str(home)}
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COACH_MODEL", "COACH_LANG"):
        env.pop(var, None)  # guided mode: the rules are measured, not a model
    return env


def run_coach(answers: dict[str, Any], work: Path, home: Path) -> tuple[list[dict[str, Any]] | None, str]:
    """Run `coach run` on `answers`; the report's pitfalls, or None and the error output."""
    work.mkdir(parents=True, exist_ok=True)
    file = work / "answers.yaml"
    file.write_text(yaml.safe_dump(answers, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = work / "out"
    cmd = [coach_executable(), "run", "--answers", str(file), "--out", str(out), "--format", "json"]
    proc = subprocess.run(
        cmd, env=_env(home), capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
    )
    report = out / "report.json"
    if proc.returncode != 0 or not report.exists():
        return None, f"exit {proc.returncode}: {(proc.stderr or proc.stdout).strip()[-400:]}"
    return list(json.loads(report.read_text(encoding="utf-8")).get("pitfalls", [])), ""


def typed_answers(sc: Scenario) -> dict[str, Any]:
    """The scenario's answers with each transcript entry's typed text in place of its value."""
    answers = json.loads(json.dumps(sc.answers))
    for qid, text in sc.transcript.items():
        section, _, name = question_info(qid)[0].partition(".")
        answers.setdefault(section, {})[name] = text
    return answers


@dataclass
class ScenarioResult:
    name: str
    variant: str
    found: list[str]
    high: list[str]
    high_from_gaps: list[str] = field(default_factory=list)
    """HIGH findings asserted (partly) from a gap — issue 11: never a HIGH risk by itself."""
    error: str = ""
    missed: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    from_gaps: list[str] = field(default_factory=list)
    """Findings whose evidence includes an unanswered or "don't know" field (a null value)."""


def rests_on_a_gap(pitfall: dict[str, Any]) -> bool:
    """Whether a finding's evidence includes a field with no value: it was asserted (partly) from a gap."""
    return any(isinstance(e, dict) and e.get("value") is None for e in pitfall.get("evidence") or [])


def score_scenario(
    sc: Scenario, variant: str, pitfalls: list[dict[str, Any]] | None, error: str
) -> ScenarioResult:
    """Compare the findings of one run with the scenario's expectations."""
    if pitfalls is None:
        return ScenarioResult(sc.name, variant, [], [], error=error, missed=list(sc.must))
    high_gaps = {str(p["id"]) for p in pitfalls if p.get("severity") == "high" and rests_on_a_gap(p)}
    pitfalls = [p for p in pitfalls if counts_as_finding(p)]
    found = [str(p["id"]) for p in pitfalls]
    return ScenarioResult(
        sc.name,
        variant,
        found,
        [str(p["id"]) for p in pitfalls if p.get("severity") == "high"],
        high_from_gaps=sorted(high_gaps & {str(p["id"]) for p in pitfalls}),
        missed=[m for m in sc.must if m not in found],
        violations=[m for m in sc.must_not if m in found],
        unexpected=[f for f in found if f not in sc.must and f not in sc.may and f not in sc.must_not],
        from_gaps=[str(p["id"]) for p in pitfalls if rests_on_a_gap(p)],
    )


def aggregate(scenarios: list[Scenario], results: list[ScenarioResult]) -> dict[str, Any]:
    """Micro-averaged recall and precision, must-not violations, failed runs."""
    by_name = {s.name: s for s in scenarios}
    must = sum(len(by_name[r.name].must) for r in results)
    hit = sum(len(by_name[r.name].must) - len(r.missed) for r in results)
    found = sum(len(r.found) for r in results)
    good = sum(len([f for f in r.found if f in by_name[r.name].must + by_name[r.name].may]) for r in results)
    return {
        "scenarios": len(results),
        "recall": round(hit / must, 3) if must else None,
        "precision": round(good / found, 3) if found else None,
        "must_not_violations": sum(len(r.violations) for r in results),
        "unexpected_findings": sum(len(r.unexpected) for r in results),
        "findings_from_gaps": sum(len(r.from_gaps) for r in results),
        "high_findings_from_gaps": sum(len(r.high_from_gaps) for r in results),
        "findings": found,
        "run_errors": sum(1 for r in results if r.error),
    }


def run_scenarios(scenarios: list[Scenario], *, progress: bool = True) -> dict[str, Any]:
    """Run every scenario (and every transcript variant) through `coach run`; figures and per-run results."""
    results: list[ScenarioResult] = []
    with tempfile.TemporaryDirectory(prefix="coach-eval-") as tmp:
        home = Path(tmp) / "home"
        for sc in scenarios:
            variants = [("answers", sc.answers)] + (
                [("transcript", typed_answers(sc))] if sc.transcript else []
            )
            for variant, answers in variants:
                if progress:
                    print(f"  running {sc.name} ({variant})…", file=sys.stderr, flush=True)
                try:
                    pitfalls, error = run_coach(answers, Path(tmp) / sc.name / variant, home)
                except subprocess.TimeoutExpired:
                    pitfalls, error = None, f"timed out after {RUN_TIMEOUT_S} s"
                results.append(score_scenario(sc, variant, pitfalls, error))
    base = [r for r in results if r.variant == "answers"]
    typed = [r for r in results if r.variant == "transcript"]
    split_of = {s.name: s.split for s in scenarios}
    return {
        "answers": aggregate(scenarios, base),
        "answers_dev": aggregate(scenarios, [r for r in base if split_of[r.name] == "dev"]),
        "answers_holdout": aggregate(scenarios, [r for r in base if split_of[r.name] == "holdout"]),
        "transcripts": aggregate(scenarios, typed) if typed else None,
        "batches": {
            b: aggregate(
                scenarios, [r for r in base if r.name in {s.name for s in scenarios if s.batch == b}]
            )
            for b in sorted({s.batch for s in scenarios if s.batch})
        },
        "sectors": len({s.sector for s in scenarios if s.sector}),
        "results": results,
    }


def run_transcript_readings(scenarios: list[Scenario]) -> tuple[dict[str, Any], list[str]]:
    """Each transcript entry read as the TUI reads it, against the scenario's own answer for that field."""
    tally = Tally()
    wrong: list[str] = []
    for sc in scenarios:
        lang = str(sc.answers.get("lang") or "zh")
        for qid, text in sc.transcript.items():
            section, _, name = question_info(qid)[0].partition(".")
            expected = (sc.answers.get(section) or {}).get(name)
            case = Case(q=qid, lang=lang, text=text, split="transcript", file=sc.name, expect_kind="value")
            if expected in (None, "unknown", "skip"):
                case.expect_kind = "unknown" if expected == "unknown" else "skipped"
            else:
                case.value = expected
            kind, value = read_answer(qid, text, lang)
            outcome = score_reading(case, kind, value)
            tally.add(outcome)
            if outcome == "silent_wrong":
                wrong.append(
                    f"  {sc.name}: {qid} {text!r} → {json.dumps(value, ensure_ascii=False)} (expected {expected!r})"
                )
    return tally.as_dict(), wrong


def print_scenarios(figs: dict[str, Any], readings: tuple[dict[str, Any], list[str]] | None) -> None:
    print("== (b) scenarios: eval/scenarios (coach run, guided mode) ==")
    rows = (
        ("answers files", figs["answers"]),
        ("  of which dev", figs["answers_dev"]),
        ("  of which holdout", figs["answers_holdout"]),
        *((f"  batch {b}", agg) for b, agg in figs.get("batches", {}).items()),
        ("typed transcripts", figs["transcripts"]),
    )
    for label, agg in rows:
        if not agg:
            continue
        rec = "n/a" if agg["recall"] is None else f"{agg['recall']:.3f}"
        prec = "n/a" if agg["precision"] is None else f"{agg['precision']:.3f}"
        print(
            f"{label:18} scenarios {agg['scenarios']:>3}  recall {rec} (goal ≥ {GOALS['recall']})  "
            f"precision {prec} (goal ≥ {GOALS['precision']})  must-not {agg['must_not_violations']} "
            f"(goal 0)  unexpected {agg['unexpected_findings']}  run errors {agg['run_errors']}"
        )
        print(
            f"{'':18} findings {agg['findings']}, of which resting on a gap (unanswered / don't know) "
            f"{agg['findings_from_gaps']}, HIGH ones {agg['high_findings_from_gaps']} (goal 0)"
        )
    print(f"sectors covered: {figs['sectors']}")
    if readings is not None:
        r, wrong = readings
        print(
            f"transcript readings: {r['n']} typed answers, correct {r['correct']:.1%}, asked back "
            f"{r['asked_back']:.1%}, SILENT WRONG {r['silent_wrong']}"
        )
        for line in wrong:
            print(line)
    failing = [r for r in figs["results"] if r.error or r.missed or r.violations or r.unexpected]
    if failing:
        print("-- scenarios with a miss, a must-not violation, an unexpected finding or a failed run --")
    for r in failing:
        parts = []
        if r.error:
            parts.append(f"RUN FAILED {r.error}")
        if r.missed:
            parts.append("missed " + ", ".join(r.missed))
        if r.violations:
            parts.append("MUST-NOT " + ", ".join(r.violations))
        if r.unexpected:
            parts.append("unexpected " + ", ".join(r.unexpected))
        print(f"  {r.name} [{r.variant}]: " + "; ".join(parts))


# ============================================================================= main
def collect(*, corpus: bool = True, scenarios: bool = True, progress: bool = True) -> dict[str, Any]:
    """All figures as one dict (also what `bench/bench_trust.py` reports)."""
    out: dict[str, Any] = {}
    if corpus:
        figures, rows = run_corpus(load_corpus())
        out["corpus"] = figures
        out["_corpus_rows"] = rows
    if scenarios:
        scs = load_scenarios()
        figs = run_scenarios(scs, progress=progress)
        out["scenarios"] = figs
        out["transcript_readings"] = run_transcript_readings(scs)
    return out


def summary(figs: dict[str, Any]) -> dict[str, Any]:
    """The headline figures, JSON-ready, each next to its goal."""
    out: dict[str, Any] = {}
    if "corpus" in figs:
        c = figs["corpus"]
        out["corpus"] = {k: v for k, v in c.items() if not k.startswith("tag:")}
        out["corpus"]["tags"] = {k[4:]: v for k, v in c.items() if k.startswith("tag:")}
    if "scenarios" in figs:
        s = figs["scenarios"]
        out["scenarios"] = {
            "answers": s["answers"],
            "answers_dev": s["answers_dev"],
            "answers_holdout": s["answers_holdout"],
            "batches": s.get("batches", {}),
            "transcripts": s["transcripts"],
            "sectors": s["sectors"],
            "transcript_readings": figs["transcript_readings"][0],
            "failures": [
                {
                    "scenario": r.name,
                    "variant": r.variant,
                    "missed": r.missed,
                    "must_not": r.violations,
                    "unexpected": r.unexpected,
                    "error": r.error,
                }
                for r in s["results"]
                if r.error or r.missed or r.violations or r.unexpected
            ],
        }
    out["goals"] = GOALS
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.run_trust", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-only", action="store_true", help="only (a), the answer-reading corpus")
    parser.add_argument("--scenarios-only", action="store_true", help="only (b), the scenarios")
    parser.add_argument("--failures", type=int, default=40, help="silent wrong values to list (default 40)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    figs = collect(corpus=not args.scenarios_only, scenarios=not args.corpus_only)
    if "corpus" in figs:
        print_corpus(figs["corpus"], figs["_corpus_rows"], args.failures)
    if "scenarios" in figs:
        print_scenarios(figs["scenarios"], figs["transcript_readings"])
    if args.json:
        args.json.write_text(json.dumps(summary(figs), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0  # figures are a measurement; a poor figure is reported, not an error


if __name__ == "__main__":
    raise SystemExit(main())
