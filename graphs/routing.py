"""Where the interview goes next. Route functions are typed and raise on a broken invariant
(a bug, not a user error): a silent wrong turn would lose the user's place."""

from __future__ import annotations

from typing import Literal, cast

from agent.types import STAGES, Stage
from graphs.state import CoachState

StageNode = Literal[
    "requirements", "selection", "data", "development", "integration", "testing", "operations"
]
STAGE_NODES: tuple[StageNode, ...] = cast(tuple[StageNode, ...], tuple(s.value for s in STAGES))


class RoutingError(RuntimeError):
    """The graph state contradicts itself."""


def stage_node(stage: Stage | str) -> StageNode:
    """The node name of a stage."""
    value = stage.value if isinstance(stage, Stage) else str(stage)
    if value not in STAGE_NODES:
        raise RoutingError(f"not a stage: {stage!r}")
    return cast(StageNode, value)


def after_stage(stage: Stage) -> StageNode | Literal["wrapup"]:
    """The node after a completed stage: the next stage, or the wrap-up after the last."""
    i = STAGES.index(stage)
    return stage_node(STAGES[i + 1]) if i + 1 < len(STAGES) else "wrapup"


def route_after_turn(state: CoachState) -> Literal["turn", StageNode]:
    """After an input: the stage node picks the next question, or the same one is asked again."""
    if state.advance:
        return stage_node(state.stage)
    if state.question_id is None and not state.done:
        raise RoutingError("no question pending, interview not done, and nothing to advance")
    return "turn"
