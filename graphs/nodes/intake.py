"""Intake: the welcome, and the project's identity (name, sector, language) recorded up front."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import Command

from agent.snapshot import CoachMessage
from agent.types import Stage
from graphs.answering import guided
from graphs.context import Context
from graphs.state import CoachState
from graphs.text import t


def intake(state: CoachState, runtime: Runtime[Context]) -> Command[Any]:
    """Welcome the user; a sector given when opening the project answers the sector question."""
    ctx = runtime.context
    lang = state.lang
    msgs = [CoachMessage(kind="notice", text=t("welcome", lang, name=state.project.name or ""))]
    update: dict[str, Any] = {"stage": Stage.requirements, "advance": False}
    sector_q = ctx.bank.by_field("project.sector")
    if state.sector_hint and sector_q is not None and sector_q.id not in state.answers:
        outcome = guided(sector_q, state.sector_hint, lang)
        if outcome.record is not None and outcome.record.status == "answered":
            update["answers"] = {sector_q.id: outcome.record}
            update["history"] = [sector_q.id]
        else:
            msgs.append(
                CoachMessage(kind="notice", text=t("intake_sector_bad", lang, sector=state.sector_hint))
            )
    update["outbox"] = msgs
    update["transcript"] = msgs
    return Command(update=update, goto="requirements")
