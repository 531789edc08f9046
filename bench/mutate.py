"""Mutation testing of the modules where a silent change hurts users most (`make mutate`).

    python -m bench.mutate                  # every mutant of every target, against HEAD's tests
    python -m bench.mutate --sample 60      # at most 60 mutants per module (evenly spread, seeded)
    python -m bench.mutate --ref main --label before    # the same, on another commit's code and tests

Runs mutmut 3 (the `mutate` extra) in a throw-away copy of the tree (never in the working tree): mutmut
copies the copy's sources to `mutants/`, maps each function to the tests that run it (only the fast
tests listed in `TARGETS`) and runs, per mutant, only those. The declarative rule conditions are
mutated as data by `bench.mutate_rules`. Scores go to `bench/mutation.json` (kept in git: the last
measured figures, one entry per label) and into the `mutation` entry of `bench/results.json`.
Not part of `make test` or `make bench`: a full run takes long on a small machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCORES = ROOT / "bench" / "mutation.json"
RESULTS = ROOT / "bench" / "results.json"
GOAL = 0.85

TARGETS: dict[str, list[str]] = {
    # rule conditions and the rule engine
    "agent/conditions.py": [
        "tests/agent/test_conditions.py",
        "tests/agent/test_condition_checks.py",
        "tests/agent/test_conditions_three_valued.py",
        "tests/agent/test_rules_preconditions.py",
        "tests/agent/test_rule_branches.py",
    ],
    "agent/rules.py": [
        "tests/agent/test_rules.py",
        "tests/agent/test_rule_engine_edges.py",
        "tests/agent/test_rules_preconditions.py",
        "tests/agent/test_rule_branches.py",
        "tests/agent/test_rules_regulatory.py",
        "tests/agent/test_rule_advice_by_sector.py",
    ],
    # answer reading: options, numbers, signals, cues
    "agent/parsing.py": [
        "tests/agent/test_parsing.py",
        "tests/agent/test_parsing_edges.py",
        "tests/agent/test_robustness.py",
        "tests/agent/test_parse_error_language.py",
        "tests/agent/test_reading_ask_back.py",
        "tests/agent/test_reading_table.py",
    ],
    "agent/numbers.py": [
        "tests/agent/test_numbers.py",
        "tests/agent/test_number_reading.py",
        "tests/agent/test_reading_table.py",
    ],
    "agent/numtext.py": [
        "tests/agent/test_numbers.py",
        "tests/agent/test_number_reading.py",
        "tests/agent/test_reading_table.py",
    ],
    "agent/cues.py": [
        "tests/agent/test_parsing.py",
        "tests/agent/test_reading_ask_back.py",
        "tests/agent/test_reading_table.py",
    ],
    "agent/signals.py": [
        "tests/agent/test_signals.py",
        "tests/agent/test_signal_table.py",
        "tests/agent/test_robustness.py",
    ],
    "agent/answers.py": [
        "tests/agent/test_answers.py",
        "tests/agent/test_inference.py",
        "tests/agent/test_answers_provenance.py",
    ],
    # answers-file validation
    "agent/answers_schema.py": [
        "tests/agent/test_answers_file.py",
        "tests/deliverables/test_answers_file.py",
        "tests/deliverables/test_answers_file_defects.py",
        "tests/agent/test_answers_file_records.py",
    ],
    "agent/deliverables/answers_file.py": [
        "tests/deliverables/test_answers_file.py",
        "tests/agent/test_answers_file.py",
        "tests/deliverables/test_answers_file_defects.py",
    ],
    # key scrubbing
    "agent/scrub.py": ["tests/security/test_scrub.py", "tests/security/test_key_shapes.py"],
    # retry / Retry-After
    "graphs/model_calls.py": [
        "tests/graphs/test_model_calls.py",
        "tests/graphs/test_model_call_limits.py",
        "tests/graphs/test_graph_llm.py",
        "tests/security/test_key_shapes.py",
    ],
    "graphs/model_failures.py": ["tests/graphs/test_model_failures.py", "tests/graphs/test_graph_llm.py"],
    # atomic export
    "agent/deliverables/files.py": [
        "tests/deliverables/test_files.py",
        "tests/deliverables/test_files_journal.py",
        "tests/deliverables/test_formats.py",
    ],
}
"""Each mutated module and the fast tests that guard it (tests marked `slow` are left out when run;
every file listed exists: tests/test_mutation_targets.py; files missing at an older `--ref` are left out)."""


def _copy_tree(ref: str | None, dest: Path) -> None:
    """The tracked (and new, unignored) files of the working tree, or of commit `ref`, into `dest`."""
    if ref:
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        return
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def unshadow(work: Path) -> None:
    """Rename the copy's `tests/agent` package (a package named `agent`, like the product's) to
    `tests/agent_tests`. In the checkout the product's modules still import under the test package's
    name only through the editable install's finder, which points at the checkout: the tests would run
    the checkout's code, not the mutated copy's, and no mutant could be killed."""
    shadow = work / "tests" / "agent"
    if not (shadow / "__init__.py").exists():
        return
    shadow.rename(work / "tests" / "agent_tests")
    for py in (work / "tests").rglob("*.py"):
        text = py.read_text(encoding="utf-8")
        if "tests.agent." in text:
            py.write_text(text.replace("tests.agent.", "tests.agent_tests."), encoding="utf-8")


def in_copy(test: str) -> str:
    """A test file's path in the copy (see `unshadow`)."""
    return test.replace("tests/agent/", "tests/agent_tests/", 1)


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def configure(work: Path, modules: list[str]) -> list[str]:
    """Append mutmut's settings to the copy's pyproject.toml; returns the test files selected."""
    tests = sorted({in_copy(t) for m in modules for t in TARGETS[m] if (work / in_copy(t)).exists()})
    config = f"""
[tool.mutmut]
source_paths = ["agent", "graphs"]
only_mutate = {_toml_list(modules)}
also_copy = ["knowledge", "prompts", "tui", "cli", "examples"]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-W", "ignore", "-m", "not slow"]
pytest_add_cli_args_test_selection = {_toml_list(tests)}
use_git_change_detection = false
"""
    with (work / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write(config)
    return tests


def _mutmut(work: Path, *args: str, env: dict[str, str]) -> None:
    exe = Path(sys.executable).with_name("mutmut")
    subprocess.run([str(exe), *args], cwd=work, env=env, check=False)


def _exit_codes(work: Path) -> dict[str, dict[str, int | None]]:
    """Mutant name → exit code (None: not run), per mutated module path (a kept folder of a run of
    several modules holds one copy per module: all are read)."""
    out: dict[str, dict[str, int | None]] = {}
    for meta in work.rglob("mutants/**/*.py.meta"):
        module = str(meta.relative_to(work)).split("mutants/", 1)[1].removesuffix(".meta")
        out.setdefault(module, {}).update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return out


TIMEOUT_CODES = frozenset({36, 24, -24, 152, 255})
"""mutmut's exit codes for a mutant whose tests ran past its time limit (or its CPU limit): counted as
killed, as mutation tools do (the change made the code hang), and reported apart."""
SURVIVED_CODES = frozenset({0, 5, 33})
"""The tests passed (0), or none ran the mutant (5, 33)."""


def score(codes: dict[str, int | None]) -> dict[str, Any]:
    """Killed / survived / timed out among the mutants of a module (exit 0: the tests passed =
    survived; 33: no test ran it, survived too; a timeout, a crash or a signal: killed)."""
    ran = {k: c for k, c in codes.items() if c is not None and c != 34}  # 34: skipped by mutmut
    survived = sorted(k for k, c in ran.items() if c in SURVIVED_CODES)
    timeout = sum(1 for c in ran.values() if c in TIMEOUT_CODES)
    killed = len(ran) - len(survived) - timeout
    return {
        "mutants": len(codes),
        "tested": len(ran),
        "killed": killed,
        "timeout": timeout,
        "survived": len(survived),
        "score": round((killed + timeout) / len(ran), 3) if ran else None,
        "survivors": survived,
    }


_MUTANT_DEF = re.compile(r"^\s*(?:async\s+)?def (x\S*?__mutmut_\d+)\(", re.MULTILINE)


def generated_names(work: Path, module: str) -> list[str]:
    """The names of the mutants mutmut generated for `module` (its mutated source defines one function
    per mutant), sorted; before any has run (mutmut writes its result file only when it runs)."""
    mutated = work / "mutants" / module
    if not mutated.is_file():
        return []
    dotted = module.removesuffix(".py").replace("/", ".")
    return sorted(f"{dotted}.{n}" for n in _MUTANT_DEF.findall(mutated.read_text(encoding="utf-8")))


def tested_names(work: Path) -> list[str]:
    """The mutants a kept run (`--keep`) has a verdict for."""
    return sorted(k for codes in _exit_codes(work).values() for k, c in codes.items() if c is not None)


def run(
    modules: list[str],
    *,
    ref: str | None,
    sample: int | None,
    seed: int,
    keep: Path | None,
    same_as: list[str] | None = None,
    children: int = 2,
) -> dict[str, Any]:
    """Mutate `modules` in a copy of the tree; per-module scores. `same_as`: only these mutants (those
    another run tested, e.g. the run before new tests), where they exist here."""
    work = Path(tempfile.mkdtemp(prefix="coach-mutate-")) if keep is None else keep
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        _copy_tree(ref, work)
        unshadow(work)
        tests = configure(work, modules)
        env = dict(os.environ)
        env.pop("CI", None)
        names: list[str] = []
        if same_as:
            _mutmut(work, "run", "--max-children", str(children), "no-such-mutant*", env=env)
            here = {k for m in modules for k in generated_names(work, m)}
            names = [n for n in same_as if n in here]
            if not names:  # nothing left to run: no verdicts, not "every mutant"
                return {"ref": ref or "working tree", "modules": {m: score({}) for m in modules}}
        elif sample:
            # generate the mutants without running any (mutmut stops: no mutant has that name), read
            # their names from the mutated sources, then pick a seeded random sample per module
            _mutmut(work, "run", "--max-children", str(children), "no-such-mutant*", env=env)
            rng = random.Random(seed)
            for module in modules:
                keys = generated_names(work, module)
                picked = keys if len(keys) <= sample else sorted(rng.sample(keys, sample))
                names.extend(picked)
        _mutmut(work, "run", "--max-children", str(children), *names, env=env)
        codes = _exit_codes(work)
        generated = {m: max(len(c), len(generated_names(work, m))) for m, c in codes.items()}
        if names:
            codes = {m: {k: v for k, v in c.items() if k in names} for m, c in codes.items()}
        modules_out = {}
        for m in modules:
            s = score(codes.get(m, {}))
            s["generated"] = generated.get(m, 0)
            s["sampled"] = s["tested"] < s["generated"]
            modules_out[m] = s
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "ref": ref or "working tree",
        "tool": "mutmut " + _version(),
        "sample_per_module": sample,
        "seconds": round(time.monotonic() - started),
        "tests": tests,
        "modules": modules_out,
    }


