"""Run every benchmark and write `bench/results.json`: `python -m bench.run_all` (or `make bench`).

Each `bench/bench_*.py` exposes `run() -> dict`. The runner imports and runs each one in its own
subprocess (own COACH_HOME, a time limit, a crash in one cannot take the others down), then writes every
figure next to its target with a pass/fail, and prints a table. Start-up (`coach --help`) is measured
here as well, as an absolute time and as a ratio to a bare `python -c pass` measured in the same run.

The dict a `run()` returns may hold, per figure name, either a bare number (reported, no target) or
`{"value": v, "target": t, "unit": "ms", "better": "lower"|"higher", "pass": bool, "note": str}`
(all but `value` optional; `pass` is computed from `target` and `better` when absent, `better` defaults
to "lower" except for names that read as higher-is-better: recall, throughput, per_s, hit). Nested
dicts without `value` are flattened to `outer.inner`; `name_target` keys are paired with `name`.
A top-level `"figures": [{"name": ..., "value": ..., ...}]` list is accepted as well.

Exit status: 0 when every module ran, 1 when one crashed (or, with `--strict`, missed a target).
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results.json"
EXPECTED = ("bench_retrieval", "bench_turn", "bench_run", "bench_tui")
MODULE_TIMEOUT_S = 900
STARTUP_TARGET_S = 0.5
HIGHER_IS_BETTER = ("recall", "throughput", "per_s", "hit", "accuracy", "precision")


# -- figures ---------------------------------------------------------------------------------------
def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(float(value)) else None


def _parse_target(target: Any, better: str) -> tuple[float | None, str]:
    """A target as (number, better): accepts 50, "<= 50", "≤50 ms", ">= 0.95"."""
    if _number(target) is not None:
        return float(target), better
    if isinstance(target, str):
        text = target.strip()
        for prefix, direction in (("<=", "lower"), ("≤", "lower"), ("<", "lower"), (">=", "higher")):
            if text.startswith(prefix):
                return _leading_number(text[len(prefix) :]), direction
        for prefix in ("≥", ">"):
            if text.startswith(prefix):
                return _leading_number(text[len(prefix) :]), "higher"
        return _leading_number(text), better
    return None, better


def _leading_number(text: str) -> float | None:
    digits = ""
    for ch in text.strip():
        if ch.isdigit() or ch in ".-":
            digits += ch
        elif digits:
            break
    try:
        return float(digits)
    except ValueError:
        return None


def figure(name: str, spec: Any) -> dict[str, Any]:
    """One figure, normalised: name, value, unit, target, better, pass (True/False/None), note."""
    raw = spec if isinstance(spec, dict) else {"value": spec}
    better = str(
        raw.get("better") or ("higher" if any(h in name.lower() for h in HIGHER_IS_BETTER) else "lower")
    )
    target, better = _parse_target(raw.get("target"), better)
    value = raw.get("value")
    passed = raw.get("pass", raw.get("ok"))
    num = _number(value)
    if passed is None and target is not None and num is not None:
        passed = num <= target if better == "lower" else num >= target
    return {
        "name": name,
        "value": value,
        "unit": raw.get("unit", ""),
        "target": raw.get("target"),
        "better": better,
        "pass": None if passed is None else bool(passed),
        "note": raw.get("note", ""),
    }


def normalise(result: Any, prefix: str = "") -> list[dict[str, Any]]:
    """Flatten what a bench `run()` returned into a list of figures."""
    if not isinstance(result, dict):
        return [figure(prefix or "result", result)]
    figures: list[dict[str, Any]] = []
    if isinstance(result.get("figures"), list):
        for item in result["figures"]:
            if isinstance(item, dict) and "name" in item:
                figures.append(figure(f"{prefix}{item['name']}", item))
        rest = {k: v for k, v in result.items() if k != "figures"}
        return figures + normalise(rest, prefix) if rest else figures
    targets = {k[: -len("_target")]: v for k, v in result.items() if k.endswith("_target")}
    for key, value in result.items():
        if key.endswith("_target") and key[: -len("_target")] in result:
            continue
        name = f"{prefix}{key}"
        if isinstance(value, dict) and "value" not in value:
            figures += normalise(value, f"{name}.")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, item in enumerate(value):
                figures += normalise(item, f"{name}[{i}].")
        elif key in targets:
            spec = dict(value) if isinstance(value, dict) else {"value": value}
            spec.setdefault("target", targets[key])
            figures.append(figure(name, spec))
        else:
            figures.append(figure(name, value))
    return figures


# -- running ---------------------------------------------------------------------------------------
def discover() -> list[str]:
    """Module names of every bench/bench_*.py, in a stable order (the expected ones first)."""
    found = sorted(p.stem for p in BENCH_DIR.glob("bench_*.py"))
    return [m for m in EXPECTED if m in found] + [m for m in found if m not in EXPECTED]


def _child(module: str, out: str) -> int:
    """Inside the subprocess: import the module, call run(), write the JSON (or the failure)."""
    started = time.perf_counter()
    try:
        result = importlib.import_module(f"bench.{module}").run()
        payload: dict[str, Any] = {"status": "ok", "result": result}
    except BaseException as exc:  # report everything, even SystemExit, as this module's failure
        payload = {
            "status": "error",
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(limit=8),
        }
    payload["seconds"] = round(time.perf_counter() - started, 3)
    Path(out).write_text(json.dumps(payload, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


def run_module(module: str, timeout_s: float = MODULE_TIMEOUT_S) -> dict[str, Any]:
    """Run one bench module in a subprocess and return its entry for results.json."""
    with tempfile.TemporaryDirectory(prefix=f"coach-{module}-") as tmp:
        out = Path(tmp) / "result.json"
        env = {**os.environ, "COACH_HOME": str(Path(tmp) / "home"), "PYTHONPATH": str(ROOT)}
        cmd = [sys.executable, "-m", "bench.run_all", "--child", module, str(out)]
        started = time.perf_counter()
        try:
            proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return {"status": "error", "error": f"timed out after {timeout_s:.0f} s", "figures": []}
        wall = round(time.perf_counter() - started, 3)
        if not out.exists():
            tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-5:]
            return {"status": "error", "error": f"exit {proc.returncode}: " + " | ".join(tail), "figures": []}
        payload = json.loads(out.read_text(encoding="utf-8"))
    entry: dict[str, Any] = {"status": payload["status"], "seconds": wall}
    if payload["status"] == "ok":
        entry["figures"] = normalise(payload["result"])
        entry["raw"] = payload["result"]
    else:
        entry["error"] = payload["error"]
        entry["traceback"] = payload.get("traceback", "")
        entry["figures"] = []
    if proc.stdout.strip():
        entry["output"] = proc.stdout.strip().splitlines()[-40:]
    return entry


def _time_cmd(cmd: list[str], runs: int) -> float:
    """Median wall time of a command; raises if it fails (a broken `coach --help` is not fast)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def startup(runs: int = 5) -> dict[str, Any]:
    """`coach --help` wall time (median), and its ratio to a bare interpreter start in the same run."""
    coach = shutil.which("coach", path=str(Path(sys.executable).parent))
    cmd = (
        [coach, "--help"] if coach else [sys.executable, "-c", "from cli.main import main; main(['--help'])"]
    )
    try:
        bare = _time_cmd([sys.executable, "-c", "pass"], runs)
        help_s = _time_cmd(cmd, runs)
        entry = {
            "status": "ok",
            "figures": normalise(
                {
                    "coach_help_s": {"value": round(help_s, 3), "unit": "s", "target": STARTUP_TARGET_S},
                    "bare_python_s": {"value": round(bare, 3), "unit": "s"},
                    "coach_help_vs_bare_python": {
                        "value": round(help_s / bare, 2),
                        "unit": "×",
                        "note": "ratio in the same run (machine noise cancels)",
                    },
                }
            ),
        }
    except (ZeroDivisionError, subprocess.CalledProcessError, OSError) as exc:
        entry = {"status": "error", "error": f"coach --help failed: {exc}", "figures": []}
    return entry


