"""Wrap-up, in LLM mode: the drafted narrative sections of the deliverables (the step itself says
the project's standing). The graph then rests at the turn node (revise, jump or ask at any time).
The drafting itself is `graphs.drafting` (a scripted run calls it without the graph)."""

from __future__ import annotations

from typing import Literal

from langgraph.runtime import Runtime
from langgraph.types import Command

from graphs.context import Context
from graphs.drafting import Notice, wrap_up
from graphs.state import CoachState

__all__ = ["Notice", "wrapup"]


def wrapup(state: CoachState, runtime: Runtime[Context]) -> Command[Literal["turn"]]:
    """Draft the narratives (LLM mode) of the interview just finished, then rest at the turn node.

    A step of its own, after the one that recorded the last answer: drafting takes several model
    calls, and a process killed meanwhile must not lose that answer."""
    update, notice = wrap_up(state, runtime.context)
    if notice is not None:
        runtime.stream_writer(notice)
    return Command(update=update or None, goto="turn")
