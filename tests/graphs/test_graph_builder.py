"""The graph itself, compiled with an in-memory checkpointer (no session facade): a thin adapter
that pauses per question, hands the input to the domain step and streams its result."""

from __future__ import annotations

from typing import Any

from graph_helpers import SmallRetriever
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from agent.profile import ProjectInfo
from agent.snapshot import TurnResult
from agent.types import Stage
from graphs.context import Context
from graphs.graph import build_graph
from graphs.nodes.turn import route
from graphs.state import CoachState
from graphs.storage import serializer


def _results(graph: Any, value: Any, config: dict[str, Any], ctx: Context) -> list[TurnResult]:
    return [
        chunk
        for chunk in graph.stream(value, config, context=ctx, stream_mode="custom")
        if isinstance(chunk, TurnResult)
    ]


def test_compiled_graph_pauses_per_question_and_streams_each_turns_result() -> None:
    graph = build_graph(checkpointer=InMemorySaver(serde=serializer()))
    config = {"configurable": {"thread_id": "t"}}
    ctx = Context(retriever=SmallRetriever())
    (first_turn,) = _results(graph, {"project": ProjectInfo(name="p"), "lang": "en"}, config, ctx)
    state = graph.get_state(config)
    (pending,) = state.interrupts
    first = pending.value["question_id"]
    assert state.next == ("turn",) and first
    assert first_turn.question is not None and first_turn.question.id == first
    assert first_turn.messages[0].kind == "notice", "the welcome"

    (result,) = _results(graph, Command(resume="Acme Bank"), config, ctx)
    state = graph.get_state(config)
    assert state.values["answers"][first].raw == "Acme Bank"
    assert state.interrupts[0].value["question_id"] != first
    assert {m.kind for m in result.messages} == {"echo"}
    assert result.snapshot is not None and result.snapshot.answers[first].raw == "Acme Bank"
    assert len(state.values["transcript"]) > len(result.messages), "the transcript keeps the welcome"
    assert not {"outbox", "notice", "advance", "readiness"} & set(state.values), "no UI bookkeeping"


def test_a_checkpoint_of_the_older_graph_stopped_before_a_stage_node_resumes_at_a_question() -> None:
    graph = build_graph(checkpointer=InMemorySaver(serde=serializer()))
    config = {"configurable": {"thread_id": "old"}}
    ctx = Context(retriever=SmallRetriever())
    _results(graph, {"project": ProjectInfo(name="p"), "lang": "zh"}, config, ctx)
    # what an older version left: the answer recorded, the cursor cleared, the stage node next
    graph.update_state(config, {"question_id": None, "stage": Stage.selection}, as_node="selection")
    assert graph.get_state(config).next == ("turn",)
    (result,) = _results(graph, None, config, ctx)
    state = graph.get_state(config)
    assert result.question is not None and result.question.stage == Stage.selection
    assert state.interrupts[0].value["question_id"] == result.question.id


def test_the_wrapup_node_runs_only_when_an_input_finishes_the_interview_in_llm_mode() -> None:
    finished = TurnResult(changes={"done": True})
    assert route(CoachState(), finished, Context(model=object())) == "wrapup"  # type: ignore[arg-type]
    assert route(CoachState(), finished, Context()) == "turn"
    assert route(CoachState(done=True), finished, Context(model=object())) == "turn"  # type: ignore[arg-type]
    assert route(CoachState(), TurnResult(), Context(model=object())) == "turn"  # type: ignore[arg-type]
