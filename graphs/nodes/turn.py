"""The turn node: wait for the user's input (`interrupt`), hand it to the domain step, stream the
step's `TurnResult` to the caller and route on.

Nothing happens before `interrupt()`, so re-running the node on resume is harmless, and the input
is handled in the same step that received it: a process killed mid-answer resumes at the same
question with every earlier answer intact (the last checkpoint is the interrupt).
"""

from __future__ import annotations

from typing import Literal

from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt

from agent.interview import step
from agent.scrub import scrub_key
from agent.snapshot import AnswerRecord, TurnResult
from graphs.context import Context, step_deps
from graphs.drafting import needs_drafts
from graphs.state import CoachState


def turn(state: CoachState, runtime: Runtime[Context]) -> Command[Literal["turn", "wrapup"]]:
    """Pause for an input; then the step handles it, and the graph rests here again (or drafts
    the wrap-up's narratives first, when this input finished the interview in LLM mode)."""
    ctx = runtime.context
    if state.question_id is None and not state.done:
        # a checkpoint of an older version, stopped between an answer and the next question
        return _emit(runtime, state, step.resume(state, step_deps(state, ctx)))
    raw = interrupt({"question_id": state.question_id, "follow_up": state.follow_up})
    user_input: str | AnswerRecord
    if isinstance(raw, dict) and "exported" in raw:
        # the deliverables were just written: later changes are measured against them
        return Command(update={"stale_deliverables": [], "deliverable_hashes": raw["exported"]}, goto="turn")
    if isinstance(raw, dict) and "record" in raw:
        user_input = AnswerRecord.model_validate(raw["record"])
    else:
        # a key pasted into an answer must not reach the checkpoint either
        user_input = scrub_key(str(raw if raw is not None else ""), ctx.settings)
    return _emit(runtime, state, step.apply(state, user_input, step_deps(state, ctx)))


def _emit(
    runtime: Runtime[Context], state: CoachState, result: TurnResult
) -> Command[Literal["turn", "wrapup"]]:
    """Stream `result` to the caller (never checkpointed) and persist its changes."""
    runtime.stream_writer(result)
    return Command(update=result.changes, goto=route(state, result, runtime.context))


def route(state: CoachState, result: TurnResult, ctx: Context) -> Literal["turn", "wrapup"]:
    """The wrap-up node drafts narratives when an input just finished the interview in LLM mode;
    otherwise the graph rests at the turn node."""
    return "wrapup" if needs_drafts(state, result, ctx) else "turn"


def start(state: CoachState, runtime: Runtime[Context]) -> Command[Literal["turn"]]:
    """Intake: the welcome, the sector given with the project, and the first question."""
    result = step.start(state, step_deps(state, runtime.context))
    runtime.stream_writer(result)
    return Command(update=result.changes, goto="turn")
