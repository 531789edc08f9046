"""What the coach says: the project evaluated from the interview state, and advice, findings and
the phase turned into short cited messages.

The judgement (rules, readiness, recommendations) is the domain layer's (`agent.evaluate`); this
module only decides what is news to the user and words it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from agent import statements
from agent.evaluate import evaluate_project
from agent.interview.deps import StepDeps
from agent.interview.state import InterviewState
from agent.interview.text import join, severity, stage_title, t
from agent.recommend import criterion_text
from agent.snapshot import CoachMessage, ProjectSnapshot, Recommendation
from agent.types import PHASE_TITLES, STAGES, Finding, Lang, Stage

MAX_ADVICE = 3
"""Recommendations told at once: brief, the rest are in the deliverables."""


def evaluate(state: InterviewState, deps: StepDeps) -> ProjectSnapshot:
    """The project as `state` stands: profile, findings, readiness, phase, recommendations (the
    one evaluation of an input; the step asks for it once)."""
    snapshot = evaluate_project(
        name=state.project.name or "",
        lang=state.lang,
        answers=dict(state.answers),
        project=state.project,
        overrides=tuple(state.overrides),
        mode=deps.mode,
        model_name=deps.model_name,
        usage=state.usage,
        model_findings=tuple(state.model_findings),
        narratives=dict(state.narratives),
        current_stage=state.stage,
        done=state.done,
        bank=deps.bank,
        resolved_conflicts=state.resolved_conflicts,
    )
    return snapshot.model_copy(
        update={"stale_deliverables": list(state.stale_deliverables), "updated_at": datetime.now(UTC)}
    )


def mean_readiness(snapshot: ProjectSnapshot) -> int:
    """Mean readiness over the seven stages (0–100)."""
    values = [snapshot.readiness.get(s, 0) for s in STAGES]
    return round(sum(values) / len(values))


def finding_message(f: Finding, lang: Lang) -> CoachMessage:
    """A flagged pitfall, with its citations."""
    advice = statements.for_message(f, f.citations, lang)  # labelled: 资料所述 / 教练建议 / 案例报告数据
    text = t("finding_new", lang, title=f.title, severity=severity(f.severity, lang), advice=advice)
    if f.origin == "model":
        text += " _(model)_" if lang == "en" else " _（模型提出）_"
    return CoachMessage(kind="finding", text=text, citations=list(f.citations))


def advice_message(recs: Iterable[Recommendation], lang: Lang) -> CoachMessage | None:
    """Recommendations as one short cited message (None when there are none)."""
    recs = list(recs)[:MAX_ADVICE]
    if not recs:
        return None
    citations = []
    seen: set[str] = set()
    for r in recs:
        for c in r.citations:
            if c.passage_id not in seen:
                seen.add(c.passage_id)
                citations.append(c)
    lines = [t("advice_intro", lang)]
    for r in recs:
        advice = statements.for_message(r, citations, lang)
        lines.append("- " + t("advice_item", lang, title=r.title, advice=advice, reasoning=r.reasoning))
    return CoachMessage(kind="advice", text="\n".join(lines), citations=citations)


def phase_message(snapshot: ProjectSnapshot, lang: Lang) -> CoachMessage:
    """The adoption phase the project is in and what the next phase needs."""
    shown = [c for c in snapshot.next_phase_criteria if not c.met] or snapshot.next_phase_criteria
    unmet = [criterion_text(c, lang) for c in shown]  # a derived criterion says so
    criteria = join(unmet, lang) if unmet else "—"
    phase = PHASE_TITLES[snapshot.phase][lang]
    return CoachMessage(kind="advice", text=t("phase_note", lang, phase=phase, criteria=criteria))


def entry_messages(
    stage: Stage, snapshot: ProjectSnapshot, state: InterviewState
) -> tuple[list[CoachMessage], list[str], dict[str, str]]:
    """On entering a stage: its title, advice for this project, and its findings not yet told.

    Returns (messages, recommendation ids told, the findings told by id → title).
    """
    lang = state.lang
    msgs = [
        CoachMessage(
            kind="notice",
            text=t("stage_enter", lang, n=STAGES.index(stage) + 1, title=stage_title(stage, lang)),
        )
    ]
    recs = [
        r for r in snapshot.recommendations if r.stage == stage and r.id not in state.seen_recommendations
    ]
    advice = advice_message(recs, lang)
    told = [r.id for r in recs[:MAX_ADVICE]]
    if advice is not None:
        msgs.append(advice)
    new = [f for f in snapshot.findings if f.stage == stage and f.id not in state.seen_findings]
    msgs.extend(finding_message(f, lang) for f in new)
    return msgs, told, {f.id: f.title for f in new}


def change_messages(
    snapshot: ProjectSnapshot, state: InterviewState, *, stage: Stage
) -> tuple[list[CoachMessage], list[str], dict[str, str]]:
    """After an answer: pitfalls newly flagged or resolved, and new advice for `stage`.

    Returns (messages, recommendation ids told, the findings now active by id → title).
    """
    lang = state.lang
    msgs: list[CoachMessage] = []
    active = {f.id: f.title for f in snapshot.findings}
    seen = set(state.seen_findings)
    msgs.extend(finding_message(f, lang) for f in snapshot.findings if f.id not in seen)
    by_id = {f.id: f for f in snapshot.findings}
    for fid in state.seen_findings:
        if fid not in by_id:
            title = state.seen_findings[fid]
            msgs.append(CoachMessage(kind="notice", text=t("finding_resolved", lang, title=title)))
    recs = [
        r
        for r in snapshot.recommendations
        if r.stage == stage and r.id not in state.seen_recommendations and stage in state.entered
    ]
    advice = advice_message(recs, lang)
    if advice is not None:
        msgs.append(advice)
    return msgs, [r.id for r in recs[:MAX_ADVICE]], active
