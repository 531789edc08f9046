"""Ingestion benchmark: MB per minute and chunks per second at two sizes, peak memory, and the 20 MB file.

`python -m bench.bench_ingest [--sizes 0.1,0.2]` prints the figures; `run()` returns them for
`bench/run_all.py`.

Generated Chinese text (distinct sentences, a heading every few paragraphs) is added with `coach kb add`'s
own path (`KnowledgeBase.add_paths`, bundled embedding model, real Chroma) in a fresh COACH_HOME, at two
sizes: throughput should stay flat as size doubles (linear growth). Then a 20 MB text file: the goal is
that it is in within 5 minutes, or refused at once with the reason (the per-document limits in
`knowledge.limits`, set from the rate measured here). Peak memory is the process's maximum resident size
(`resource.getrusage`). The load average is printed beside the figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

SIZES_MB = (0.1, 0.2)
BIG_MB = 20.0
BIG_TARGET_S = 300.0

_WORDS = [
    "企业",
    "模型",
    "数据",
    "安全",
    "合规",
    "评估",
    "部署",
    "检索",
    "延迟",
    "成本",
    "预算",
    "审批",
    "流程",
    "客服",
    "知识库",
    "向量",
    "幻觉",
    "标注",
    "训练",
    "微调",
    "推理",
    "监控",
    "告警",
    "回滚",
    "权限",
    "审计",
    "隐私",
    "脱敏",
    "业务",
    "场景",
    "指标",
    "准确率",
    "召回率",
    "供应商",
    "合同",
    "采购",
    "试点",
    "上线",
    "运维",
    "值班",
    "复盘",
    "迭代",
    "反馈",
    "用户",
    "体验",
    "培训",
    "文档",
    "接口",
    "网关",
]


def make_text(megabytes: float, seed: int) -> str:
    """About `megabytes` MB (UTF-8) of varied Chinese prose: headings, paragraphs, distinct sentences."""
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    parts: list[str] = []
    size = 0
    n = 0
    while size < target:
        n += 1
        if n % 8 == 1:
            heading = f"\n## 第{n // 8 + 1}节 {''.join(rng.choices(_WORDS, k=3))}\n\n"
            parts.append(heading)
            size += len(heading.encode())
        sentences = [
            "".join(rng.choices(_WORDS, k=rng.randint(6, 14))) + rng.choice("。；！")
            for _ in range(rng.randint(3, 9))
        ]
        paragraph = "".join(sentences) + "\n\n"
        parts.append(paragraph)
        size += len(paragraph.encode())
    return "".join(parts)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(sizes: tuple[float, ...] = SIZES_MB, big_mb: float = BIG_MB) -> dict[str, Any]:
    """Throughput at each size, then the big file's outcome; raw numbers."""
    from agent.config import Settings
    from knowledge.limits import estimated_tokens
    from knowledge.store import KnowledgeBase

    with tempfile.TemporaryDirectory(prefix="coach-bench-ingest-") as tmp:
        os.environ["COACH_HOME"] = str(Path(tmp) / "home")
        kb = KnowledgeBase.open(Settings())
        kb.embedder.embed_passages(["预热 warm-up"])  # model load is not ingestion
        rows = []
        for i, mb in enumerate(sizes):
            path = Path(tmp) / f"doc-{mb}.md"
            path.write_text(make_text(mb, seed=i), encoding="utf-8")
            real_mb = path.stat().st_size / 1_000_000
            cpu, started = _cpu_s(), time.perf_counter()
            report = kb.add_paths([path])
            seconds, cpu = time.perf_counter() - started, _cpu_s() - cpu
            tokens = estimated_tokens(path.read_text(encoding="utf-8"))
            assert report.added and not report.failed, report.failed
            rows.append(
                {
                    "mb": real_mb,
                    "chunks": report.chunks_added,
                    "seconds": seconds,
                    "mb_per_min": real_mb / seconds * 60,
                    "chunks_per_s": report.chunks_added / seconds,
                    "tokens_per_s": tokens / seconds,
                    "cpu_s_per_chunk": cpu / report.chunks_added,
                }
            )
        memory_after_sizes = _peak_mib()
        big = Path(tmp) / "big.txt"
        big.write_text(make_text(big_mb, seed=99), encoding="utf-8")
        started = time.perf_counter()
        report = kb.add_paths([big])
        big_s = time.perf_counter() - started
        outcome = report.failed[0].reason if report.failed else f"added, {report.chunks_added} chunks"
    return {
        "rows": rows,
        "big_mb": big.stat().st_size / 1_000_000 if big.exists() else big_mb,
        "big_s": big_s,
        "big_outcome": outcome,
        "big_refused": bool(report.failed),
        "peak_mib_sizes": memory_after_sizes,
        "peak_mib": _peak_mib(),
        "load_avg_1m": os.getloadavg()[0],
    }


def run(sizes: tuple[float, ...] = SIZES_MB) -> dict[str, Any]:
    """Figures for bench/run_all.py."""
    got = measure(sizes)
    small, large = got["rows"][0], got["rows"][-1]
    load = f"load average {got['load_avg_1m']:.1f} on {os.cpu_count()} cores"
    figures: dict[str, Any] = {}
    for row in got["rows"]:
        tag = f"{row['mb']:.2f}MB"
        figures[f"ingest_{tag}_mb_per_min"] = {"value": round(row["mb_per_min"], 3), "unit": "MB/min"}
        figures[f"ingest_{tag}_chunks_per_s"] = {
            "value": round(row["chunks_per_s"], 2),
            "unit": "chunks/s",
            "note": f"{row['chunks']} chunks in {row['seconds']:.1f} s; {load}",
        }
        figures[f"ingest_{tag}_tokens_per_s"] = {"value": round(row["tokens_per_s"]), "unit": "tokens/s"}
        figures[f"ingest_{tag}_cpu_s_per_chunk"] = {
            "value": round(row["cpu_s_per_chunk"], 3),
            "unit": "s",
            "note": "CPU time (user + system, all threads) per chunk: less sensitive to the machine's load",
        }
    figures["ingest_time_growth_vs_size"] = {
        "value": round((large["seconds"] / small["seconds"]) / (large["mb"] / small["mb"]), 2),
        "target": 1.3,
        "unit": "×",
        "note": "time ratio over size ratio between the two sizes: 1.0 is linear",
    }
    figures["ingest_20mb_seconds"] = {
        "value": round(got["big_s"], 2),
        "target": BIG_TARGET_S,
        "unit": "s",
        "note": ("refused: " if got["big_refused"] else "") + got["big_outcome"][:160],
    }
    figures["ingest_peak_memory_mib"] = {
        "value": round(got["peak_mib"], 1),
        "unit": "MiB",
        "note": f"max resident size of the process; {got['peak_mib_sizes']:.0f} MiB before the 20 MB file",
    }
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.bench_ingest", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES_MB), help="MB, comma-separated")
    args = parser.parse_args()
    results = run(tuple(float(s) for s in args.sizes.split(",")))
    for name, figure in results.items():
        target = f"  (target ≤ {figure['target']}{figure['unit']})" if "target" in figure else ""
        note = f"  [{figure['note']}]" if figure.get("note") else ""
        print(f"{name:34} {figure['value']} {figure['unit']}{target}{note}")
