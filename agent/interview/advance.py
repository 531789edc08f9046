"""Moving the cursor: after an input is consumed, the next question — entering stages on the way
(their advice for this project, their findings not yet told), warning once about a finished
stage's unmet exit criteria, and the wrap-up after the last stage.

The whole walk uses the input's one evaluation (`TurnBuilder.evaluation`): entering a stage or
finishing one changes no answer.
"""

from __future__ import annotations

from agent.depth import next_question
from agent.interview.builder import TurnBuilder
from agent.interview.coaching import entry_messages, mean_readiness, phase_message
from agent.interview.text import join, stage_title, t
from agent.snapshot import CoachMessage, ProjectSnapshot
from agent.types import PHASE_TITLES, STAGES, Lang, Stage

PHASE_NOTE_STAGES = (Stage.requirements, Stage.testing)
"""Stages whose entry also names the adoption phase the project is in and what the next needs."""


class RoutingError(RuntimeError):
    """The interview state contradicts itself (a bug, not a user error)."""


def advance(tb: TurnBuilder) -> None:
    """Move to the next question to ask (or the wrap-up), saying what the user should hear on the way."""
    for _ in range(len(STAGES) + 1):
        state = tb.now()
        stage = state.stage
        if stage not in state.entered:
            _enter(tb, stage)
        if state.revising is not None:
            tb.update["question_id"] = state.revising
            return
        profile = tb.evaluation().profile
        q = next_question(state.depth, tb.deps.bank, stage, profile, tb.now().answers)
        if q is not None:
            tb.update["question_id"] = q.id
            return
        _leave(tb, stage)
        i = STAGES.index(stage)
        if i + 1 == len(STAGES):
            wrapup(tb)
            return
        tb.update["stage"] = STAGES[i + 1]
    raise RoutingError(f"no question found from stage {tb.state.stage}")  # pragma: no cover


def _enter(tb: TurnBuilder, stage: Stage) -> None:
    state, snapshot = tb.now(), tb.evaluation()
    msgs, told, new_findings = entry_messages(stage, snapshot, state)
    tb.msgs.extend(msgs)
    if stage in PHASE_NOTE_STAGES:
        tb.msgs.extend(phase_note(stage, snapshot, state.lang))
    tb.update.update(
        entered=[stage],
        seen_recommendations=list(dict.fromkeys([*state.seen_recommendations, *told])),
        seen_findings={**state.seen_findings, **new_findings},
    )


def _leave(tb: TurnBuilder, stage: Stage) -> None:
    """A stage's questions are done: its unmet exit criteria, once."""
    state = tb.now()
    unmet = [c.text for c in tb.evaluation().exit_criteria.get(stage, []) if not c.met]
    if unmet and stage not in state.warned:
        lang = state.lang
        tb.say("notice", t("stage_exit_unmet", lang, stage=stage_title(stage, lang), unmet=join(unmet, lang)))
        tb.update["warned"] = [stage]


def phase_note(stage: Stage, snapshot: ProjectSnapshot, lang: Lang) -> list[CoachMessage]:
    """The adoption phase the project is in and what the next one needs (unless the stage's own
    advice already says so)."""
    if any(r.id.startswith("phase") and r.stage == stage for r in snapshot.recommendations):
        return []
    return [phase_message(snapshot, lang)]


def wrapup(tb: TurnBuilder) -> None:
    """The interview's end: the project's standing in a few lines. The interview rests there
    (revise, jump or ask at any time); in LLM mode the graph then drafts the narratives."""
    snapshot = tb.evaluation()
    lang = tb.lang
    high = sum(1 for f in snapshot.findings if f.severity == "high")
    text = t(
        "wrapup",
        lang,
        readiness=mean_readiness(snapshot),
        findings=len(snapshot.findings),
        high=high,
        phase=PHASE_TITLES[snapshot.phase][lang],
        open=len(snapshot.open_questions),
    )
    tb.say("summary", text)
    depth = tb.now().depth
    if depth != "full":  # the rest was not asked: say how to go on
        tb.say("notice", t("depth_more", lang, depth=t(f"depth_{depth}", lang)))
    tb.update.update(done=True, question_id=None, revising=None)
