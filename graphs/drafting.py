"""The wrap-up's work in LLM mode, without LangGraph: whether an input just finished the interview
and needs the narratives drafted (`needs_drafts`), and the drafts themselves (`wrap_up`).

The graph's wrap-up node (`graphs.nodes.wrapup`) and a scripted run (`graphs.scripted`) both call
these, so a session and `coach run` draft the same sections the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from agent.datafiles import load_yaml
from agent.interview.coaching import evaluate
from agent.interview.state import InterviewState
from agent.interview.text import t
from agent.snapshot import ProjectSnapshot, TurnResult
from agent.types import Stage
from graphs.context import Context, make_helper, step_deps
from graphs.model_calls import ModelHelper

NARRATIVES_FILE = Path(__file__).resolve().parent.parent / "prompts" / "narratives.yaml"

MAX_DISCARDED_DRAFTS = 2
"""After this many unusable drafts in one wrap-up the model is not asked for more."""


@dataclass(frozen=True)
class Notice:
    """Streamed by the wrap-up node: a one-line notice for the turn that finished the interview."""

    text: str


@cache
def narrative_sections() -> tuple[tuple[str, tuple[Stage, ...]], ...]:
    """(section id, stages) of the narratives drafted at wrap-up."""
    items = load_yaml(NARRATIVES_FILE) or []
    return tuple((str(i["id"]), tuple(Stage(s) for s in i["stages"])) for i in items)


def needs_drafts(state: InterviewState, result: TurnResult, ctx: Context) -> bool:
    """The input that produced `result` (from `state`) just finished the interview, in LLM mode:
    the narratives are drafted next, in a step of their own."""
    finished = bool(result.changes.get("done")) and not state.done
    return finished and ctx.model is not None


def wrap_up(state: InterviewState, ctx: Context) -> tuple[dict[str, Any], Notice | None]:
    """The state update of the wrap-up (the narratives drafted, the usage they cost; empty in
    guided mode) and its one-line notice when the model fell back."""
    helper = make_helper(state, ctx)
    if helper is None:
        return {}, None
    snapshot = evaluate(state, step_deps(state, ctx))
    update: dict[str, Any] = {}
    narratives = draft_narratives(helper, snapshot, state)
    if narratives:
        update["narratives"] = narratives
    if helper.usage != state.usage:
        update["usage"] = helper.usage
    notice = Notice(t("model_fallback", state.lang, reason=helper.notice)) if helper.notice else None
    return update, notice


def draft_narratives(helper: ModelHelper, snapshot: ProjectSnapshot, state: InterviewState) -> dict[str, str]:
    """Drafts for the narrative sections not drafted yet or whose deliverable went stale."""
    out: dict[str, str] = {}
    for section_id, stages in narrative_sections():
        deliverable = section_id.split(".", 1)[0]
        if section_id in state.narratives and deliverable not in state.stale_deliverables:
            continue
        if not helper.budget_left():
            break
        passages = [p for p in snapshot.passages.values() if set(p.stages) & set(stages)][:4]
        discarded = helper.drafts_discarded
        text = helper.draft_narrative(section_id, snapshot, passages, stages=stages)
        if text is None:
            if helper.drafts_discarded == discarded or helper.drafts_discarded >= MAX_DISCARDED_DRAFTS:
                break  # the endpoint is failing, or the model can't draft usable text: stop asking
            continue  # one unusable draft: the section keeps its template text; try the next
        out[section_id] = text
    return out
