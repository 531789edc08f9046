"""`report.json`: the machine-readable outcome of a run or an export (fields in PRODUCT.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from agent.types import PHASE_TITLES, SEVERITY_ORDER, STAGES

if TYPE_CHECKING:
    from agent.snapshot import ProjectSnapshot

REPORT_NAME = "report.json"


def _citation(c: Any) -> dict[str, Any]:
    return {"passage_id": c.passage_id, "source": c.source, "section": c.section, "title": c.title}


def pitfalls(snapshot: ProjectSnapshot) -> list[dict[str, Any]]:
    """Findings as report entries, most severe first."""
    items = sorted(
        snapshot.findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), STAGES.index(f.stage))
    )
    return [
        {
            "id": f.id,
            "title": f.title,
            "severity": f.severity,
            "stage": f.stage.value,
            "evidence": [e.model_dump(mode="json") for e in f.evidence],
            "advice": f.advice,
            "statements": [st.model_dump(mode="json") for st in f.statements],
            "citations": [_citation(c) for c in f.citations],
            "origin": f.origin,
        }
        for f in items
    ]


def answers(snapshot: ProjectSnapshot) -> dict[str, dict[str, Any]]:
    """Every recorded value by profile field, with the user's own words and where it came from:
    `answered` (typed or in the answers file), `confirmed` (a reading or an inferred value the
    user confirmed) or `inferred` (what another answer implies, never shown to the user: its
    `text` is the words of the answer it came from). Unknown and skipped questions are open
    questions, not answers."""
    from agent.answers import implied_fields, ordered_records

    bank = _bank()
    out: dict[str, dict[str, Any]] = {}
    for rec in ordered_records(snapshot.answers, bank):
        if rec.status != "answered" or rec.value is None:
            continue
        source = rec.source if rec.source in ("confirmed", "inferred") else "answered"
        out[rec.field] = {"value": rec.value, "text": rec.raw, "source": source}
    for path, (value, origin) in implied_fields(snapshot.answers, None, bank).items():
        if path not in out and value not in (None, []):
            out[path] = {"value": value, "text": origin.raw, "source": "inferred"}
    return out


def _bank() -> Any:
    from agent.questions import load_bank

    return load_bank()


def _obligations(snapshot: ProjectSnapshot, lang: str) -> list[dict[str, Any]]:
    """Regulatory obligations decided from the answers (guidance, not legal advice)."""
    from agent.answers import unknown_fields
    from agent.deliverables.compliance import report_entries

    return report_entries(snapshot.profile, unknown_fields(snapshot.answers), lang)


def build_report(
    snapshot: ProjectSnapshot,
    deliverables: list[dict[str, Any]],
    *,
    lang: str,
    stale: list[str] | None = None,
) -> dict[str, Any]:
    """The report of `snapshot`; `deliverables` is a list of `{id, title, stage, files, …}`."""
    p = snapshot.profile
    return {
        "project": p.project.name or snapshot.name,
        "organisation": p.project.organisation,
        "sector": p.project.sector,
        "mode": snapshot.mode,
        "model": snapshot.model_name,
        "usage": snapshot.usage.model_dump(mode="json") if snapshot.mode == "llm" else None,
        "lang": lang,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "phase": {
            "id": snapshot.phase.value,
            "title": PHASE_TITLES[snapshot.phase][lang],
            "next_phase_criteria": [c.model_dump(mode="json") for c in snapshot.next_phase_criteria],
        },
        "readiness": {s.value: int(snapshot.readiness.get(s, 0)) for s in STAGES},
        "pitfalls": pitfalls(snapshot),
        "gaps": [
            {"rule": g.rule, "title": g.title, "stage": g.stage.value, "fields": g.fields, "ask": g.ask}
            for g in snapshot.gaps
        ],
        "recommendations": [
            {
                "id": r.id,
                "stage": r.stage.value,
                "kind": r.kind,
                "title": r.title,
                "advice": r.advice,
                "statements": [st.model_dump(mode="json") for st in r.statements],
                "reasoning": r.reasoning,
                "based_on": r.based_on,
                "citations": [_citation(c) for c in r.citations],
            }
            for r in snapshot.recommendations
        ],
        "open_questions": [q.model_dump(mode="json") for q in snapshot.open_questions],
        "answers": answers(snapshot),
        "conflicts": [
            {"id": c.id, "fields": c.fields, "values": c.values, "message": c.message}
            for c in snapshot.conflicts
        ],
        "obligations": _obligations(snapshot, lang),
        "deliverables": deliverables,
        "stale_before_export": sorted(set(stale or [])),
    }


def severity_counts(snapshot: ProjectSnapshot) -> dict[str, int]:
    """Number of findings per severity (high, medium, low)."""
    counts = {"high": 0, "medium": 0, "low": 0}
    for f in snapshot.findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return counts
