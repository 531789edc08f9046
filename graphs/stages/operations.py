"""Stage 7, operations: monitoring thresholds, update cadences, feedback, owners, value."""

from __future__ import annotations

from agent.types import Stage
from graphs.nodes.stage import make_stage_node

STAGE = Stage.operations
node = make_stage_node(STAGE)
