"""Wall time of `coach run` on an example with every format, as a user runs it (a fresh process).

`python -m bench.bench_run` prints the figures; `run() -> dict` feeds `bench.run_all`.
Target: ≤ 5 s per run including interpreter start-up and imports.
"""

from __future__ import annotations

import os
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


def _coach_run(answers: Path, out: Path, home: Path, lang: str) -> float:
    env = {**os.environ, "COACH_HOME": str(home)}
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COACH_MODEL"):
        env.pop(var, None)
    argv = [sys.executable, "-m", "agent.cli", "run", "--answers", str(answers), "--out", str(out)]
    argv += ["--format", "md,docx,html,json", "--lang", lang]
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"coach run failed ({proc.returncode}): {proc.stderr.strip()[:400]}")
    return elapsed


def run() -> dict[str, Any]:
    """Median and max wall time of `coach run` (all formats) over a few runs, zh and en."""
    with tempfile.TemporaryDirectory(prefix="coach-bench-run-") as tmp:
        base = Path(tmp)
        _coach_run(EXAMPLE, base / "warm", base / "home", "zh")  # bytecode and template caches
        zh = [_coach_run(EXAMPLE, base / f"zh{i}", base / "home", "zh") for i in range(REPEAT)]
        en = [_coach_run(EXAMPLE, base / f"en{i}", base / "home", "en") for i in range(REPEAT)]
        files = len(list((base / "zh0").iterdir()))
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
        "files_written": files,
    }


if __name__ == "__main__":
    for name, figure in run().items():
        if isinstance(figure, dict):
            print(f"{name}: {figure['value']} {figure.get('unit', '')} (target ≤ {figure.get('target')})")
        else:
            print(f"{name}: {figure}")
