"""Retrieval eval: recall@1/@3/@5 of several retrieval configurations over `eval/questions.yaml`.

Two targets are scored: (a) the built-in pack (a hit is one of the question's relevant pack ids, its
text returned in the question's language) and (b) the two raw seed documents ingested with the same
code path as `coach kb add` into a temporary COACH_HOME (scope `org`; a hit is a chunk of the right
source document under the right section). Questions come from `questions.yaml` (mostly Chinese) and
`questions_en.yaml` (English-only, over the pack's English text); recall is printed per language.

    python -m eval.run_retrieval [--split dev|holdout|all] [--configs hybrid,vector,...] [--misses]

The blind sets (`questions_blind{,2,3,4,5}_{en,zh}.yaml`) are scored apart: `<config> <lang>/blind`,
`/blind2`, `/blind3`, `/blind4` and `/blind5` rows (recall@k and MRR), never in the headline figures.

Tune on `dev` only; `holdout` is there to keep us honest. `--dev-sets` scores only what may be tuned on:
the dev split of the main sets, `questions_en_dev2.yaml`, the first blind set (`blind`, tuned on since
session 4), `blind3`, `blind4` and `blind5` (each run once as held-out sets, in sessions 5 and 6; dev sets
since); `--blind blind2,blind5` picks the blind sets of a default run.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO / "eval" / "questions.yaml"
QUESTIONS_EN = REPO / "eval" / "questions_en.yaml"
"""English-only questions over the built-in pack's English text (issue 20)."""
QUESTIONS_BLIND = {
    "blind": (REPO / "eval" / "questions_blind_en.yaml", REPO / "eval" / "questions_blind_zh.yaml"),
    "blind2": (REPO / "eval" / "questions_blind2_en.yaml", REPO / "eval" / "questions_blind2_zh.yaml"),
    "blind3": (REPO / "eval" / "questions_blind3_en.yaml", REPO / "eval" / "questions_blind3_zh.yaml"),
    "blind4": (REPO / "eval" / "questions_blind4_en.yaml", REPO / "eval" / "questions_blind4_zh.yaml"),
    "blind5": (REPO / "eval" / "questions_blind5_en.yaml", REPO / "eval" / "questions_blind5_zh.yaml"),
}
"""Blind sets per language (issue 20), each scored apart under its group name: `blind` was written before
it was run and then tuned on (a dev set); `blind2` (session 4), `blind3` (session 5), `blind4` (session 6,
`split: holdout`, run once) and `blind5` (session 6, `split: holdout`, written after blind4 was spent) were
written and committed before they were run; `blind3` and `blind4` are tuned on since."""
QUESTIONS_EN_DEV2 = REPO / "eval" / "questions_en_dev2.yaml"
"""A second English dev batch (written blind in session 3, tuned on since)."""
DEV_BLIND = ("blind", "blind3", "blind4", "blind5")
"""The blind sets that are dev sets now (tuned on): the only ones `--dev-sets` scores. `blind3` was run
once as a held-out set in session 5, `blind4` and `blind5` in session 6; all are dev sets since."""
SEED_CANDIDATES = (Path("/work/shared/seeds"), REPO.parent / "shared" / "seeds")
KS = (1, 3, 5)

CONFIGS: dict[str, tuple[str, str, bool]] = {
    "vector-raw": ("vector", "char", False),
    "lexical-char-raw": ("lexical", "char", False),
    "hybrid-char-raw": ("hybrid", "char", False),
    "vector": ("vector", "char", True),
    "lexical-char": ("lexical", "char", True),
    "lexical-jieba": ("lexical", "jieba", True),
    "hybrid-jieba": ("hybrid", "jieba", True),
    "hybrid": ("hybrid", "char", True),
    "hybrid-both": ("hybrid", "char", True),
    "hybrid-cross": ("hybrid", "char", True),
}
"""name -> (store mode, lexical tokenizer, glossary query expansion). `hybrid` is the shipped default;
`-raw` configurations search the user's words as typed (no glossary). The built-in pack holds each
passage in Chinese and English: the shipped default matches a question against the text in its own
language; `-both` matches both texts, `-cross` only the other language's (English questions over the
Chinese text, as before the pack had English)."""
PACK_TEXT = {"hybrid-both": "both", "hybrid-cross": "cross"}