# -- report ----------------------------------------------------------------------------------------
def _fmt(value: Any) -> str:
    num = _number(value)
    if num is None:
        return str(value)
    return f"{num:.4g}"


def table(results: dict[str, Any]) -> str:
    """A plain-text table: module, figure, value, target, verdict."""
    rows = [("module", "figure", "value", "target", "result")]
    for module, entry in results["modules"].items():
        if entry["status"] != "ok":
            rows.append((module, "—", "—", "—", f"{entry['status'].upper()}: {entry.get('error', '')}"[:90]))
            continue
        for f in entry["figures"]:
            verdict = {True: "pass", False: "FAIL", None: "—"}[f["pass"]]
            target = f["target"]
            if target is None:
                target = ""
            elif _number(target) is not None:
                target = f"{'≤' if f['better'] == 'lower' else '≥'} {target}"
            rows.append((module, f["name"], f"{_fmt(f['value'])} {f['unit']}".strip(), target, verdict))
    widths = [min(max(len(str(r[i])) for r in rows), 60) for i in range(5)]
    lines = ["  ".join(str(c)[:60].ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    s = results["summary"]
    lines.append(
        f"\n{s['passed']} passed, {s['failed']} failed, {s['no_target']} without target, "
        f"{s['errors']} module error(s), {s['missing']} missing → {RESULTS.relative_to(ROOT)}"
    )
    return "\n".join(lines)


def run_all(modules: list[str] | None = None) -> dict[str, Any]:
    """Run the start-up probe and every bench module; return the results document."""
    names = modules or discover()
    results: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "modules": {"startup": startup()},
    }
    for name in names:
        print(f"bench: running {name} …", file=sys.stderr, flush=True)
        results["modules"][name] = run_module(name)
    for name in EXPECTED:
        if name not in results["modules"]:
            results["modules"][name] = {
                "status": "missing",
                "error": f"bench/{name}.py not found",
                "figures": [],
            }
    figures = [f for e in results["modules"].values() for f in e["figures"]]
    results["summary"] = {
        "passed": sum(f["pass"] is True for f in figures),
        "failed": sum(f["pass"] is False for f in figures),
        "no_target": sum(f["pass"] is None for f in figures),
        "errors": sum(e["status"] == "error" for e in results["modules"].values()),
        "missing": sum(e["status"] == "missing" for e in results["modules"].values()),
    }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_all", description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="bench modules to run (default: every bench/bench_*.py)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a figure misses its target")
    parser.add_argument("--child", nargs=2, metavar=("MODULE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(*args.child)
    results = run_all([m.removeprefix("bench.").removesuffix(".py") for m in args.modules] or None)
    tmp = RESULTS.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    tmp.replace(RESULTS)
    print(table(results))
    s = results["summary"]
    return 1 if s["errors"] or (args.strict and s["failed"]) else 0


if __name__ == "__main__":
    sys.exit(main())
