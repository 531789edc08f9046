"""Moving around the interview: /back, /revise <id|field|label>, /stage <name>.

Leaving a stage forward with unmet exit criteria warns once; repeating the command confirms, and
the override is recorded.
"""

from __future__ import annotations

from datetime import UTC, datetime

from agent.answers import build_profile
from agent.depth import DEPTHS, deeper, next_question, parse_depth, plan
from agent.interview.builder import TurnBuilder
from agent.interview.commands import parse_command
from agent.interview.text import join, stage_title, t
from agent.questions import Question
from agent.snapshot import StageOverride
from agent.types import STAGE_TITLES, STAGES, Lang, Stage


def back(tb: TurnBuilder) -> None:
    """Re-ask the question answered before the pending one."""
    history = tb.state.history
    current = tb.state.question_id
    idx = history.index(current) - 1 if current in history else len(history) - 1
    if idx < 0:
        tb.say("error", t("back_first", tb.lang))
        return
    target = tb.deps.bank.find(history[idx])
    if target is None:  # the bank changed since: nothing sensible to go back to
        tb.say("error", t("back_first", tb.lang))
        return
    _reask(tb, target, "back")


def revise(tb: TurnBuilder, arg: str) -> None:
    """Re-ask an earlier question by id or field path."""
    bank = tb.deps.bank
    example = tb.state.history[0] if tb.state.history else bank.questions[0].id
    if not arg:
        tb.say("error", t("revise_usage", tb.lang, example=example))
        return
    q = bank.find(arg) or bank.by_field(arg) or _by_label(tb, arg)
    if q is None:
        tb.say("error", t("revise_unknown", tb.lang, arg=arg, example=example))
        return
    _reask(tb, q, "revise_start")


def _by_label(tb: TurnBuilder, arg: str) -> Question | None:
    """The question whose label (as the coach quotes it, 已记录「业务痛点」) is `arg`, in
    either language."""
    key = arg.strip().strip("「」“”\"'").strip().casefold()
    found = [q for q in tb.deps.bank.questions if key in (label.casefold() for label in q.label.values())]
    return found[0] if len(found) == 1 else None


def _reask(tb: TurnBuilder, q: Question, key: str) -> None:
    rec = tb.state.answers.get(q.id)
    value = q.value_label(rec.value, tb.lang) if rec is not None else "—"
    tb.say("notice", t(key, tb.lang, label=q.label[tb.lang], value=value))
    tb.update.update(revising=q.id, stage=q.stage, question_id=None, follow_up=None)
    tb.move = True


def confirms_jump(text: str, target: Stage) -> bool:
    """Whether `text` repeats the pending /stage jump to `target` (which confirms it)."""
    parsed = parse_command(text)
    return (
        parsed is not None
        and parsed.spec is not None
        and parsed.spec.name == "stage"
        and parse_stage(parsed.arg) == target
    )


def parse_stage(arg: str) -> Stage | None:
    """A stage from its name, number (1–7), or title (either language)."""
    arg = arg.strip().lower()
    if not arg:
        return None
    if arg.isdigit() and 1 <= int(arg) <= len(STAGES):
        return STAGES[int(arg) - 1]
    for s in STAGES:
        titles = STAGE_TITLES[s]
        if arg == s.value or arg == titles["zh"].lower() or arg == titles["en"].lower():
            return s
    matches = [s for s in STAGES if s.value.startswith(arg) or titles_contain(s, arg)]
    return matches[0] if len(matches) == 1 else None


def titles_contain(stage: Stage, arg: str) -> bool:
    return any(arg in title.lower() for title in STAGE_TITLES[stage].values())


def stage_list(lang: Lang) -> str:
    """`requirements（需求分析与场景定位）…` for messages."""
    return join(
        [
            f"{s.value}（{stage_title(s, lang)}）" if lang == "zh" else f"{s.value} ({stage_title(s, lang)})"
            for s in STAGES
        ],
        lang,
    )  # type: ignore[arg-type]


def jump(tb: TurnBuilder, arg: str) -> None:
    """Move the interview to the stage named by `arg`."""
    state, lang, bank = tb.state, tb.lang, tb.deps.bank
    target = parse_stage(arg)
    if not arg.strip():
        tb.say("error", t("stage_usage", lang, stages=stage_list(lang)))
        return
    if target is None:
        tb.say("error", t("stage_unknown", lang, arg=arg, stages=stage_list(lang)))
        return
    current = state.stage
    profile = build_profile(state.answers, state.project, bank)
    if next_question(state.depth, bank, target, profile, state.answers) is None:
        ids = ", ".join(q.id for q in bank.applicable(target, profile))
        tb.say("notice", t("stage_complete", lang, stage=stage_title(target, lang), ids=ids))
        return
    forward = STAGES.index(target) > STAGES.index(current)
    if forward and not state.done and not any(o.stage == current for o in state.overrides):
        unmet = [c for c in tb.evaluation().exit_criteria.get(current, []) if not c.met]
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
    tb.update.update(stage=target, revising=None, question_id=None, follow_up=None, pending_jump=None)
    tb.move = True


def set_depth(tb: TurnBuilder, arg: str) -> None:
    """Change how deep the interview goes (`/depth full`, `/深入` = one level deeper) and go on
    from where it stopped: the first question of the new depth not asked yet, from the first stage."""
    state, lang, bank = tb.state, tb.lang, tb.deps.bank
    target = parse_depth(arg) if arg.strip() else deeper(state.depth)
    if target is None:
        key = "depth_unknown" if arg.strip() else "depth_deepest"
        tb.say(
            "error", t(key, lang, arg=arg, depths=" / ".join(DEPTHS), depth=_depth_title(state.depth, lang))
        )
        return
    profile = tb.evaluation().profile
    planned = plan(target, bank, profile, state.answers)
    asked = sum(1 for i in planned if i in state.answers)
    tb.say(
        "notice",
        t("depth_set", lang, depth=_depth_title(target, lang), total=len(planned), asked=asked),
    )
    tb.update.update(
        depth=target, stage=Stage.requirements, question_id=None, revising=None, follow_up=None, done=False
    )
    tb.move = True


def _depth_title(depth: str, lang: Lang) -> str:
    return t(f"depth_{depth}", lang)
