"""Hang-bounded time: `coach run` (LLM mode) against an endpoint that never answers, next to the same
run against a healthy endpoint. The circuit breaker must keep the difference within 2 x the per-call
timeout (two failed attempts open it; the rest of the run is guided).

    python -m bench.bench_hang [--timeout 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bank_customer_service.yaml"


def _run(home: Path, base_url: str, model: str) -> float:
    env = {**os.environ, "COACH_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.update({"OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": "sk-bench", "COACH_MODEL": model})
    out = Path(tempfile.mkdtemp(prefix="hang-out-"))
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "cli", "run", "--answers", str(EXAMPLE), "--out", str(out), "--format", "md"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=1800,
    )
    return time.monotonic() - started


def run(timeout_s: float = 2.0) -> dict[str, Any]:
    """Figures for bench/run_all.py."""
    sys.path.insert(0, str(ROOT))
    from tests.faults.server import MODEL, FaultServer

    home = Path(tempfile.mkdtemp(prefix="hang-home-"))
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(f"timeout_s = {timeout_s}\nmax_retries = 2\n", encoding="utf-8")
    with FaultServer("ok") as healthy:
        healthy_s = _run(home, healthy.base_url, MODEL)
        healthy_calls = healthy.request_count
    with FaultServer("timeout", delay_s=600) as hanging:
        hang_s = _run(home, hanging.base_url, MODEL)
        hang_calls = hanging.request_count
    extra = hang_s - healthy_s
    return {
        "hang_run_seconds": {
            "value": round(hang_s, 1),
            "unit": "s",
            "note": f"{hang_calls} requests reached the server",
        },
        "healthy_run_seconds": {
            "value": round(healthy_s, 1),
            "unit": "s",
            "note": f"{healthy_calls} model calls",
        },
        "hang_extra_seconds": {
            "value": round(extra, 1),
            "target": round(2 * timeout_s, 1),
            "unit": "s",
            "note": f"hanging minus healthy, per-call timeout {timeout_s:g} s, max_retries 2; without the breaker "
            "15 calls x 3 attempts x the timeout",
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.bench_hang", description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    for name, figure in run(args.timeout).items():
        target = f"  (target ≤ {figure['target']} {figure['unit']})" if "target" in figure else ""
        print(f"{name:24} {figure['value']} {figure['unit']}{target}  [{figure['note']}]")
