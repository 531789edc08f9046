"""Wrap-up: the project's standing in a few lines and, in LLM mode, the drafted narrative sections
of the deliverables. The graph then rests at the turn node (revise, jump or ask at any time)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import Command

from agent.datafiles import load_yaml
from agent.snapshot import CoachMessage, ProjectSnapshot
from agent.types import PHASE_TITLES, Stage
from graphs.coaching import evaluate, mean_readiness
from graphs.context import Context
from graphs.model_calls import ModelHelper
from graphs.nodes.turn import make_helper
from graphs.state import CoachState
from graphs.text import t

NARRATIVES_FILE = Path(__file__).resolve().parent.parent.parent / "prompts" / "narratives.yaml"


@cache
def narrative_sections() -> tuple[tuple[str, tuple[Stage, ...]], ...]:
    """(section id, stages) of the narratives drafted at wrap-up."""
    items = load_yaml(NARRATIVES_FILE) or []
    return tuple((str(i["id"]), tuple(Stage(s) for s in i["stages"])) for i in items)


def wrapup(state: CoachState, runtime: Runtime[Context]) -> Command[Any]:
    """Summarise, draft narratives (LLM mode), and rest at the turn node."""
    ctx = runtime.context
    lang = state.lang
    snapshot = evaluate(state, ctx, done=True)
    update: dict[str, Any] = {"done": True, "question_id": None, "advance": False, "revising": None}
    helper = make_helper(state, ctx)
    if helper is not None:
        narratives = draft_narratives(helper, snapshot, state)
        if narratives:
            update["narratives"] = narratives
        if helper.usage != state.usage:
            update["usage"] = helper.usage
        if helper.notice:
            update["notice"] = t("model_fallback", lang, reason=helper.notice)
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
    msgs = [CoachMessage(kind="summary", text=text)]
    update.update(outbox=msgs, transcript=msgs, readiness=mean_readiness(snapshot))
    return Command(update=update, goto="turn")


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
