"""`bench/results.json` records the blind third dev batch like the other reading figures (issue 11):
its size, its silent wrong values (goal 0, reached after the general fixes) and its asked-back share.
The scenarios (a `coach run` each) are replaced by an empty set here; the corpus is read for real."""

from __future__ import annotations

from typing import Any

import pytest

import eval.run_trust as trust
from bench import bench_trust


def test_the_blind_batch_is_recorded_with_no_silent_wrong_value(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_scenarios(scenarios: list[Any], *, progress: bool = True) -> dict[str, Any]:
        empty = trust.aggregate(scenarios, [])
        return {
            "answers": empty,
            "answers_dev": empty,
            "answers_holdout": empty,
            "batches": {},
            "transcripts": None,
            "sectors": 0,
            "results": [],
        }

    monkeypatch.setattr(trust, "run_scenarios", no_scenarios)
    out = bench_trust.run()
    assert out["corpus_dev3_cases"] >= 60
    assert out["corpus_silent_wrong_dev3"] == {"value": 0, "target": 0, "better": "lower"}
    assert out["corpus_silent_wrong_dev"]["value"] == 0
    assert 0 < out["corpus_asked_back_share_dev3"]["value"] < 0.3