@dataclass
class Question:
    q: str
    lang: str
    split: str
    style: str = ""
    relevant: list[str] = field(default_factory=list)
    group: str = "main"
    """Which question set it comes from: `main`, or a blind set (`blind`, `blind2`: scored apart)."""
    targets: list[tuple[str, str]] = field(default_factory=list)
    """(source, section) pairs a seed chunk must match."""


def find_seeds() -> Path | None:
    """The seeds folder, if present."""
    env = os.environ.get("COACH_SEEDS")
    for cand in ((Path(env),) if env else ()) + SEED_CANDIDATES:
        if cand.is_dir() and any(cand.glob("*.txt")):
            return cand
    return None


def norm(text: str) -> str:
    """Section text normalised for matching: no markdown marks, numbering, quotes or spaces."""
    text = re.sub(r"[*`#\s\"'“”‘’「」]", "", text)
    return re.sub(r"^(?:\d{1,2}[.、)]|[一二三四五六七八九十]+、)", "", text).lower()


def load_questions(path: Path = QUESTIONS, group: str = "main") -> list[Question]:
    """Questions with their relevant pack ids and (source, section) targets in the raw documents."""
    from knowledge.pack import pack_index

    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if isinstance(items, dict):
        items = items.get("questions", [])
    index = pack_index()
    out: list[Question] = []
    for item in items:
        rel = item.get("relevant") or item.get("relevant_ids") or []
        rel = [rel] if isinstance(rel, str) else list(rel)
        targets: list[tuple[str, str]] = []
        sections = item.get("section") or []
        sections = [sections] if isinstance(sections, str) else list(sections)
        if item.get("source") and sections:
            targets = [(str(item["source"]), str(s)) for s in sections]
        for pid in rel:
            p = index.get(pid)
            if p is not None and (p.source, p.section) not in targets:
                targets.append((p.source, p.section))
        out.append(
            Question(
                q=str(item["q"]),
                lang=str(item.get("lang", "zh")),
                split=str(item.get("split", "dev")),
                style=str(item.get("style", "")),
                relevant=rel,
                group=group,
                targets=targets,
            )
        )
    return out


def seed_hit(source: str, section: str, targets: list[tuple[str, str]]) -> bool:
    """A chunk (its source and heading path) answers a question whose targets are (source, section)."""
    path = [norm(s) for s in section.split(" > ") if s.strip()]
    joined = "".join(path)
    for t_source, t_section in targets:
        if Path(t_source).name != Path(source).name:
            continue
        want = norm(t_section.split(" > ")[-1])
        if want and (want in joined or (path and path[-1] == want)):
            return True
    return False


@contextmanager
def temp_home() -> Iterator[Path]:
    """A temporary COACH_HOME for the duration of the block."""
    old = os.environ.get("COACH_HOME")
    with tempfile.TemporaryDirectory(prefix="coach-eval-") as tmp:
        os.environ["COACH_HOME"] = tmp
        try:
            yield Path(tmp)
        finally:
            if old is None:
                os.environ.pop("COACH_HOME", None)
            else:
                os.environ["COACH_HOME"] = old