def _version() -> str:
    from importlib.metadata import version

    return version("mutmut")


def record(label: str, entry: dict[str, Any]) -> None:
    """Keep `entry` under `label` in bench/mutation.json and copy the file into bench/results.json."""
    scores = json.loads(SCORES.read_text(encoding="utf-8")) if SCORES.exists() else {}
    scores.setdefault("goal", GOAL)
    scores.setdefault("runs", {})[label] = entry
    SCORES.write_text(json.dumps(scores, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    publish(scores)


def publish(scores: dict[str, Any]) -> None:
    """The `mutation` entry of bench/results.json (the file `make bench` writes) set to `scores`."""
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    results["mutation"] = scores
    tmp = RESULTS.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    tmp.replace(RESULTS)


def table(entry: dict[str, Any]) -> str:
    lines = [f"{'module':34} {'score':>6} {'killed':>7} {'tested':>7} {'mutants':>8}"]
    for module, s in entry["modules"].items():
        shown = "-" if s["score"] is None else f"{s['score']:.2f}"
        lines.append(f"{module:34} {shown:>6} {s['killed']:>7} {s['tested']:>7} {s['mutants']:>8}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mutate", description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"modules to mutate (default: {len(TARGETS)} targets)")
    parser.add_argument("--ref", help="mutate this commit's code against its own tests")
    parser.add_argument("--sample", type=int, help="at most this many mutants per module")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--label", default="after", help="name of this run in bench/mutation.json")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (to inspect mutants)")
    parser.add_argument("--same-as", type=Path, help="only the mutants a kept run (--keep) tested")
    parser.add_argument("--collect", type=Path, help="record the verdicts so far of a kept run, run nothing")
    parser.add_argument("--children", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument(
        "--retest",
        metavar="LABEL",
        help="re-run only the survivors of run LABEL (after new tests: the killed stay killed); the "
        "module's figures under --label become LABEL's killed plus the survivors now killed",
    )
    args = parser.parse_args(argv)
    modules = args.modules or list(TARGETS)
    unknown = [m for m in modules if m not in TARGETS]
    if unknown:
        parser.error(f"not a target: {unknown}")
    if args.collect:
        codes = _exit_codes(args.collect)
        names = set(tested_names(args.collect))
        entry = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "ref": args.ref or "working tree",
            "tool": "mutmut " + _version(),
            "note": "verdicts collected from a run stopped before its end: the mutants tested so far",
            "modules": {m: score({k: v for k, v in codes.get(m, {}).items() if k in names}) for m in modules},
        }
        _merge_and_record(args.label, entry)
        return 0
    if args.retest:
        for module in modules:
            _retest(module, args.retest, args.label, keep=args.keep, children=args.children)
        return 0
    same = tested_names(args.same_as) if args.same_as else None
    # one module at a time (its own mutmut run, only its tests), each recorded as soon as it is done
    for module in modules:
        entry = run(
            [module],
            ref=args.ref,
            sample=args.sample,
            seed=args.seed,
            keep=args.keep / module.replace("/", "-") if args.keep else None,
            same_as=same,
            children=args.children,
        )
        _merge_and_record(args.label, entry)
    return 0


def _retest(module: str, base_label: str, label: str, *, keep: Path | None, children: int) -> None:
    """Run only the survivors of `base_label`'s run of `module`; record the combined figures under `label`."""
    base = json.loads(SCORES.read_text(encoding="utf-8"))["runs"][base_label]["modules"][module]
    entry = run(
        [module],
        ref=None,
        sample=None,
        seed=0,
        keep=keep / module.replace("/", "-") if keep else None,
        same_as=base["survivors"],
        children=children,
    )
    again = entry["modules"][module]
    killed_now = again["killed"] + again["timeout"]
    if not base["survivors"] or killed_now + again["survived"] != len(base["survivors"]):
        raise SystemExit(f"{module}: {again['tested']} of {len(base['survivors'])} survivors re-run")
    combined = {
        **base,
        "killed": base["killed"] + again["killed"],
        "timeout": base.get("timeout", 0) + again["timeout"],
        "survived": again["survived"],
        "survivors": again["survivors"],
        "score": round((base["tested"] - again["survived"]) / base["tested"], 3),
        "retested_from": base_label,
    }
    entry["modules"] = {module: combined}
    entry["note"] = f"the survivors of '{base_label}' re-run with this tree's tests; its killed kept"
    _merge_and_record(label, entry)


def _merge_and_record(label: str, entry: dict[str, Any]) -> None:
    """Record `entry` under `label`, keeping the modules an earlier partial run of that label measured."""
    old = (
        json.loads(SCORES.read_text(encoding="utf-8")).get("runs", {}).get(label) if SCORES.exists() else None
    )
    seconds = dict((old or {}).get("seconds_by_module", {}))
    if "seconds" in entry and len(entry["modules"]) == 1:
        seconds.update(dict.fromkeys(entry["modules"], entry["seconds"]))
    if old and set(old["modules"]) - set(entry["modules"]):
        entry["modules"] = {**old["modules"], **entry["modules"]}
        entry["tests"] = sorted({*old.get("tests", []), *entry.get("tests", [])})
    if seconds:
        entry["seconds_by_module"] = seconds
        entry["seconds"] = sum(seconds.values())
    record(label, entry)
    print(table(entry))


if __name__ == "__main__":
    sys.exit(main())
