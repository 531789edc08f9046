"""The value-validation scorecard beyond ROI, weighted by sector and audience (data: `templates/scorecard.yaml`).

The sector sets the weights; the audience (who the service reaches) decides what satisfaction means —
the staff's for an internal tool, the customers' or citizens' for a public one, and for both the public's
plus the staff's adoption — and drops public opinion from an internal tool; weights are scaled back to 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

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


Audience = Literal["internal", "external", "both"]


def audience(p: Profile) -> Audience | None:
    """Who the service reaches: the target-users answer, else the regulatory audience; None: unknown."""
    if p.requirements.target_users is not None:
        return p.requirements.target_users
    reach = set(p.requirements.audience or [])
    if not reach:
        return None
    outside = bool(reach - {"internal_staff"})
    if "internal_staff" in reach:
        return "both" if outside else "internal"
    return "external"


def _spread(weights: dict[str, float]) -> dict[str, int]:
    """Weights scaled to whole percent summing to 100 (largest remainders round up, ties in order)."""
    total = sum(weights.values())
    exact = {k: w * 100 / total for k, w in weights.items()}
    out = {k: int(v) for k, v in exact.items()}
    short = 100 - sum(out.values())
    for k in sorted(exact, key=lambda k: -(exact[k] - out[k]))[:short]:
        out[k] += 1
    return out


def _weights(key: str, who: Audience | None) -> dict[str, int]:
    data = _data()
    base: dict[str, int] = {k: int(v) for k, v in data["weights"][key].items()}
    if who is None:
        return base
    rule = data["audience"][who]
    shaped: dict[str, float] = {}
    for dim, weight in base.items():
        if dim in rule["drop"]:
            continue
        shaped[rule["satisfaction"] if dim == "satisfaction" else dim] = weight
    shaped.update({dim: int(w) for dim, w in rule["add"].items()})
    return _spread(shaped)


def build_scorecard(p: Profile, lang: str) -> tuple[str, list[ScoreRow]]:
    """(weighting used, rows by descending weight) for the project's sector and audience."""
    data = _data()
    sector = p.project.sector
    key: str = sector if sector is not None and sector in data["weights"] else "default"
    tracked: set[str] = set(p.operations.value_metrics or [])
    tracked |= {"staff_satisfaction", "public_satisfaction"} if "satisfaction" in tracked else set()
    known = p.operations.value_metrics is not None

    def title(dim: str) -> str:
        spec = data["dimensions"][dim]
        return str((spec.get(f"title_{sector}") or spec["title"])[lang])

    rows = [
        ScoreRow(
            key=dim,
            title=title(dim),
            measure=data["dimensions"][dim]["measure"][lang],
            weight=weight,
            tracked=(dim in tracked) if known else None,
        )
        for dim, weight in _weights(key, audience(p)).items()
    ]
    return key, sorted(rows, key=lambda r: -r.weight)
