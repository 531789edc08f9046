"""Stage 1, requirements: pain points, scenario, measurable goals, sponsor, budget.

Coaching hook on entry: the adoption phase the project is in and its exit criteria (a PoC needs measurable targets and a decision-maker).
"""

from __future__ import annotations

from agent.types import Stage
from graphs.nodes.stage import make_stage_node, phase_hook

STAGE = Stage.requirements
node = make_stage_node(STAGE, on_enter=phase_hook)
