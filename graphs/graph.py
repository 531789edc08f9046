"""The coaching graph: intake → turn ⇄ turn (one input per step) → wrap-up (LLM mode) → turn.

A thin adapter over the domain step (`agent.interview.step`): the turn node pauses with
`interrupt()`, hands the input to the step, streams its `TurnResult` (`stream_mode="custom"`) and
routes with `Command(goto=…)`. `build_builder` returns the uncompiled builder; `build_graph`
compiles it with a checkpointer (tests pass an in-memory one; sessions the SQLite saver). The
model and retriever are not part of the graph: they come per invocation in the runtime `Context`.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import START, StateGraph

from agent.types import STAGES
from graphs.context import Context
from graphs.nodes.turn import start, turn
from graphs.nodes.wrapup import wrapup
from graphs.state import CoachState

LEGACY_NODES = tuple(s.value for s in STAGES)
"""Nodes of older versions (one per stage) a saved checkpoint may still name as the next step:
they hand over to the turn node, which moves the cursor on."""


def build_builder() -> StateGraph[Any, Any, Any, Any]:
    """The uncompiled graph."""
    builder: StateGraph[Any, Any, Any, Any] = StateGraph(CoachState, context_schema=Context)
    builder.add_node("intake", start, destinations=("turn",))
    builder.add_node("turn", turn, destinations=("turn", "wrapup"))
    builder.add_node("wrapup", wrapup, destinations=("turn",))
    for name in LEGACY_NODES:
        builder.add_node(name, _to_turn)
        builder.add_edge(name, "turn")
    builder.add_edge(START, "intake")
    return builder


def _to_turn(state: CoachState) -> dict[str, Any]:
    """A legacy stage node: nothing to do; the turn node finds the cursor without a question."""
    return {}


def build_graph(*, checkpointer: Any = None) -> Any:
    """The compiled graph."""
    return build_builder().compile(checkpointer=checkpointer)
