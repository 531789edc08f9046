"""Wall time of `coach run` on an example with every format, as a user runs it (a fresh process).

`python -m bench.bench_run` prints the figures; `run() -> dict` feeds `bench.run_all`.
Target: ≤ 5 s per run including interpreter start-up and imports.
"""

from __future__ import annotations

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
TARGET_S = 5.0
REPEAT = 3


def _coach_run(answers: Path, out: Path, home: Path, lang: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one `coach run` in a fresh interpreter."""
    env = {**os.environ, "COACH_HOME": str(home)}
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COACH_MODEL"):
        env.pop(var, None)
    argv = [sys.executable, "-m", "agent.cli", "run", "--answers", str(answers), "--out", str(out)]
    argv += ["--format", "md,docx,html,json", "--lang", lang]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"coach run failed ({proc.returncode}): {proc.stderr.strip()[:400]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def _phases(out: Path) -> dict[str, float]:
    """In-process split of one run: load + validate + records, the graph, the export."""
    from agent.answers_schema import answers_json_schema
    from agent.commands.run import _records, evaluate
    from agent.deliverables.answers_file import load_answers_file, validate_answers
    from agent.deliverables.export import export_deliverables

    t0 = time.perf_counter()
    data, table = load_answers_file(EXAMPLE)
    validate_answers(data, answers_json_schema(), EXAMPLE, table, value_depth=2)
    records = _records(data, EXAMPLE, table)
    t1 = time.perf_counter()
    snapshot = evaluate(str(data["project"]["name"]), records, "zh")
    t2 = time.perf_counter()
    export_deliverables(snapshot, out, formats=["md", "docx", "html", "json"], lang="zh")
    t3 = time.perf_counter()
    return {"load_validate_s": t1 - t0, "graph_run_answers_s": t2 - t1, "export_all_formats_s": t3 - t2}


def run() -> dict[str, Any]:
    """Median and max wall time of `coach run` (all formats) over a few runs, zh and en."""
    with tempfile.TemporaryDirectory(prefix="coach-bench-run-") as tmp:
        base = Path(tmp)
        _coach_run(EXAMPLE, base / "warm", base / "home", "zh")  # bytecode and template caches
        zh_runs = [_coach_run(EXAMPLE, base / f"zh{i}", base / "home", "zh") for i in range(REPEAT)]
        en_runs = [_coach_run(EXAMPLE, base / f"en{i}", base / "home", "en") for i in range(REPEAT)]
        files = len(list((base / "zh0").iterdir()))
        os.environ["COACH_HOME"] = str(base / "home")
        phases = _phases(base / "phases")
    zh = [w for w, _ in zh_runs]
    en = [w for w, _ in en_runs]
    cpu = [c for _, c in zh_runs + en_runs]
    return {
        "coach_run_all_formats_zh_s": {
            "value": round(statistics.median(zh), 3),
            "target": TARGET_S,
            "unit": "s",
            "note": f"median of {REPEAT}; {EXAMPLE.name}; {files} files",
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
        **{f"phase_{k}": round(v, 3) for k, v in phases.items()},
    }


if __name__ == "__main__":
    for name, figure in run().items():
        if isinstance(figure, dict):
            target = f" (target ≤ {figure['target']})" if "target" in figure else ""
            print(f"{name}: {figure['value']} {figure.get('unit', '')}{target}")
        else:
            print(f"{name}: {figure}")
