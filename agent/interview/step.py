"""The one domain step: what happens on one user input.

`apply(state, user_input, deps)` reads the input (a command of the one table, an answer — options
resolved once, by the guided parser, and in LLM mode the injected model reading — a reply to a
follow-up, or the user's own question), records it with its provenance, evaluates the project
once, moves the cursor to the next question and returns the `TurnResult`: everything a front end
shows, and the state changes (`TurnResult.changes`) for whoever persists the state. Synchronous;
no LangGraph, no Textual: the graph (`graphs.nodes.turn`) and any test call it the same way.
"""

from __future__ import annotations

from typing import Any

from agent.answers import build_profile
from agent.interview import conflicts
from agent.interview.advance import advance
from agent.interview.builder import TurnBuilder, apply_changes
from agent.interview.coaching import mean_readiness
from agent.interview.deps import StepDeps
from agent.interview.handle import file_record, handle, said
from agent.interview.reading import guided
from agent.interview.state import InterviewState
from agent.interview.text import t
from agent.interview.view import question_view
from agent.snapshot import AnswerRecord, ProjectSnapshot, TurnResult
from agent.types import Stage


def apply(state: InterviewState, user_input: str | AnswerRecord, deps: StepDeps) -> TurnResult:
    """One input → what to show and what changed. `user_input` is what the user typed, or a
    ready-made answer record for the pending question (answers files).

    A failure inside the step is a bug, and must not wedge the project: the user is told, nothing
    is recorded, and the same question is asked again."""
    tb = TurnBuilder(state=state, deps=deps)
    try:
        if isinstance(user_input, AnswerRecord):
            file_record(tb, user_input)
        else:
            handle(tb, user_input)
            if not tb.said:
                tb.said = said(tb, user_input)
        if tb.move:
            advance(tb)
        if isinstance(user_input, str):
            conflicts.ask_if_new(tb)
        return finish(tb)
    except Exception:
        # the user is told what happened in their words (never "IndexError: list index out of range")
        tb = TurnBuilder(state=state, deps=deps)
        if isinstance(user_input, str):
            tb.said = said(tb, user_input)
        tb.say("error", t("internal_error", state.lang))
        return finish(tb, evaluate=False)


def start(state: InterviewState, deps: StepDeps) -> TurnResult:
    """The first turn of a new project: the welcome, the sector given when it was opened (if it
    reads as one), and the first question."""
    tb = TurnBuilder(state=state, deps=deps)
    lang = state.lang
    tb.say("notice", t("welcome", lang, name=state.project.name or ""))
    tb.update["stage"] = Stage.requirements
    sector_q = deps.bank.by_field("project.sector")
    if state.sector_hint and sector_q is not None and sector_q.id not in state.answers:
        outcome = guided(sector_q, state.sector_hint, lang)
        if outcome.record is not None and outcome.record.status == "answered":
            tb.update.update(answers={sector_q.id: outcome.record}, history=[sector_q.id])
        else:
            tb.say("notice", t("intake_sector_bad", lang, sector=state.sector_hint))
    advance(tb)
    return finish(tb)


def resume(state: InterviewState, deps: StepDeps) -> TurnResult:
    """Move a cursor left without a question (a checkpoint of an older version stopped between
    an answer and the next question) to the next question; a plain view otherwise."""
    tb = TurnBuilder(state=state, deps=deps)
    if state.question_id is None and not state.done:
        advance(tb)
    return finish(tb)


def view(state: InterviewState, deps: StepDeps, snapshot: ProjectSnapshot | None = None) -> TurnResult:
    """What to show for `state` without an input (a project just opened): the pending question
    and the evaluation; no messages (a resumed front replays the transcript)."""
    snapshot = snapshot or TurnBuilder(state=state, deps=deps).evaluation()
    question = question_view(state, deps.bank, snapshot.profile)
    return TurnResult(
        question=question,
        stage=state.stage,
        done=state.done and question is None,
        snapshot=snapshot,
    )


def finish(tb: TurnBuilder, *, evaluate: bool = True) -> TurnResult:
    """The `TurnResult` of the input: the messages, the question now pending, the one evaluation
    (brought up to the new cursor), and the changes to persist. `evaluate=False` (the step failed,
    maybe in the evaluation itself): no evaluation, the question worded from the answers alone."""
    tb.spend()
    changes: dict[str, Any] = dict(tb.update)
    changes["transcript"] = [*tb.said, *tb.msgs]
    after = apply_changes(tb.state, changes)
    snapshot: ProjectSnapshot | None = None
    if evaluate:
        snapshot = tb.evaluation().model_copy(
            update={
                "current_stage": after.stage,
                "done": after.done,
                "usage": after.usage,
                "stale_deliverables": list(after.stale_deliverables),
            }
        )
        profile = snapshot.profile
    else:
        profile = build_profile(after.answers, after.project, tb.deps.bank)
    question = question_view(after, tb.deps.bank, profile)
    return TurnResult(
        messages=list(tb.msgs),
        question=question,
        stage=after.stage,
        done=after.done and question is None,
        notice=tb.notice,
        snapshot=snapshot,
        said=next((m.text for m in tb.said if m.kind == "user"), None),
        action=tb.action,
        changes=changes,
    )


def readiness(result: TurnResult) -> int:
    """The mean readiness the result's evaluation gives (0 without one)."""
    return mean_readiness(result.snapshot) if result.snapshot is not None else 0
