"""Stage 3, data: sources, personal data, desensitisation, knowledge base, governance."""

from __future__ import annotations

from agent.types import Stage
from graphs.nodes.stage import make_stage_node

STAGE = Stage.data
node = make_stage_node(STAGE)
