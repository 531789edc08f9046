"""One module per interview stage: its node (and coaching hook), built by `graphs.nodes.stage`."""

from __future__ import annotations

import importlib

from agent.types import STAGES, Stage
from graphs.nodes.stage import StageNodeFn


def stage_nodes() -> dict[Stage, StageNodeFn]:
    """Every stage's node, in interview order."""
    return {s: importlib.import_module(f"graphs.stages.{s.value}").node for s in STAGES}
