"""Wall time of `coach run` on an example with every format, as a user runs it (a fresh process).

`python -m bench.bench_run [-n RUNS]` prints the target, the figure known before the run was
optimised, the current median of RUNS runs, and the split of one run into start-up (interpreter
and imports), loading the answers file, the interview (`graphs.scripted`) and rendering; `run() -> dict` feeds
`bench.run_all`; `main` also records its figures in `bench/results.json` (the `bench_run` entry,
the other benchmarks' entries kept). Target: ≤ 3 s per run including interpreter start-up and imports.

The split is measured in a fresh process too (`--split-child`, not for users): each phase's wall
time from the moment the parent started the child, so start-up includes the interpreter.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bank_customer_service.yaml"
FORMATS = "md,docx,html,json"
TARGET_S = 3.0
REPEAT = 3
BEFORE = "6.7–11 s wall, ≈ 4.0 s CPU (2026-11); d510aa1: 14.4 s wall at load 13, 3.73 s CPU (2026-12)"
"""Measured on the shared 2-core machine before the run was optimised (graph driven with msgpack
checkpoints after every step, pure-Python YAML), then on main before the DOCX work of issue 12
(same bench, bytecode compiled): the figures to compare against. On a machine this loaded the CPU
figure is the one to compare; the wall time is several times the CPU time."""


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "COACH_HOME": str(home)}
    # as an installed coach runs: its bytecode compiled once (pip does it at install); a shell that
    # forbids writing .pyc files would measure compiling every module on every run instead
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COACH_MODEL"):
        env.pop(var, None)
    return env


def _coach_run(answers: Path, out: Path, home: Path, lang: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one `coach run` in a fresh interpreter."""
    argv = [sys.executable, "-m", "cli", "run", "--answers", str(answers), "--out", str(out)]
    argv += ["--format", FORMATS, "--lang", lang]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, env=_env(home), cwd=ROOT, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"coach run failed ({proc.returncode}): {proc.stderr.strip()[:400]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def _split_child(out: Path, started: float) -> dict[str, float]:
    """In a fresh process, what `coach run` does, timed phase by phase (wall seconds)."""
    import cli.main  # noqa: F401 - the entry point, as a run imports it
    from agent.answers_schema import answers_json_schema
    from agent.deliverables.answers_file import load_answers_file, validate_answers
    from agent.deliverables.export import export_deliverables
    from cli.commands.run import _records, evaluate
    from graphs.scripted import run_answers  # noqa: F401 - as the run imports it, before it runs

    t0 = time.time()
    data, table = load_answers_file(EXAMPLE)
    validate_answers(data, answers_json_schema(), EXAMPLE, table, value_depth=2)
    records = _records(data, EXAMPLE, table)
    t1 = time.time()
    snapshot = evaluate(str(data["project"]["name"]), records, "zh")
    t2 = time.time()
    cpu, helper = time.process_time(), os.times()
    export_deliverables(snapshot, out, formats=FORMATS.split(","), lang="zh")
    t3 = time.time()
    # the export's helper process (agent.deliverables.ahead) is reaped by then: its CPU is the children's
    helper_cpu = sum(os.times()[2:4]) - sum(helper[2:4])
    return {
        "startup_s": t0 - started,
        "load_validate_s": t1 - t0,
        "graph_s": t2 - t1,
        "render_s": t3 - t2,
        "render_cpu_s": time.process_time() - cpu + helper_cpu,
        "render_helper_cpu_s": helper_cpu,
    }


def _split(out: Path, home: Path) -> dict[str, float]:
    argv = [sys.executable, "-m", "bench.bench_run", "--split-child", str(out), str(time.time())]
    proc = subprocess.run(argv, env=_env(home), cwd=ROOT, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"split run failed ({proc.returncode}): {proc.stderr.strip()[:400]}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def run(repeat: int = REPEAT) -> dict[str, Any]:
    """Median and max wall time of `coach run` (all formats) over `repeat` runs, zh and en, and the
    median split of `repeat` more runs."""
    with tempfile.TemporaryDirectory(prefix="coach-bench-run-") as tmp:
        base = Path(tmp)
        home = base / "home"
        _coach_run(EXAMPLE, base / "warm", home, "zh")  # bytecode and template caches
        zh_runs, en_runs = [], []
        for i in range(repeat):  # interleaved: a change of load on a shared machine hits both languages
            for lang in ("zh", "en") if i % 2 == 0 else ("en", "zh"):
                (zh_runs if lang == "zh" else en_runs).append(
                    _coach_run(EXAMPLE, base / f"{lang}{i}", home, lang)
                )
        files = len(list((base / "zh0").iterdir()))
        splits = [_split(base / f"split{i}", home) for i in range(repeat)]
    zh = [w for w, _ in zh_runs]
    en = [w for w, _ in en_runs]
    cpu = [c for _, c in zh_runs + en_runs]
    split = {k: statistics.median(s[k] for s in splits) for k in splits[0]}
    note = f"median of {repeat}; {EXAMPLE.name}; {files} files; before: {BEFORE}"
    return {
        "coach_run_all_formats_zh_s": {
            "value": round(statistics.median(zh), 3),
            "target": TARGET_S,
            "unit": "s",
            "note": note,
        },
        "coach_run_all_formats_en_s": {
            "value": round(statistics.median(en), 3),
            "target": TARGET_S,
            "unit": "s",
        },
        "coach_run_all_formats_max_s": {"value": round(max(zh + en), 3), "target": TARGET_S, "unit": "s"},
        "coach_run_cpu_s": {
            "value": round(statistics.median(cpu), 3),
            "unit": "s",
            "note": "user+sys CPU of the child: less sensitive to a busy machine than wall time",
        },
        "files_written": files,
        **{f"split_{k}": round(v, 3) for k, v in split.items()},
    }


def _record(figures: dict[str, Any]) -> None:
    """Put the figures in `bench/results.json` as the `bench_run` entry (others kept)."""
    from datetime import UTC, datetime

    from bench.run_all import RESULTS, normalise

    try:
        results = json.loads(RESULTS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        results = {"modules": {}}
    results.setdefault("modules", {})["bench_run"] = {
        "status": "ok",
        "figures": normalise(figures),
        "raw": figures,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": os.getloadavg()[0],
    }
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "-n", type=int, default=REPEAT, metavar="RUNS", help=f"runs of each kind (default {REPEAT})"
    )
    parser.add_argument("--split-child", nargs=2, metavar=("OUT", "STARTED"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.split_child:
        out, started = args.split_child
        print(json.dumps(_split_child(Path(out), float(started))))
        return 0
    figures = run(max(1, args.n))
    _record(figures)
    print(f"target:  ≤ {TARGET_S} s wall per run, start-up included")
    print(f"before:  {BEFORE}")
    print(
        f"now:     {figures['coach_run_all_formats_zh_s']['value']} s (zh), "
        f"{figures['coach_run_all_formats_en_s']['value']} s (en), median of {max(1, args.n)}; "
        f"max {figures['coach_run_all_formats_max_s']['value']} s; "
        f"CPU {figures['coach_run_cpu_s']['value']} s"
    )
    print(
        "split:   start-up {split_startup_s} s · answers file {split_load_validate_s} s · "
        "interview {split_graph_s} s · rendering {split_render_s} s (median; rendering CPU "
        "{split_render_cpu_s} s, of which its helper process {split_render_helper_cpu_s} s)".format(**figures)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
