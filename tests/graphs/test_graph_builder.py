"""The graph itself, compiled with an in-memory checkpointer (no session facade), and its routing."""

from __future__ import annotations

import pytest
from graph_helpers import SmallRetriever
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from agent.profile import ProjectInfo
from agent.types import Stage
from graphs.graph import build_graph, make_context
from graphs.routing import RoutingError, after_stage, route_after_turn, stage_node
from graphs.state import CoachState
from graphs.storage import serializer


def test_compiled_graph_pauses_per_question_and_resumes_with_the_answer() -> None:
    graph = build_graph(retriever=SmallRetriever(), checkpointer=InMemorySaver(serde=serializer()))
    config = {"configurable": {"thread_id": "t"}}
    ctx = make_context(graph)
    graph.invoke({"project": ProjectInfo(name="p"), "lang": "en"}, config, context=ctx)
    state = graph.get_state(config)
    (pending,) = state.interrupts
    first = pending.value["question_id"]
    assert state.next == ("turn",) and first

    graph.invoke(Command(resume="Acme Bank"), config, context=ctx)
    state = graph.get_state(config)
    assert state.values["answers"][first].raw == "Acme Bank"
    assert state.interrupts[0].value["question_id"] != first
    assert {m.kind for m in state.values["outbox"]} == {"echo"}
    assert len(state.values["transcript"]) > len(state.values["outbox"]), "the transcript keeps the welcome"


def test_routes_are_typed_and_refuse_broken_state() -> None:
    assert stage_node(Stage.data) == "data" and after_stage(Stage.testing) == "operations"
    assert after_stage(Stage.operations) == "wrapup"
    assert route_after_turn(CoachState(advance=True, stage=Stage.selection)) == "selection"
    assert route_after_turn(CoachState(question_id="req.sector")) == "turn"
    assert route_after_turn(CoachState(done=True)) == "turn"
    with pytest.raises(RoutingError):
        route_after_turn(CoachState(question_id=None, done=False))
    with pytest.raises(RoutingError):
        stage_node("marketing")
