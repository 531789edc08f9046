"""Stage 2, selection: base model, size, techniques, deployment, vendor, cost."""

from __future__ import annotations

from agent.types import Stage
from graphs.nodes.stage import make_stage_node

STAGE = Stage.selection
node = make_stage_node(STAGE)
