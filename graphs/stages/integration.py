"""Stage 5, integration: systems, interface, monitoring, security, rollback."""

from __future__ import annotations

from agent.types import Stage
from graphs.nodes.stage import make_stage_node

STAGE = Stage.integration
node = make_stage_node(STAGE)
