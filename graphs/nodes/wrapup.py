"""Wrap-up, in LLM mode: the drafted narrative sections of the deliverables (the step itself says
the project's standing). The graph then rests at the turn node (revise, jump or ask at any time)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from langgraph.runtime import Runtime
from langgraph.types import Command

from agent.datafiles import load_yaml
from agent.interview.coaching import evaluate
from agent.interview.text import t
from agent.snapshot import ProjectSnapshot
from agent.types import Stage
from graphs.context import Context, make_helper, step_deps
from graphs.model_calls import ModelHelper
from graphs.state import CoachState

NARRATIVES_FILE = Path(__file__).resolve().parent.parent.parent / "prompts" / "narratives.yaml"


@cache
def narrative_sections() -> tuple[tuple[str, tuple[Stage, ...]], ...]:
    """(section id, stages) of the narratives drafted at wrap-up."""
    items = load_yaml(NARRATIVES_FILE) or []
    return tuple((str(i["id"]), tuple(Stage(s) for s in i["stages"])) for i in items)


def wrapup(state: CoachState, runtime: Runtime[Context]) -> Command[Literal["turn"]]:
    """Draft the narratives (LLM mode) of the interview just finished, then rest at the turn node.

    A step of its own, after the one that recorded the last answer: drafting takes several model
    calls, and a process killed meanwhile must not lose that answer."""
    ctx = runtime.context
    helper = make_helper(state, ctx)
    if helper is None:
        return Command(goto="turn")
    snapshot = evaluate(state, step_deps(state, ctx))
    update: dict[str, Any] = {}
    narratives = draft_narratives(helper, snapshot, state)
    if narratives:
        update["narratives"] = narratives
    if helper.usage != state.usage:
        update["usage"] = helper.usage
    if helper.notice:
        runtime.stream_writer(Notice(t("model_fallback", state.lang, reason=helper.notice)))
    return Command(update=update, goto="turn")


@dataclass(frozen=True)
class Notice:
    """Streamed by the wrap-up node: a one-line notice for the turn that finished the interview."""

    text: str


MAX_DISCARDED_DRAFTS = 2
"""After this many unusable drafts in one wrap-up the model is not asked for more."""


def draft_narratives(helper: ModelHelper, snapshot: ProjectSnapshot, state: CoachState) -> dict[str, str]:
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
