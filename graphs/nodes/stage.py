"""The stage node factory: on entry, the stage's advice for this project; then the next question,
or, when the stage is done, its unmet exit criteria and the move to the next stage.

Each stage module in `graphs.stages` builds its node here and may add a coaching hook: more
messages on entry (e.g. the adoption phase at the start of requirements).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import Command

from agent.answers import build_profile
from agent.snapshot import CoachMessage, ProjectSnapshot
from agent.types import Lang, Stage
from graphs.coaching import entry_messages, evaluate, mean_readiness
from graphs.context import Context
from graphs.routing import RoutingError, after_stage
from graphs.state import CoachState
from graphs.text import join, stage_title, t

EntryHook = Callable[[Stage, ProjectSnapshot, Lang], list[CoachMessage]]
StageNodeFn = Callable[[CoachState, Runtime[Context]], Command[Any]]


def make_stage_node(stage: Stage, on_enter: EntryHook | None = None) -> StageNodeFn:
    """The node interviewing `stage`."""

    def node(state: CoachState, runtime: Runtime[Context]) -> Command[Any]:
        if state.stage != stage:
            raise RoutingError(f"stage node {stage.value} reached with state.stage={state.stage}")
        ctx = runtime.context
        msgs: list[CoachMessage] = []
        update: dict[str, Any] = {"advance": False}
        snapshot: ProjectSnapshot | None = None
        if stage not in state.entered:
            snapshot = evaluate(state, ctx)
            entry, told, new_findings = entry_messages(stage, snapshot, state)
            msgs.extend(entry)
            if on_enter is not None:
                msgs.extend(on_enter(stage, snapshot, state.lang))
            update.update(
                entered=[stage],
                seen_recommendations=list(dict.fromkeys([*state.seen_recommendations, *told])),
                seen_findings={**state.seen_findings, **new_findings},
                readiness=mean_readiness(snapshot),
            )
        goto: str
        if state.revising is not None:
            update.update(question_id=state.revising)
            goto = "turn"
        else:
            profile = build_profile(state.answers, state.project, ctx.bank)
            q = ctx.bank.next_question(stage, profile, state.answers)
            if q is not None:
                update["question_id"] = q.id
                goto = "turn"
            else:
                snapshot = snapshot or evaluate(state, ctx)
                unmet = [c.text for c in snapshot.exit_criteria.get(stage, []) if not c.met]
                if unmet and stage not in state.warned:
                    msgs.append(
                        CoachMessage(
                            kind="notice",
                            text=t(
                                "stage_exit_unmet",
                                state.lang,
                                stage=stage_title(stage, state.lang),
                                unmet=join(unmet, state.lang),
                            ),
                        )
                    )
                    update["warned"] = [stage]
                nxt = after_stage(stage)
                update["question_id"] = None
                if nxt != "wrapup":
                    update["stage"] = Stage(nxt)
                goto = nxt
        update["outbox"] = msgs
        update["transcript"] = msgs
        return Command(update=update, goto=goto)

    node.__name__ = f"{stage.value}_node"
    node.__doc__ = f"Interview the {stage.value} stage."
    return node


def phase_hook(stage: Stage, snapshot: ProjectSnapshot, lang: Lang) -> list[CoachMessage]:
    """Coaching hook: the adoption phase the project is in and what the next one needs (unless the
    stage's own advice already says so)."""
    from graphs.coaching import phase_message

    if any(r.id.startswith("phase") and r.stage == stage for r in snapshot.recommendations):
        return []
    return [phase_message(snapshot, lang)]
