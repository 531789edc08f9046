"""The coaching graph: intake → seven stage nodes ⇄ turn (ask, handle) → wrap-up → turn.

`build_graph` compiles it with a checkpointer (tests pass an in-memory one; sessions the SQLite
saver); `build_builder` returns the uncompiled builder. The model and retriever are not part of
the graph: they are passed per invocation in the runtime `Context` (see `graphs.context`), so
`build_graph(model=…, retriever=…)` only records defaults for `make_context`.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import START, StateGraph

from agent.config import Settings
from graphs.context import Context, Retriever
from graphs.nodes.intake import intake
from graphs.nodes.turn import turn
from graphs.nodes.wrapup import wrapup
from graphs.routing import STAGE_NODES, route_after_turn
from graphs.stages import stage_nodes
from graphs.state import CoachState


def build_builder() -> StateGraph[Any, Any, Any, Any]:
    """The uncompiled graph."""
    builder: StateGraph[Any, Any, Any, Any] = StateGraph(CoachState, context_schema=Context)
    builder.add_node("intake", intake, destinations=("requirements",))
    nodes = stage_nodes()
    for i, (stage, fn) in enumerate(nodes.items()):
        nxt = STAGE_NODES[i + 1] if i + 1 < len(STAGE_NODES) else "wrapup"
        builder.add_node(stage.value, fn, destinations=("turn", nxt))  # type: ignore[arg-type]
    builder.add_node("turn", turn)
    builder.add_node("wrapup", wrapup, destinations=("turn",))
    builder.add_edge(START, "intake")
    builder.add_conditional_edges("turn", route_after_turn, ["turn", *STAGE_NODES])
    return builder


def build_graph(*, model: Any = None, retriever: Retriever | None = None, checkpointer: Any = None) -> Any:
    """The compiled graph. `model`/`retriever` become the defaults of `make_context(graph)`."""
    graph = build_builder().compile(checkpointer=checkpointer)
    graph.coach_defaults = {"model": model, "retriever": retriever}  # type: ignore[attr-defined]
    return graph


def make_context(graph: Any = None, *, settings: Settings | None = None, **overrides: Any) -> Context:
    """A runtime context: the graph's defaults, then `overrides` (model, retriever, on_token…)."""
    values: dict[str, Any] = dict(getattr(graph, "coach_defaults", {}) or {})
    values.update(overrides)
    return Context(settings=settings or Settings(), **values)
