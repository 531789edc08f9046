"""Stage 6, testing: realistic scenarios, metrics, thresholds, pilot users, roll-out.

Coaching hook on entry: the phase again: value validation needs measured results beyond ROI.
"""

from __future__ import annotations

from agent.types import Stage
from graphs.nodes.stage import make_stage_node, phase_hook

STAGE = Stage.testing
node = make_stage_node(STAGE, on_enter=phase_hook)
