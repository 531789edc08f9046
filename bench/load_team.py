"""Team-mode load: N client processes × a full scripted interview against the shared stores.

`python -m bench.load_team [--clients 8] [--database-url URL --chroma-url URL]` starts a throwaway
PostgreSQL 15 and `chroma run` on loopback (the integration tier's `team_services`) unless URLs are
given, indexes the built-in pack on the server once (as a team's first `coach doctor` does), then runs
the clients at once, each its own project and COACH_HOME (a colleague's machine), guided mode, every
tenth input a question to the shared knowledge base (`/ask …`). The same clients then run on the
embedded defaults (SQLite + embedded Chroma, each in its own home) for the baseline.

Prints: answers kept (every answer a client saw recorded, read back from the store afterwards; goal:
all), p50/p95 of a turn in both modes and their ratio (team / embedded), and errors (goal: 0).
Bounded: `--timeout` seconds for the whole run (default 900).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = {"choice": "1", "multi": "1,2", "yesno": "是", "number": "10", "text": "按计划推进，细节见附件"}
QUESTION = "/ask 私有化部署时如何保证客户数据安全？"


def worker(name: str) -> dict[str, Any]:
    """One client: a full interview on project `name`; the ids answered, turn times, errors."""
    from graphs.session import CoachSession

    started = time.perf_counter()
    session = CoachSession.open(name)
    opened = time.perf_counter() - started
    answered: list[str] = []
    turns: list[float] = []
    asks: list[float] = []
    errors: list[str] = []
    try:
        turn = session.current()
        for i in range(300):
            if turn.done or turn.question is None:
                break
            try:
                if i % 10 == 9:
                    t0 = time.perf_counter()
                    turn = session.send(QUESTION)
                    asks.append(time.perf_counter() - t0)
                    continue
                q = turn.question
                t0 = time.perf_counter()
                turn = session.send(ANSWERS[q.type])
                turns.append(time.perf_counter() - t0)
                answered.append(q.id)
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
                break
    finally:
        session.close()
    return {
        "name": name,
        "answered": answered,
        "turns": turns,
        "asks": asks,
        "open_s": opened,
        "errors": errors,
    }


def _kept(name: str, answered: list[str]) -> int:
    from graphs.session import CoachSession

    session = CoachSession.open(name, create=False)
    try:
        saved = session.snapshot().answers
    finally:
        session.close()
    return sum(1 for qid in answered if qid in saved)


def _run_clients(n: int, env: dict[str, str], homes: Path, deadline: float) -> list[dict[str, Any]]:
    procs = []
    for i in range(n):
        home = homes / f"client-{i}"
        home.mkdir(parents=True, exist_ok=True)
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "bench.load_team", "--worker", f"负载项目-{i}"],
                cwd=ROOT,
                env={**env, "COACH_HOME": str(home)},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    results = []
    for i, proc in enumerate(procs):
        try:
            out, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        try:
            got = json.loads(out.strip().splitlines()[-1])
        except (IndexError, ValueError):
            got = {"name": f"负载项目-{i}", "answered": [], "turns": [], "asks": [], "open_s": 0.0}
            got["errors"] = [f"client crashed (exit {proc.returncode}): {err.strip()[-300:]}"]
        got["home"] = str(homes / f"client-{i}")
        results.append(got)
    return results


def _check_kept(results: list[dict[str, Any]], env: dict[str, str]) -> tuple[int, int]:
    sent = kept = 0
    for r in results:
        os.environ.update({**env, "COACH_HOME": r["home"]})
        sent += len(r["answered"])
        kept += _kept(r["name"], r["answered"]) if r["answered"] else 0
    return sent, kept


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", metavar="NAME", help=argparse.SUPPRESS)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database-url")
    parser.add_argument("--chroma-url")
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker), ensure_ascii=False), flush=True)
        return 0

    sys.path.insert(0, str(ROOT / "tests" / "integration"))
    import team_services  # the same engines the integration tier starts

    deadline = time.monotonic() + args.timeout
    pg = chroma = None
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
    base_env["COACH_SEEDS_DIR"] = os.environ.get("COACH_SEEDS_DIR", "")
    try:
        if not args.database_url:
            pg = team_services.start_postgres()
        if not args.chroma_url:
            chroma = team_services.start_chroma()
        team_env = {
            **base_env,
            "COACH_DATABASE_URL": args.database_url or (pg.url if pg else ""),
            "COACH_CHROMA_URL": args.chroma_url or (chroma.url if chroma else ""),
        }
        with tempfile.TemporaryDirectory(prefix="coach-load-") as tmp:
            root = Path(tmp)
            os.environ.update({**team_env, "COACH_HOME": str(root / "admin")})
            from agent.config import load_settings
            from knowledge.store import KnowledgeBase

            KnowledgeBase.open(load_settings()).ensure_builtin()  # the team's first run indexes the pack
            t0 = time.monotonic()
            team = _run_clients(args.clients, team_env, root / "team", deadline)
            team_wall = time.monotonic() - t0
            t0 = time.monotonic()
            embedded = _run_clients(args.clients, base_env, root / "embedded", deadline)
            embedded_wall = time.monotonic() - t0
            team_sent, team_kept = _check_kept(team, team_env)
            for var in ("COACH_DATABASE_URL", "COACH_CHROMA_URL"):
                os.environ.pop(var, None)
            emb_sent, emb_kept = _check_kept(embedded, base_env)
    finally:
        if pg is not None:
            team_services.stop_postgres(pg)
        if chroma is not None:
            team_services.stop_chroma(chroma)

    def figures(results: list[dict[str, Any]]) -> dict[str, float]:
        turns = [t * 1000 for r in results for t in r["turns"]]
        asks = [t * 1000 for r in results for t in r["asks"]]
        return {
            "p50": _pct(turns, 0.5),
            "p95": _pct(turns, 0.95),
            "ask_p50": _pct(asks, 0.5),
            "open": statistics.mean(r["open_s"] for r in results) * 1000,
        }

    ft, fe = figures(team), figures(embedded)
    errors = [e for r in team for e in r["errors"]]
    emb_errors = [e for r in embedded for e in r["errors"]]
    print(
        f"team mode load: {args.clients} clients × a full scripted interview (guided), {os.cpu_count()} cores"
    )
    print(f"answers kept (team):     {team_kept}/{team_sent}")
    print(f"answers kept (embedded): {emb_kept}/{emb_sent}")
    print(
        f"turn ms   team p50 {ft['p50']:.1f}  p95 {ft['p95']:.1f}  | embedded p50 {fe['p50']:.1f}  p95 {fe['p95']:.1f}"
    )
    print(f"ratio     p50 {ft['p50'] / fe['p50']:.2f}×  p95 {ft['p95'] / fe['p95']:.2f}×  (team / embedded)")
    print(f"/ask ms   team p50 {ft['ask_p50']:.1f} | embedded p50 {fe['ask_p50']:.1f}")
    print(f"open ms   team {ft['open']:.0f} | embedded {fe['open']:.0f} (mean per client)")
    print(f"wall s    team {team_wall:.1f} | embedded {embedded_wall:.1f}")
    print(f"errors:   team {len(errors)} | embedded {len(emb_errors)}")
    for e in errors[:5] + emb_errors[:5]:
        print("  !", e)
    ok = team_kept == team_sent and not errors and team_sent > 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
