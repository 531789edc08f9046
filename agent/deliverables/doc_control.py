"""Document control: version, date, owner, status and revision history of one deliverable.

Everything here comes from the session: the revision history groups the answers by the day they
were recorded (an answers file run is one revision, dated the day it ran); the owner is a person
an answer names for this document's area, else "to be named"; the status is always a draft for
review — no answer can state that a committee approved a document the coach has just written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from agent.snapshot import ProjectSnapshot

# which answer names the owner of a document (by deliverable id); the rest have no owner field
_OWNER_FIELD = {
    "operations_runbook": "operations.owners",
    "data_governance": "data.governance_owner",
}


@dataclass(frozen=True)
class Revision:
    """One row of the revision history."""

    version: str
    day: date
    answers: int
    """Answers recorded (or revised) on that day."""


@dataclass(frozen=True)
class DocControl:
    """The block every deliverable opens with."""

    version: str
    day: date
    owner: str | None
    owner_field: str | None
    organisation: str | None
    status_zh: str = "草稿，待评审"
    status_en: str = "Draft for review"
    history: list[Revision] = field(default_factory=list)

    def status(self, lang: str) -> str:
        """The status in the document's language."""
        return self.status_en if lang == "en" else self.status_zh


def _today() -> date:
    return datetime.now(UTC).date()


def revisions(snapshot: ProjectSnapshot) -> list[Revision]:
    """The session's revisions: one per day on which answers were recorded, oldest first.

    Answers without a time (an answers file) count towards the day of this run."""
    days: Counter[date] = Counter()
    today = _today()
    for record in snapshot.answers.values():
        stamp = record.at
        days[stamp.date() if stamp is not None else today] += 1
    if not days:
        days[today] = 0
    return [Revision(f"0.{i}", day, n) for i, (day, n) in enumerate(sorted(days.items()), start=1)]


def doc_control(snapshot: ProjectSnapshot, deliverable_id: str) -> DocControl:
    """The document-control block of one deliverable."""
    history = revisions(snapshot)
    owner_field = _OWNER_FIELD.get(deliverable_id)
    owner = snapshot.profile.get(owner_field) if owner_field else None
    return DocControl(
        version=history[-1].version,
        day=history[-1].day,
        owner=str(owner) if owner else None,
        owner_field=owner_field,
        organisation=snapshot.profile.project.organisation,
        history=history,
    )
