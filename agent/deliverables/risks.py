"""The risk register in PMBOK shape: cause → event → impact, probability × impact, response, owner,
due, residual — for the pitfalls the rules raised and the sector's own domain risks
(data: `knowledge/templates/risk_register.yaml`).

Probability and impact are the coach's scale, shown as such: impact follows the rule's severity;
probability is "likely" (3) when the answers show the condition, "possible" (2) when the finding
rests on a value nobody gave — only the regulatory rules register such a risk (an obligation that
applies and whose safeguard nobody can name); every other "don't know" is a gap, not a risk. Nothing
here is a measured probability.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from agent.deliverables.labels import TEMPLATES_DIR, load_yaml
from agent.i18n import pick
from agent.types import Finding

_IMPACT_SCORE = {"high": 3, "medium": 2, "low": 1}


@dataclass(frozen=True)
class DomainRisk:
    """A risk inherent to the sector (not raised by an answer)."""

    id: str
    cause: str
    event: str
    impact: str
    response: str


@cache
def _data() -> dict[str, Any]:
    return dict(load_yaml(TEMPLATES_DIR / "risk_register.yaml"))


def impact_text(finding: Finding, lang: str) -> str:
    """What happens if the finding's risk event occurs (by its pitfall family), '' when unknown."""
    impacts = _data()["impacts"]
    entry = impacts.get(finding.id) or impacts.get(finding.id.split("-", 1)[0])
    return pick(lang, entry["zh"], entry["en"]) if entry else ""


def probability(finding: Finding) -> int:
    """3 when the answers show the condition, 2 when the finding rests on a value nobody gave
    (an evidence entry without a value: unanswered or "don't know")."""
    shown = bool(finding.evidence) and all(e.value is not None for e in finding.evidence)
    return 3 if shown else 2


def rests_on_unknown(findings: list[Finding]) -> list[Finding]:
    """The findings whose probability is 2 (`probability`): what the register's text must explain."""
    return [f for f in findings if probability(f) == 2]


def impact(finding: Finding) -> int:
    """The rule's severity on a 1–3 scale."""
    return _IMPACT_SCORE.get(str(finding.severity), 2)


def domain_risks(sector: str | None, lang: str, first_number: int) -> list[DomainRisk]:
    """The sector's domain risks, numbered on from the pitfalls (RSK-n)."""
    rows = _data()["domain"].get(sector or "", [])
    return [
        DomainRisk(
            f"RSK-{first_number + i}",
            *(pick(lang, row[k]["zh"], row[k]["en"]) for k in ("cause", "event", "impact", "response")),
        )
        for i, row in enumerate(rows)
    ]
