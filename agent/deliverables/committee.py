"""The decision asked of the steering committee, derived from the gate and the findings.

The proposal is about the next adoption phase:
- **go** — every criterion of the current phase's gate is met and the rules found no high-severity risk;
- **go with conditions** — the conditions are the unmet gate criteria, the high-severity risks, and
  the budget or timeline when no answer states it (a committee does not approve a phase without them);
- **no-go (not yet)** — more than half of the gate's criteria are unmet: the project goes back to
  finish its current phase rather than enter the next one with most of the gate as conditions.

Unanswered criteria count as unmet (a gate is passed on what the answers state, never on a guess).
The cost, timeline and value lines of the decision come from the answers and the value model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agent.deliverables.trace import Risk
from agent.snapshot import ExitCriterion, ProjectSnapshot

Verdict = Literal["go", "go_with_conditions", "no_go"]

DECISION_INPUTS = ("requirements.budget_wan", "requirements.timeline_months")
"""What a committee needs stated to approve the next phase: unanswered, each is a condition."""

NEXT_PHASE = {
    "concept": "poc",
    "poc": "value_validation",
    "value_validation": "implementation",
    "implementation": "production",
    "production": "production",
}


@dataclass(frozen=True)
class CommitteeDecision:
    """The proposal to the committee and what it rests on."""

    verdict: Verdict
    phase: str
    next_phase: str
    criteria: tuple[ExitCriterion, ...]
    unmet: tuple[ExitCriterion, ...]
    high_risks: tuple[Risk, ...]
    missing: tuple[str, ...] = ()
    """Fields of `DECISION_INPUTS` no answer states (the budget, the timeline)."""

    @property
    def conditions(self) -> int:
        """How many conditions the decision carries (unmet criteria, high-severity risks, missing
        budget or timeline)."""
        return len(self.unmet) + len(self.high_risks) + len(self.missing)


def decide(snapshot: ProjectSnapshot, risks: list[Risk]) -> CommitteeDecision:
    """The proposal for moving from the snapshot's phase to the next (see the module docstring)."""
    criteria = tuple(snapshot.next_phase_criteria)
    unmet = tuple(c for c in criteria if not c.met)
    highs = tuple(r for r in risks if r.finding.severity == "high")
    missing = tuple(p for p in DECISION_INPUTS if snapshot.profile.get(p) is None)
    verdict: Verdict
    if criteria and len(unmet) * 2 > len(criteria):
        verdict = "no_go"
    elif unmet or highs or missing:
        verdict = "go_with_conditions"
    else:
        verdict = "go"
    phase = str(snapshot.phase)
    return CommitteeDecision(verdict, phase, NEXT_PHASE[phase], criteria, unmet, highs, missing)
