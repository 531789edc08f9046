"""The interview's state: what a project must remember between two inputs — its domain data and
the interview cursor, nothing else.

The graph checkpoints it after every step (`graphs.state` uses it as the graph state), so it holds
only plain data (pydantic models, strings, enums), never a model, a retriever or a setting: the API
key cannot reach a checkpoint. What a front end shows after an input (messages, the question view,
the evaluation) is not here: it is the `TurnResult` of that input (`agent.interview.result`).
Reducers are plain functions, so this module needs no LangGraph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from agent.depth import Depth
from agent.interview.reading_state import PendingReading
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


def append_unique(left: list[Any], right: list[Any]) -> list[Any]:
    """Append the items of `right` not yet in `left`, keeping order."""
    return left + [x for x in right if x not in left]


def append(left: list[Any], right: list[Any]) -> list[Any]:
    """Append `right` to `left`."""
    return left + right


@dataclass(kw_only=True)
class InterviewState:
    """A project's interview in progress: domain data and the cursor."""

    # --- the project and its answers (domain data) -----------------------------------------
    project: ProjectInfo = field(default_factory=ProjectInfo)
    """Name, organisation and sector of the project (from intake)."""
    lang: Lang = "zh"
    """Language of the questions, the coach's messages and the deliverables."""
    sector_hint: str | None = None
    """The sector as given when the project was opened (read once, at the start)."""
    answers: Annotated[dict[str, AnswerRecord], merge_dict] = field(default_factory=dict)
    """Every answer record by question id (skipped and unknown ones included)."""
    overrides: Annotated[list[StageOverride], append] = field(default_factory=list)
    """Stages left with unmet exit criteria, as the user chose."""
    model_findings: list[Finding] = field(default_factory=list)
    """Findings the model added (LLM mode; never replace rule findings)."""
    narratives: Annotated[dict[str, str], merge_dict] = field(default_factory=dict)
    """Model-drafted paragraphs by `<deliverable>.<section>`."""
    usage: Usage = field(default_factory=Usage)
    """Model calls and tokens spent by the session (the token budget is counted against it)."""
    deliverable_hashes: dict[str, str] = field(default_factory=dict)
    """Input hash per deliverable at the last export (empty before the first export)."""
    stale_deliverables: list[str] = field(default_factory=list)
    """Deliverables whose inputs changed since the last export (or, before one, by a revision)."""
    transcript: Annotated[list[CoachMessage], append_capped] = field(default_factory=list)
    """The conversation, oldest first (capped): a resumed project replays it."""

    # --- the cursor: where the interview is and what the user has been told ----------------
    stage: Stage = Stage.requirements
    """The stage being interviewed."""
    question_id: str | None = None
    """The question waiting for an answer (None: the cursor must move, or the wrap-up was reached)."""
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
    seen_findings: dict[str, str] = field(default_factory=dict)
    """Findings the user has been told about and that are still active, id → title."""
    seen_recommendations: list[str] = field(default_factory=list)
    """Recommendation ids the user has already been told about."""
    done: bool = False
    """The interview reached its wrap-up."""
    reading: PendingReading | None = None
    """An answer read with uncertainty, waiting for the user to pick what they meant (not recorded)."""
    pending_conflict: str | None = None
    """A conflict between answers the coach asked about and the user has not resolved yet (its id;
    `agent.consistency`). Kept apart from any other pending confirmation."""
    resolved_conflicts: dict[str, str] = field(default_factory=dict)
    """Conflicts the user resolved, id → their values then: not asked or reported again while
    those values stand."""
    depth: Depth = "full"
    """How deep the interview goes (`agent.depth`): quick, standard or full. New projects choose
    it (standard unless told); a project saved before depths existed goes on in full."""


STATE_FIELDS: frozenset[str] = frozenset(InterviewState.__dataclass_fields__)
"""The names of the state's fields (older checkpoints may hold more: they are dropped)."""


def state_from(values: dict[str, Any]) -> InterviewState:
    """An `InterviewState` from checkpointed values; fields it no longer has (`outbox`, `notice`,
    `advance`, `readiness` of older versions) are ignored."""
    return InterviewState(**{k: v for k, v in values.items() if k in STATE_FIELDS})