def _recalls(ranks: list[int | None]) -> dict[str, float]:
    """recall@k for each k in KS, and the mean reciprocal rank over the top max(KS) (a miss counts 0)."""
    n = len(ranks) or 1
    out = {f"r@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in KS}
    out["mrr"] = sum(1.0 / r for r in ranks if r is not None) / n
    return out


def evaluate(
    questions: list[Question],
    configs: list[str],
    seeds: Path | None,
    misses: bool = False,
    k: int = max(KS),
    prebuilt: Path | None = None,
) -> dict[str, Any]:
    """Score every configuration on the pack (and the seeds when given); nested dict of recalls.

    `prebuilt`: a `COACH_HOME/kb` folder holding an indexed pack to start from (tests reuse theirs).
    """
    from agent.config import Settings
    from knowledge import indexing
    from knowledge.store import KnowledgeBase

    results: dict[str, Any] = {}
    indexing.notice = lambda message: None
    with temp_home() as home:
        if prebuilt is not None:
            import shutil

            shutil.copytree(prebuilt, home / "kb")
        kb = KnowledgeBase.open(Settings())
        kb.ensure_builtin()
        targets = ["pack"]
        if seeds is not None:
            report = kb.add_paths(sorted(seeds.glob("*.txt")))
            if report.failed:
                raise SystemExit(f"seed ingest failed: {report.failed}")
            targets.append("seeds")
        for target in targets:
            for name in configs:
                kb.mode, kb.tokenizer, kb.expand_queries = CONFIGS[name]  # type: ignore[assignment]
                started = time.perf_counter()
                ranks: list[int | None] = []
                for question in questions:
                    lang = "en" if question.lang == "en" else "zh"
                    text = PACK_TEXT.get(name)
                    kb.pack_text_lang = ("zh" if lang == "en" else "en") if text == "cross" else text  # type: ignore[assignment]
                    scope = "builtin" if target == "pack" else "org"
                    hits = kb.search(question.q, k=k, scope=scope, lang=lang)
                    rank = None
                    for i, hit in enumerate(hits, start=1):
                        ok = (
                            hit.id in question.relevant
                            if target == "pack"
                            else seed_hit(hit.source, hit.section, question.targets)
                        )
                        if ok:
                            rank = i
                            break
                    ranks.append(rank)
                    if misses and (rank is None or rank > 3) and question.split == "dev":
                        got = ", ".join(h.id if target == "pack" else h.section[-24:] for h in hits[:3])
                        print(f"  miss [{target}/{name}] {question.q}  want {question.relevant}  got {got}")
                ms = (time.perf_counter() - started) * 1000 / max(len(questions), 1)
                row = {**_breakdown(ranks, questions), "ms_per_query": round(ms, 1)}
                results.setdefault(target, {})[name] = row
    return results


def _breakdown(ranks: list[int | None], questions: list[Question]) -> dict[str, Any]:
    """Recalls overall and by split, language and style over the `main` questions; the blind sets
    only per language (`<lang>-<group>`), so they never move the headline figures."""
    pairs = list(zip(ranks, questions, strict=True))
    main = [(r, q) for r, q in pairs if q.group == "main"]
    row: dict[str, Any] = {"all": _recalls([r for r, _ in main]), "n": len(main)}
    subsets: dict[str, list[int | None]] = {}
    for r, q in main:
        for key in (q.split, q.lang, f"{q.lang}-{q.split}", q.style):
            subsets.setdefault(key, []).append(r)
    for r, q in pairs:
        if q.group != "main":
            subsets.setdefault(f"{q.lang}-{q.group}", []).append(r)
    for key, sub in subsets.items():
        if key:
            row[key] = {**_recalls(sub), "n": len(sub)} if "-" in key else _recalls(sub)
    return row


def print_table(results: dict[str, Any]) -> None:
    """One line per target and configuration."""
    cols = ["r@1", "r@3", "r@5", "dev r@3", "hold r@3", "zh r@3", "en r@3", "dir r@3", "para r@3", "ms/q"]
    print(f"{'target':7} {'config':17} " + " ".join(f"{c:>8}" for c in cols))
    for target, rows in results.items():
        for name, row in rows.items():
            vals = [row["all"]["r@1"], row["all"]["r@3"], row["all"]["r@5"]]
            keys = ("dev", "holdout", "zh", "en", "direct", "paraphrase")
            vals += [row.get(key, {}).get("r@3", float("nan")) for key in keys]
            cells = " ".join(f"{v:8.3f}" for v in vals) + f" {row['ms_per_query']:8.1f}"
            print(f"{target:7} {name:17} {cells}")


def print_languages(results: dict[str, Any]) -> None:
    """Recall of the built-in pack per question language and split: the text is returned in the
    question's language (`-both`: both texts searched, `-cross`: only the other language's)."""
    print(f"\n{'pack by language':25} {'n':>4} {'r@1':>7} {'r@3':>7} {'r@5':>7} {'MRR':>7}")
    for name, row in results.get("pack", {}).items():
        for lang in ("zh", "en"):
            for key in ("dev", "holdout", *QUESTIONS_BLIND):
                got = row.get(f"{lang}-{key}")
                if got:
                    label = f"{name} {lang}/{key}"
                    cells = " ".join(f"{got[c]:7.3f}" for c in ("r@1", "r@3", "r@5", "mrr"))
                    print(f"{label:25} {got['n']:4d} {cells}")


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m eval.run_retrieval`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "holdout", "all"], default="all")
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated: " + ",".join(CONFIGS))
    parser.add_argument(
        "--questions",
        type=Path,
        action="append",
        help="question file(s); default questions.yaml + questions_en.yaml (+ the blind dev sets)",
    )
    parser.add_argument("--no-blind", action="store_true", help="leave out the blind sets")
    parser.add_argument(
        "--blind", default=",".join(QUESTIONS_BLIND), help="comma-separated blind sets of a default run"
    )
    parser.add_argument(
        "--dev-sets",
        action="store_true",
        help="only the sets that may be tuned on: main dev, questions_en_dev2, blind, blind3-5",
    )
    parser.add_argument("--misses", action="store_true", help="print dev questions not found in the top 3")
    parser.add_argument(
        "--pack-only", action="store_true", help="score the built-in pack only (not the raw seeds)"
    )
    args = parser.parse_args(argv)
    files = args.questions or [QUESTIONS, QUESTIONS_EN, *([QUESTIONS_EN_DEV2] if args.dev_sets else [])]
    missing = [f for f in files if not f.exists()]
    if missing:
        print(f"No question set at {missing[0]}", file=sys.stderr)
        return 2
    questions = [q for f in files for q in load_questions(f)]
    if args.dev_sets:
        questions = [q for q in questions if q.split == "dev"]
    groups = DEV_BLIND if args.dev_sets else [g.strip() for g in args.blind.split(",") if g.strip()]
    unknown_sets = [g for g in groups if g not in QUESTIONS_BLIND]
    if unknown_sets:
        parser.error(f"unknown blind set(s): {', '.join(unknown_sets)}")
    if not args.questions and not args.no_blind:
        questions += [q for g in groups for f in QUESTIONS_BLIND[g] for q in load_questions(f, group=g)]
    if args.split != "all":
        questions = [q for q in questions if q.split == args.split]
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown:
        parser.error(f"unknown config(s): {', '.join(unknown)}")
    if any(CONFIGS[c][1] == "jieba" for c in configs):
        import importlib.util

        if importlib.util.find_spec("jieba") is None:
            print("jieba is not installed: skipping the jieba configurations (pip install jieba).")
            configs = [c for c in configs if CONFIGS[c][1] != "jieba"]
    seeds = None if args.pack_only else find_seeds()
    if seeds is None and not args.pack_only:
        print("Seeds folder not found (../shared/seeds): scoring the built-in pack only.")
    langs = {lang: sum(1 for q in questions if q.lang == lang) for lang in ("zh", "en")}
    splits = {s: sum(1 for q in questions if q.split == s and q.group == "main") for s in ("dev", "holdout")}
    blind = {g: sum(1 for q in questions if q.group == g) for g in QUESTIONS_BLIND}
    print(f"{len(questions)} questions: {splits}, {langs}, blind {blind}; seeds: {seeds or 'missing'}")
    results = evaluate(questions, configs, seeds, misses=args.misses)
    print_table(results)
    print_languages(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
