"""The operations runbook's SLO table, alert → action playbooks and escalation roles.

Data: `knowledge/templates/runbook.yaml`. The objectives come only from the SLO answers
(`operations.slo_*`); a test's acceptance target is shown beside them for reference and never used as
an objective or an alert threshold. Playbooks are listed only for the metrics the project monitors;
who is called is the owner an answer names (the template prints it, or an open question).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from agent.deliverables.labels import TEMPLATES_DIR, load_yaml
from agent.i18n import pick
from agent.profile import Profile

ROLE_FIELDS: dict[str, str | None] = {
    "ops": "operations.owners",
    "data": "data.governance_owner",
    "vendor": "selection.vendor",
    "sponsor": None,
}
"""The answer naming whoever holds each escalation role (the sponsor's name is never asked)."""


@dataclass(frozen=True)
class Slo:
    """One row of the SLO table."""

    key: str
    title: str
    field: str
    test: str | None
    metric: str | None


@dataclass(frozen=True)
class Playbook:
    """Alert → action for one monitored metric."""

    metric: str
    symptom: str
    check: str
    action: str
    escalate: tuple[str, ...]


@cache
def _data() -> dict[str, Any]:
    return dict(load_yaml(TEMPLATES_DIR / "runbook.yaml"))


def slos(lang: str) -> list[Slo]:
    """The SLO rows in table order."""
    return [
        Slo(s["key"], pick(lang, s["title"]["zh"], s["title"]["en"]), s["field"], s["test"], s["metric"])
        for s in _data()["slos"]
    ]


def uses_vendor(p: Profile) -> bool:
    """Whether a vendor's model or service is in the path (a hosted API, a vendor's model, a named vendor)."""
    s = p.selection
    return (
        s.deployment in ("public_cloud", "hybrid")
        or s.model_source in ("public_api", "vendor_closed", "mixed")
        or s.vendor is not None
    )


def playbooks(p: Profile, lang: str) -> list[Playbook]:
    """A playbook per metric the project monitors, in the order the answer lists them."""
    out = []
    book = _data()["playbooks"]
    for metric in p.operations.monitoring_metrics or []:
        spec = book.get(metric)
        if spec is None:
            continue
        roles = tuple(r for r in spec["escalate"] if r != "vendor" or uses_vendor(p))
        out.append(
            Playbook(
                metric,
                pick(lang, spec["symptom"]["zh"], spec["symptom"]["en"]),
                pick(lang, spec["check"]["zh"], spec["check"]["en"]),
                pick(lang, spec["action"]["zh"], spec["action"]["en"]),
                roles,
            )
        )
    return out


def escalation_roles(p: Profile) -> list[str]:
    """The escalation path, first call first: operations, then data, the vendor where one is in the
    path, then the sponsor."""
    return [r for r in ROLE_FIELDS if r != "vendor" or uses_vendor(p)]
