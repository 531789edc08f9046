"""Stage 4, development: approach, domain data, hallucination controls, evaluation."""

from __future__ import annotations

from agent.types import Stage
from graphs.nodes.stage import make_stage_node

STAGE = Stage.development
node = make_stage_node(STAGE)
