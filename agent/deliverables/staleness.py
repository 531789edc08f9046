"""Input hashes of deliverables: a document is stale when the answers or findings it uses changed."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.deliverables.registry import DeliverableSpec
    from agent.snapshot import ProjectSnapshot


def _inputs(snapshot: ProjectSnapshot, spec: DeliverableSpec) -> dict[str, Any]:
    profile = {path: snapshot.profile.get(path) for path in spec.inputs}
    findings = [
        {
            "id": f.id,
            "severity": f.severity,
            "stage": f.stage.value,
            "evidence": [e.model_dump(mode="json") for e in f.evidence],
            "advice": f.advice,
        }
        for f in snapshot.findings
        if spec.uses_findings_of(f.stage.value)
    ]
    narratives = {k: v for k, v in snapshot.narratives.items() if k.startswith(spec.id + ".")}
    gaps = [g.rule for g in snapshot.gaps if spec.uses_findings_of(g.stage.value)]
    return {"profile": profile, "findings": findings, "narratives": narratives, "gaps": gaps}


def input_hash(snapshot: ProjectSnapshot, spec: DeliverableSpec) -> str:
    """SHA-256 (hex, 16 chars) of the profile fields, findings and narratives a deliverable uses."""
    payload = json.dumps(_inputs(snapshot, spec), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def input_hashes(snapshot: ProjectSnapshot) -> dict[str, str]:
    """Input hash of every deliverable, by id."""
    from agent.deliverables.registry import load_registry

    return {spec.id: input_hash(snapshot, spec) for spec in load_registry()}


def stale_deliverables(snapshot: ProjectSnapshot, previous_hashes: dict[str, str]) -> list[str]:
    """Ids of deliverables whose inputs changed since `previous_hashes` (or never written)."""
    return [did for did, h in input_hashes(snapshot).items() if previous_hashes.get(did) != h]
