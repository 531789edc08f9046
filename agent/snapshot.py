"""What the engine exposes to its fronts and to the deliverables.

`TurnResult` (alias `Turn`) is what the TUI or a scripted run sees after each input; `ProjectSnapshot` is the whole
picture of a project at a moment, from which deliverables, `report.json` and the TUI panels are
made. Both are plain pydantic models: no graph, no model, no textual.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from agent.profile import Profile
from agent.types import Citation, Finding, Gap, Lang, Passage, Phase, Stage, Statement

AnswerStatus = Literal["answered", "skipped", "unknown"]
AnswerSource = Literal["user", "llm", "signal", "file", "confirmed", "inferred"]
"""`inferred`: implied by another answer (`agent.inference`) and never shown to the user (a
scripted run, a question a quick interview does not ask); `confirmed`: such a value the user
confirmed."""
"""`confirmed`: the user confirmed a value inferred from an earlier answer (Enter, or 是/yes)."""


class AnswerRecord(BaseModel):
    """One answer to one question, as given and as understood."""

    question_id: str
    stage: Stage
    field: str
    """Dotted profile path the answer fills."""
    raw: str = ""
    """What the user typed (or the answers file held), verbatim."""
    value: Any = None
    """The typed value written to the profile (None when skipped/unknown)."""
    status: AnswerStatus = "answered"
    source: AnswerSource = "user"
    inferred: dict[str, Any] = Field(default_factory=dict)
    """Other profile fields inferred from this answer's free text (signals or the model)."""
    at: datetime | None = None


class OpenQuestion(BaseModel):
    """Something the coach needs to know but doesn't: never invented, always listed."""

    question_id: str
    stage: Stage
    field: str
    text: str
    reason: Literal["skipped", "unknown", "unanswered"] = "unanswered"


class Conflict(BaseModel):
    """Answers that cannot both be true (`agent.consistency`): asked about, or reported."""

    id: str
    fields: list[str]
    values: dict[str, Any]
    """Each field's answer as displayed."""
    message: str
    readings: list[str] = Field(default_factory=list)
    """The ways it can be resolved, as the coach offers them."""


class Recommendation(BaseModel):
    """Advice that follows from the profile, with the reasoning and the guidance behind it."""

    id: str
    stage: Stage
    kind: Literal["principle", "stage_entry", "phase", "caution"] = "principle"
    """principle: an adaptation principle; stage_entry: said on entering `stage`; phase: phase advice;
    caution: a principle the project chose against, said as a caution naming that choice."""
    title: str
    advice: str
    """The advice as plain text (the statements joined, without their kind labels)."""
    statements: list[Statement] = Field(default_factory=list)
    """The advice sentence by sentence, each with its kind and citations."""
    reasoning: str
    """Why this applies to *this* project: which answers lead here."""
    based_on: list[str] = Field(default_factory=list)
    """Profile field paths the recommendation follows from."""
    citations: list[Citation] = Field(default_factory=list)


class StageOverride(BaseModel):
    """The user left a stage although its exit criteria were unmet."""

    stage: Stage
    unmet: list[str]
    at: datetime | None = None


class Usage(BaseModel):
    """Model usage in LLM mode, counted per session."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    failures: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class ExitCriterion(BaseModel):
    id: str
    text: str
    met: bool
    derived: bool = False
    """True when the coach derived the criterion from what the sources say the phase is for (the
    sources state no exit criteria as such); shown labelled as derived."""


class ProjectSnapshot(BaseModel):
    """The whole picture of a project at one moment."""

    name: str
    lang: Lang = "zh"
    mode: Literal["guided", "llm"] = "guided"
    model_name: str | None = None
    profile: Profile = Field(default_factory=Profile)
    answers: dict[str, AnswerRecord] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)
    """Pitfalls not yet assessed (a rule's trigger rests only on unknowns): what to ask, not a risk."""
    readiness: dict[Stage, int] = Field(default_factory=dict)
    exit_criteria: dict[Stage, list[ExitCriterion]] = Field(default_factory=dict)
    phase: Phase = Phase.concept
    """The adoption phase the project is in now."""
    next_phase_criteria: list[ExitCriterion] = Field(default_factory=list)
    """What must hold to move to the next phase."""
    recommendations: list[Recommendation] = Field(default_factory=list)
    scoring_weights: dict[str, float] | None = None
    """The model-selection matrix's weights the answers file set (`selection.scoring_weights`,
    percent by criterion); None: the defaults."""
    open_questions: list[OpenQuestion] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    """Answers that contradict each other and are not resolved (documents state neither side)."""
    overrides: list[StageOverride] = Field(default_factory=list)
    passages: dict[str, Passage] = Field(default_factory=dict)
    """Every passage cited by findings or recommendations, by id (for source lists)."""
    narratives: dict[str, str] = Field(default_factory=dict)
    """LLM-drafted paragraphs keyed by `<deliverable>.<section>` (LLM mode only)."""
    stale_deliverables: list[str] = Field(default_factory=list)
    """Deliverable ids whose inputs changed since they were last written."""
    current_stage: Stage = Stage.requirements
    done: bool = False
    usage: Usage = Field(default_factory=Usage)
    updated_at: datetime | None = None


class QuestionView(BaseModel):
    """The question the coach is waiting on, ready to display."""

    id: str
    stage: Stage
    text: str
    help: str = ""
    type: Literal["choice", "multi", "number", "text", "yesno"]
    options: list[tuple[str, str]] = Field(default_factory=list)
    """(value, label) pairs in the session's language."""
    index: int = 0
    """1-based position within the stage."""
    total: int = 0
    number: int = 0
    """1-based position in the whole interview at its depth (questions answered so far + 1)."""
    planned: int = 0
    """The interview's estimated length at its depth ("12 / ~40"): it does not grow as answers arrive."""
    suggested: str | None = None
    """A value inferred from earlier answers, as displayed: an empty answer confirms it."""
    current: str | None = None
    """The answer already given, as displayed, when the question is asked again: an empty answer
    keeps it."""


MessageKind = Literal["question", "advice", "finding", "notice", "answer", "summary", "echo", "error", "user"]
"""`question` and `user` (what the user typed) appear only in the transcript a resumed project replays."""


class CoachMessage(BaseModel):
    """One message the coach shows (Markdown)."""

    kind: MessageKind
    text: str
    citations: list[Citation] = Field(default_factory=list)


class TurnResult(BaseModel):
    """Everything a front end shows after one input (the domain step's result): the new messages,
    the next question (None when done), the evaluation of the project as it now stands, a notice,
    and what a front-end command asked for. A front end renders it and asks for nothing more."""

    messages: list[CoachMessage] = Field(default_factory=list)
    question: QuestionView | None = None
    stage: Stage = Stage.requirements
    done: bool = False
    notice: str | None = None
    """One-line notice, e.g. 'model unavailable, guided mode for this turn'."""
    snapshot: ProjectSnapshot | None = None
    """The project evaluated once after this input (readiness, findings, phase…); None only from
    fronts' fakes that don't evaluate."""
    said: str | None = None
    """The input as the transcript keeps it: a picked option's label for "2" (None: no input)."""
    action: Literal["help", "export", "sources", "lang"] | None = None
    """A front-end command (`/export`, `/sources`, `/lang`, `/help`) the front end carries out."""
    changes: dict[str, Any] = Field(default_factory=dict, exclude=True, repr=False)
    """The state update of this input (for the adapter that persists the state; fronts ignore it)."""


Turn = TurnResult
"""The name the fronts have used since the beginning."""
