"""Template helpers of the business documents: the value model (value scorecard), the SLOs,
playbooks and escalation roles (operations runbook) and the committee's decision (executive summary).

Kept apart from `render_md._globals` so those documents' helpers live in one place.
"""

from __future__ import annotations

from typing import Any

from agent.deliverables import runbook
from agent.deliverables.committee import decide
from agent.deliverables.context import DocContext
from agent.deliverables.scorecard import audience
from agent.deliverables.trace import build_trace
from agent.deliverables.value_model import build_value_model, number_text


def business_globals(ctx: DocContext) -> dict[str, Any]:
    """The helpers `value_model`, `audience`, `num`, `slos`, `playbooks`, `escalation`, `role_field`
    and `decision` for the templates."""
    snap, lang = ctx.snapshot, ctx.lang
    return {
        "value_model": lambda: build_value_model(snap),
        "audience": lambda: audience(snap.profile),
        "num": number_text,
        "slos": lambda: runbook.slos(lang),
        "playbooks": lambda: runbook.playbooks(snap.profile, lang),
        "escalation": lambda: runbook.escalation_roles(snap.profile),
        "role_field": lambda role: runbook.ROLE_FIELDS[role],
        "decision": lambda: decide(snap, build_trace(snap, lang, ctx.findings()).risks),
    }
