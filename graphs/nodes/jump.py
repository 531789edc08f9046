"""/stage <name>: jump to a stage. Leaving a stage forward with unmet exit criteria warns once;
repeating the command confirms, and the override is recorded."""

from __future__ import annotations

from datetime import UTC, datetime

from agent.answers import build_profile
from agent.snapshot import StageOverride
from agent.types import STAGES
from graphs.coaching import evaluate
from graphs.nodes.handle import parse_stage, stage_list
from graphs.nodes.turn import TurnBuilder
from graphs.text import join, stage_title, t


def jump(tb: TurnBuilder, arg: str) -> None:
    """Move the interview to the stage named by `arg`."""
    state, lang, bank = tb.state, tb.lang, tb.ctx.bank
    target = parse_stage(arg)
    if not arg.strip():
        tb.say("error", t("stage_usage", lang, stages=stage_list(lang)))
        return
    if target is None:
        tb.say("error", t("stage_unknown", lang, arg=arg, stages=stage_list(lang)))
        return
    current = state.stage
    profile = build_profile(state.answers, state.project, bank)
    if bank.next_question(target, profile, state.answers) is None:
        ids = ", ".join(q.id for q in bank.applicable(target, profile))
        tb.say("notice", t("stage_complete", lang, stage=stage_title(target, lang), ids=ids))
        return
    forward = STAGES.index(target) > STAGES.index(current)
    if forward and not state.done and not any(o.stage == current for o in state.overrides):
        unmet = [c for c in evaluate(state, tb.ctx).exit_criteria.get(current, []) if not c.met]
        if unmet:
            if state.pending_jump != target:
                tb.say(
                    "notice",
                    t(
                        "jump_warn",
                        lang,
                        stage=stage_title(current, lang),
                        unmet=join([c.text for c in unmet], lang),
                        target=target.value,
                    ),
                )
                tb.update.update(pending_jump=target, warned=[current])
                return
            override = StageOverride(stage=current, unmet=[c.text for c in unmet], at=datetime.now(UTC))
            tb.update["overrides"] = [override]
            tb.say("notice", t("jump_override", lang, stage=stage_title(current, lang)))
    tb.say("notice", t("jump", lang, target=stage_title(target, lang)))
    tb.update.update(
        stage=target, revising=None, question_id=None, follow_up=None, advance=True, pending_jump=None
    )
