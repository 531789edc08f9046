"""Stress: N processes x M writes on one COACH_HOME, bounded in time; prints answers kept and store integrity.

    python -m bench.stress_concurrency [--procs 4] [--writes 5] [--docs 2] [--deadline 240]

Sessions: N processes answer questions of ONE project, M answers each; every answer opens the project
(one writer at a time: `agent.locks`; a process told "project open in another window" waits and tries
again), answers the pending question and closes. Each worker prints the question ids it saw saved; at
the end the project must hold every one of them (goal: all N x M kept).

Knowledge base: N processes each add `--docs` small documents while as many run `kb search`, on the same
fresh home; then every document must be listed with its chunks, each searchable, no process may have
failed, and SQLite's integrity check must pass on both stores.

Also a worker: `--worker answer --project P --writes M --deadline T` and `--worker hold --project P`
(holds the project open until stdin closes; the concurrency tests use both).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ANSWERS = {"choice": "1", "multi": "1,2", "yesno": "是", "number": "10", "text": "按计划推进，细节见附件"}


def _say(*words: object) -> None:
    os.write(1, (" ".join(str(w) for w in words) + "\n").encode())


def worker_answer(project: str, writes: int, deadline_s: float) -> int:
    """Answer `writes` questions of `project`, opening and closing it for each; prints KEPT <id>."""
    from agent.locks import ProjectBusy
    from graphs.session import CoachSession

    end = time.monotonic() + deadline_s
    done = busy = 0
    while done < writes and time.monotonic() < end:
        try:
            session = CoachSession.open(project)
        except ProjectBusy:
            busy += 1
            time.sleep(0.05)
            continue
        try:
            q = session.current().question
            if q is None:
                break
            session.send(ANSWERS[q.type])
            _say("KEPT", q.id)
            done += 1
        finally:
            session.close()
    _say("BUSY", busy)
    return 0 if done == writes else 3


def worker_hold(project: str) -> int:
    """Open `project` for writing and keep it open until stdin closes."""
    from graphs.session import CoachSession

    session = CoachSession.open(project)
    _say("OPEN", os.getpid())
    sys.stdin.read()
    session.close()
    return 0


def _spawn(args: list[str], home: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "COACH_HOME": str(home), "PYTHONPATH": str(REPO)}
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COACH_MODEL"):
        env.pop(var, None)
    return subprocess.Popen(
        args, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait(procs: list[subprocess.Popen[str]], deadline: float) -> list[tuple[int, str, str]]:
    out = []
    for p in procs:
        try:
            stdout, stderr = p.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            stdout, stderr = p.communicate()
        out.append((p.returncode, stdout, stderr))
    return out


def integrity(path: Path) -> str:
    """SQLite's `PRAGMA integrity_check` of a file ("ok" when sound)."""
    if not path.exists():
        return "missing"
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def stress_sessions(home: Path, procs: int, writes: int, deadline_s: float) -> dict[str, object]:
    project = "并发测试 stress"
    started = time.monotonic()
    cmd = [sys.executable, "-m", "bench.stress_concurrency", "--worker", "answer", "--project", project]
    runs = _wait(
        [_spawn([*cmd, "--writes", str(writes), "--deadline", str(deadline_s)], home) for _ in range(procs)],
        started + deadline_s + 30,
    )
    claimed = [line.split()[1] for _, out, _ in runs for line in out.splitlines() if line.startswith("KEPT")]
    busy = sum(
        int(line.split()[1]) for _, out, _ in runs for line in out.splitlines() if line.startswith("BUSY")
    )
    os.environ["COACH_HOME"] = str(home)
    from graphs.session import CoachSession

    session = CoachSession.open(project, read_only=True)
    try:
        kept = set(session.snapshot().answers)
    finally:
        session.close()
    return {
        "processes": procs,
        "writes_each": writes,
        "answers_claimed": len(claimed),
        "answers_kept": len(kept & set(claimed)),
        "answers_lost": sorted(set(claimed) - kept),
        "busy_retries": busy,
        "failed_processes": sum(1 for rc, _, _ in runs if rc != 0),
        "sessions_integrity": integrity(home / "sessions.sqlite"),
        "seconds": round(time.monotonic() - started, 1),
    }


def stress_kb(home: Path, procs: int, docs: int, deadline_s: float) -> dict[str, object]:
    src = Path(tempfile.mkdtemp(prefix="stress-docs-"))
    files: list[Path] = []
    markers: dict[Path, str] = {}
    for p in range(procs):
        for d in range(docs):
            path = src / f"doc_{p}_{d}.md"
            markers[path] = f"marker{p}x{d}"
            path.write_text(
                f"# 文档 {p}-{d}\n\n关键词 {markers[path]}：本段说明第 {p} 个进程的第 {d} 份资料，用于并发写入测试。\n",
                encoding="utf-8",
            )
            files.append(path)
    started = time.monotonic()
    coach = [sys.executable, "-m", "cli"]
    jobs = [
        _spawn([*coach, "kb", "add", *map(str, files[p * docs : (p + 1) * docs])], home) for p in range(procs)
    ]
    jobs += [_spawn([*coach, "kb", "search", "数据安全", "-k", "3"], home) for _ in range(procs)]
    runs = _wait(jobs, started + deadline_s)
    listed = subprocess.run(
        [*coach, "kb", "list", "--json"],
        env={**os.environ, "COACH_HOME": str(home), "PYTHONPATH": str(REPO)},
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    names = {d["name"] for d in json.loads(listed.stdout or "[]")}
    os.environ["COACH_HOME"] = str(home)
    from knowledge.store import KnowledgeBase

    kb = KnowledgeBase.open()
    found = sum(
        1 for f in files if any(markers[f] in h.text for h in kb.search(markers[f], k=3, scope="org"))
    )
    errors = [err.strip().splitlines()[-1] for rc, _, err in runs if rc != 0 and err.strip()]
    return {
        "writers": procs,
        "readers": procs,
        "documents_added": len(files),
        "documents_listed": len(names & {f.name for f in files}),
        "documents_searchable": found,
        "failed_processes": sum(1 for rc, _, _ in runs if rc != 0),
        "errors": errors[:3],
        "chroma_integrity": integrity(home / "kb" / "chroma" / "chroma.sqlite3"),
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument("--writes", type=int, default=5)
    ap.add_argument("--docs", type=int, default=2)
    ap.add_argument("--deadline", type=float, default=240.0, help="seconds each part may take")
    ap.add_argument("--worker", choices=["answer", "hold"])
    ap.add_argument("--project", default="")
    args = ap.parse_args(argv)
    if args.worker == "answer":
        return worker_answer(args.project, args.writes, args.deadline)
    if args.worker == "hold":
        return worker_hold(args.project)
    home = Path(tempfile.mkdtemp(prefix="stress-home-"))
    result = {
        "sessions": stress_sessions(home / "s", args.procs, args.writes, args.deadline),
        "knowledge_base": stress_kb(home / "k", args.procs, args.docs, args.deadline),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    s, k = result["sessions"], result["knowledge_base"]
    ok = (
        s["answers_kept"] == s["answers_claimed"] == args.procs * args.writes  # type: ignore[index]
        and k["documents_listed"] == k["documents_added"]  # type: ignore[index]
        and not k["failed_processes"]  # type: ignore[index]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
