"""Trust figures of issue 11 for `bench/results.json`: `run() -> dict` for `bench.run_all`.

The figures come from `eval.run_trust` (the answer-reading corpus and the scenarios run through
`coach run`); see that module for what each one means. `python -m bench.bench_trust` prints them.
"""

from __future__ import annotations

import json
from typing import Any


def run() -> dict[str, Any]:
    """Headline trust figures, each next to its goal."""
    from eval.run_trust import collect, summary

    figs = summary(collect(progress=False))
    corpus = figs["corpus"]
    out: dict[str, Any] = {
        "corpus_cases": corpus["all"]["n"],
        "corpus_silent_wrong": {"value": corpus["all"]["silent_wrong"], "target": 0, "better": "lower"},
        "corpus_silent_wrong_dev": {
            "value": corpus.get("split:dev", {}).get("silent_wrong"),
            "target": 0,
            "better": "lower",
        },
        "corpus_silent_wrong_holdout": {
            "value": corpus.get("split:holdout", {}).get("silent_wrong"),
            "target": 0,
            "better": "lower",
        },
        "corpus_silent_wrong_dev3": {
            "value": corpus.get("split:dev3", {}).get("silent_wrong"),
            "target": 0,
            "better": "lower",
        },
        "corpus_dev3_cases": corpus.get("split:dev3", {}).get("n"),
        "corpus_asked_back_share_dev3": {
            "value": corpus.get("split:dev3", {}).get("asked_back"),
            "better": "lower",
        },
        "corpus_correct_share": {"value": corpus["all"]["correct"], "better": "higher"},
        "corpus_asked_back_share": {"value": corpus["all"]["asked_back"], "better": "lower"},
    }
    answers = figs["scenarios"]["answers"]
    out.update(
        {
            "scenarios": answers["scenarios"],
            "scenario_recall": {"value": answers["recall"], "target": ">= 0.95", "better": "higher"},
            "scenario_precision": {"value": answers["precision"], "target": ">= 0.9", "better": "higher"},
            "scenario_must_not_violations": {
                "value": answers["must_not_violations"],
                "target": 0,
                "better": "lower",
            },
        }
    )
    holdout = figs["scenarios"]["answers_holdout"]
    out["scenario_recall_holdout"] = {"value": holdout["recall"], "target": ">= 0.95", "better": "higher"}
    out["scenario_precision_holdout"] = {
        "value": holdout["precision"],
        "target": ">= 0.9",
        "better": "higher",
    }
    out["scenario_high_findings_from_gaps"] = {
        "value": answers["high_findings_from_gaps"],
        "target": 0,
        "better": "lower",
    }
    typed = figs["scenarios"]["transcripts"]
    if typed:
        out["transcript_recall"] = {"value": typed["recall"], "target": ">= 0.95", "better": "higher"}
        out["transcript_must_not_violations"] = {
            "value": typed["must_not_violations"],
            "target": 0,
            "better": "lower",
        }
        out["transcript_run_errors"] = {"value": typed["run_errors"], "target": 0, "better": "lower"}
    out["transcript_reading_silent_wrong"] = {
        "value": figs["scenarios"]["transcript_readings"]["silent_wrong"],
        "target": 0,
        "better": "lower",
    }
    return out


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
