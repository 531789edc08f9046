"""A scripted run (`coach run --answers`): an answers file through the interview's domain step.

`run_answers` takes the steps a session's graph takes, in the same order and with the same state
updates: intake (`step.start`), then one `step.apply` per input, its changes applied with the
checkpointer's reducers (`apply_changes`), a cursor left without a question moved on
(`step.resume`, as the turn node does), and in LLM mode the wrap-up's drafts after the input that
finished the interview (`graphs.drafting`, as the wrap-up node does).

It runs them without LangGraph. What the graph adds is a checkpoint per input, to resume after a
crash, and a scripted run keeps nothing: a crash means running the file again, and the
deliverables are written atomically. LangGraph's import (langchain-core's tracers, LangSmith, the
LangGraph SDK) and its loop per input (a thread pool started for each) were about half of
`coach run`'s time. `tests/graphs/test_scripted_run.py` checks that a scripted run ends where a
session answering the same records through the graph does; an import-linter contract keeps
LangGraph off this path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from agent import llm
from agent.answers import implied_value, stated_unasked
from agent.config import Settings, load_settings
from agent.consistency import find_conflicts
from agent.interview import step
from agent.interview.builder import apply_changes
from agent.interview.coaching import evaluate
from agent.interview.state import InterviewState
from agent.profile import ProjectInfo
from agent.snapshot import AnswerRecord, ProjectSnapshot, TurnResult
from agent.types import Lang
from graphs.context import Context, Retriever, breaker_for, step_deps
from graphs.drafting import needs_drafts, wrap_up

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = ["run_answers"]


class _Interview:
    """One scripted interview, in memory: the state at the last pause and the last step's result."""

    def __init__(self, ctx: Context, state: InterviewState) -> None:
        self.ctx = ctx
        self.state = state
        self.last = self._settle(step.start(state, step_deps(state, ctx)), before=state, routed=False)

    def send(self, user_input: str | AnswerRecord) -> TurnResult:
        """One input (a record for the pending question, or a command) → the step's result."""
        if isinstance(user_input, AnswerRecord):
            # as a session hands a record to the step: through its JSON form (the resume value)
            user_input = AnswerRecord.model_validate(user_input.model_dump(mode="json"))
        before = self.state
        self.last = self._settle(step.apply(before, user_input, step_deps(before, self.ctx)), before=before)
        return self.last

    def _settle(self, result: TurnResult, *, before: InterviewState, routed: bool = True) -> TurnResult:
        """Apply `result` and go on as the graph does until its turn node pauses for an input;
        the result to show, as `CoachSession` makes it (the wrap-up's notice and narratives)."""
        notice = None
        while True:
            self.state = apply_changes(before, result.changes)
            if routed and needs_drafts(before, result, self.ctx):
                update, drafted = wrap_up(self.state, self.ctx)
                self.state = apply_changes(self.state, update)
                notice = drafted.text if drafted is not None else notice
            if self.state.question_id is not None or self.state.done:
                break
            # a cursor left without a question: the turn node moves it on before pausing
            before, routed = self.state, True
            result = step.resume(before, step_deps(before, self.ctx))
        if notice is not None and result.notice is None:
            result = result.model_copy(update={"notice": notice})
        snap = result.snapshot
        if snap is not None and (snap.narratives, snap.usage) != (self.state.narratives, self.state.usage):
            snap = snap.model_copy(
                update={"narratives": dict(self.state.narratives), "usage": self.state.usage}
            )
            result = result.model_copy(update={"snapshot": snap})
        return result

    def snapshot(self) -> ProjectSnapshot:
        """The project's evaluation now (the last step's, when it has one)."""
        if self.last.snapshot is not None:
            return self.last.snapshot
        return evaluate(self.state, step_deps(InterviewState(), self.ctx))  # pragma: no cover


def run_answers(
    name: str,
    answers: dict[str, AnswerRecord],
    *,
    lang: Lang = "zh",
    settings: Settings | None = None,
    model: BaseChatModel | None = None,
    retriever: Retriever | None = None,
    notices: list[str] | None = None,
) -> ProjectSnapshot:
    """Drive the interview non-interactively: each question asked gets its record from `answers`
    (source `file`); a missing one gets what an earlier answer implies (source `inferred`,
    `agent.inference`), else is recorded as unknown (an open question). Values stated for questions
    that never applied are recorded too (`stated_unasked`). Nothing is saved under COACH_HOME. The
    turns' one-line notices (model fallbacks) are appended to `notices` when given."""
    settings = settings or load_settings()
    chat = (
        model if model is not None else llm.make_chat_model(settings)
    )  # looked up at call time: tests replace it
    ctx = Context(
        settings=settings, model=chat, retriever=retriever, breaker=breaker_for(settings, scripted=True)
    )
    run = _Interview(ctx, InterviewState(project=ProjectInfo(name=name), lang=lang, depth="full"))
    for _ in range(4 * len(ctx.bank) + 20):
        state = run.state
        if state.question_id is None:
            break
        if state.follow_up is not None:
            turn = run.send("/skip")
        else:
            turn = run.send(file_answer(answers, state, ctx))
            if notices is not None and turn.notice and turn.notice not in notices:
                notices.append(turn.notice)
    else:  # pragma: no cover - a loop here is a bug of the step
        raise RuntimeError("run_answers: the interview did not finish")
    return with_stated(answers, run.state, run.snapshot, ctx)


def file_answer(answers: dict[str, AnswerRecord], state: InterviewState, ctx: Context) -> AnswerRecord:
    """The record a scripted run gives the question `state` asks: the file's answer, else what another
    answer implies (source `inferred`), else unknown."""
    if state.question_id is None:
        raise ValueError("file_answer: the interview asks no question")
    q = ctx.bank.get(state.question_id)
    given = answers.get(q.id)
    if given is not None:
        return given.model_copy(update={"source": "file"})
    value = implied_value(state.answers, q.field, state.project, ctx.bank)
    return AnswerRecord(
        question_id=q.id,
        stage=q.stage,
        field=q.field,
        status="unknown" if value is None else "answered",
        value=value,
        source="file" if value is None else "inferred",
    )


def with_stated(
    answers: dict[str, AnswerRecord],
    state: InterviewState,
    snapshot: Callable[[], ProjectSnapshot],
    ctx: Context,
) -> ProjectSnapshot:
    """The snapshot at the end of a scripted interview, with what the file states beyond the questions
    asked: answers to questions that did not apply are recorded as stated, and a conflict the file
    states is reported even when one side is such an answer (a cost figure beside "no cost estimate")."""
    unasked = stated_unasked(answers, state.answers, ctx.bank)
    if unasked:
        state = replace(state, answers={**state.answers, **unasked})
    final = evaluate(state, step_deps(state, ctx)) if unasked else snapshot()
    stated = find_conflicts({**answers, **final.answers}, final.lang, ctx.bank)
    known = {c.id for c in final.conflicts}
    return final.model_copy(
        update={"conflicts": [*final.conflicts, *(c for c in stated if c.id not in known)]}
    )
