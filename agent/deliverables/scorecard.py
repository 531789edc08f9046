"""The value-validation scorecard beyond ROI, weighted by sector (data: `templates/scorecard.yaml`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from agent.deliverables.labels import TEMPLATES_DIR, load_yaml
from agent.profile import Profile


@dataclass
class ScoreRow:
    """One dimension of the scorecard."""

    key: str
    title: str
    measure: str
    weight: int
    tracked: bool | None
    """Whether the project already tracks this dimension (None: value metrics not answered)."""


@cache
def _data() -> dict[str, Any]:
    return dict(load_yaml(TEMPLATES_DIR / "scorecard.yaml"))


def build_scorecard(p: Profile, lang: str) -> tuple[str, list[ScoreRow]]:
    """(weighting used, rows by descending weight) for the project's sector."""
    data = _data()
    sector = p.project.sector
    key: str = sector if sector is not None and sector in data["weights"] else "default"
    tracked = set(p.operations.value_metrics or [])
    known = p.operations.value_metrics is not None
    rows = [
        ScoreRow(
            key=dim,
            title=data["dimensions"][dim]["title"][lang],
            measure=data["dimensions"][dim]["measure"][lang],
            weight=int(weight),
            tracked=(dim in tracked) if known else None,
        )
        for dim, weight in data["weights"][key].items()
    ]
    return key, sorted(rows, key=lambda r: -r.weight)
