"""The interview's graph state: everything a session must remember between two inputs.

Checkpointed by the SQLite saver after every step, so it holds only plain data (pydantic models,
strings, enums), never a model, a retriever or a setting: the API key cannot reach a checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from agent.profile import ProjectInfo
from agent.snapshot import AnswerRecord, CoachMessage, StageOverride, Usage
from agent.types import Finding, Lang, Stage

TRANSCRIPT_CAP = 80
"""Messages kept in the transcript (older ones drop off; the answers never do)."""


def merge_dict(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    """Keys of `right` override those of `left`."""
    return {**left, **right}


def append_capped(left: list[CoachMessage], right: list[CoachMessage]) -> list[CoachMessage]:
    """Append, keeping the last TRANSCRIPT_CAP messages."""
    return (left + right)[-TRANSCRIPT_CAP:]


def append_unique(left: list[str], right: list[str]) -> list[str]:
    """Append the items of `right` not yet in `left`, keeping order."""
    return left + [x for x in right if x not in left]


@dataclass(frozen=True)
class NewTurn:
    """Written to `outbox` by the turn node: start a fresh turn with these messages."""

    messages: list[CoachMessage]


def outbox_reducer(left: list[CoachMessage], right: list[CoachMessage] | NewTurn) -> list[CoachMessage]:
    """Nodes append to the outbox; a `NewTurn` (one per user input) empties it first."""
    if isinstance(right, NewTurn):
        return list(right.messages)
    return left + right


@dataclass(kw_only=True)
class CoachState:
    """A project's interview in progress."""

    project: ProjectInfo = field(default_factory=ProjectInfo)
    """Name, organisation and sector of the project (from intake)."""
    lang: Lang = "zh"
    """Language of the questions, the coach's messages and the deliverables."""
    answers: Annotated[dict[str, AnswerRecord], merge_dict] = field(default_factory=dict)
    """Every answer record by question id (skipped and unknown ones included)."""
    stage: Stage = Stage.requirements
    """The stage being interviewed."""
    question_id: str | None = None
    """The question waiting for an answer (None after the wrap-up)."""
    advance: bool = False
    """The last input was consumed: the stage node picks what to ask next."""
    sector_hint: str | None = None
    """The sector as given when the project was opened (the intake node parses it)."""
    revising: str | None = None
    """A question re-asked out of order (/back, /revise); cleared once answered."""
    follow_up: str | None = None
    """The model's contextual follow-up to `question_id`, when one is pending (LLM mode)."""
    followed_up: Annotated[list[str], append_unique] = field(default_factory=list)
    """Questions that already had their one follow-up."""
    history: Annotated[list[str], append_unique] = field(default_factory=list)
    """Question ids in the order they were first answered (for /back)."""
    entered: Annotated[list[Stage], append_unique] = field(default_factory=list)
    """Stages whose entry advice has been given."""
    warned: Annotated[list[Stage], append_unique] = field(default_factory=list)
    """Stages whose unmet exit criteria the user has been warned about."""
    pending_jump: Stage | None = None
    """A /stage jump waiting for the user's confirmation (unmet exit criteria)."""
    overrides: Annotated[list[StageOverride], lambda a, b: a + b] = field(default_factory=list)
    """Stages left with unmet exit criteria, as the user chose."""
    transcript: Annotated[list[CoachMessage], append_capped] = field(default_factory=list)
    """Everything the coach said, oldest first (capped)."""
    outbox: Annotated[list[CoachMessage], outbox_reducer] = field(default_factory=list)
    """What the coach said since the user's last input (the Turn's messages)."""
    notice: str | None = None
    """One-line notice of the last turn (model fallback, budget), or None."""
    usage: Usage = field(default_factory=Usage)
    """Model calls and tokens spent by the session."""
    model_findings: list[Finding] = field(default_factory=list)
    """Findings the model added (LLM mode; never replace rule findings)."""
    narratives: Annotated[dict[str, str], merge_dict] = field(default_factory=dict)
    """Model-drafted paragraphs by `<deliverable>.<section>`."""
    seen_findings: dict[str, str] = field(default_factory=dict)
    """Findings the user has been told about and that are still active, id → title."""
    seen_recommendations: list[str] = field(default_factory=list)
    """Recommendation ids the user has already been told about."""
    deliverable_hashes: dict[str, str] = field(default_factory=dict)
    """Input hash per deliverable at the last export (empty before the first export)."""
    stale_deliverables: list[str] = field(default_factory=list)
    """Deliverables whose inputs changed since the last export (or, before one, by a revision)."""
    readiness: int = 0
    """Mean readiness over the seven stages (for the project list)."""
    done: bool = False
    """The interview reached its wrap-up."""
