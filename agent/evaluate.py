"""The whole picture of a project from its answers: `evaluate_project` → ProjectSnapshot.

Pure and deterministic: no graph, no model, no clock (`updated_at` stays as given). The graph calls
it after each answer; `coach run` and the deliverables use it on a whole answers file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from agent.answers import build_profile, build_profile_with_provenance
from agent.consistency import find_conflicts
from agent.profile import Profile, ProjectInfo
from agent.questions import QuestionBank, load_bank
from agent.readiness import assess, current_phase, next_phase_criteria
from agent.recommend import recommend
from agent.rules import judge
from agent.snapshot import AnswerRecord, OpenQuestion, ProjectSnapshot, StageOverride, Usage
from agent.types import SEVERITY_ORDER, STAGES, Finding, Lang, Passage, Stage


def open_questions(
    answers: dict[str, AnswerRecord], profile: Profile, lang: Lang, bank: QuestionBank
) -> list[OpenQuestion]:
    """Every applicable question that was skipped, answered "don't know", or not answered yet.

    A field filled by a signal from another answer is not open. Intake questions are included.
    """
    out: list[OpenQuestion] = []
    for stage in STAGES:
        for q in bank.applicable(stage, profile):
            rec = answers.get(q.id)
            if rec is not None and rec.status == "answered":
                continue
            if rec is None and profile.get(q.field) is not None:
                continue  # inferred from another answer or given with the project
            reason: Literal["skipped", "unknown", "unanswered"] = "unanswered"
            if rec is not None and rec.status in ("skipped", "unknown"):
                reason = "skipped" if rec.status == "skipped" else "unknown"
            text, _ = q.wording(lang, profile)
            out.append(OpenQuestion(question_id=q.id, stage=q.stage, field=q.field, text=text, reason=reason))
    return out


def merge_findings(rule_findings: list[Finding], model_findings: Iterable[Finding]) -> list[Finding]:
    """Rule findings plus the model's, marked `origin="model"`; a model finding never replaces or
    removes a rule finding (one with a rule finding's id is dropped)."""
    rule_ids = {f.id for f in rule_findings}
    extra = [f.model_copy(update={"origin": "model"}) for f in model_findings if f.id not in rule_ids]
    stage_order = {s: i for i, s in enumerate(STAGES)}
    extra.sort(key=lambda f: (SEVERITY_ORDER[f.severity], stage_order[f.stage], f.id))
    return [*rule_findings, *extra]


def cited_passages(snapshot: ProjectSnapshot) -> dict[str, Passage]:
    """Every passage cited by the snapshot's findings and recommendations, by id, in order, its text in
    the snapshot's language."""
    from knowledge.pack import get_passage, localize

    out: dict[str, Passage] = {}
    cits = [c for f in snapshot.findings for c in f.citations]
    cits += [c for r in snapshot.recommendations for c in r.citations]
    for c in cits:
        if c.passage_id not in out:
            p = get_passage(c.passage_id)
            if p is not None:
                out[c.passage_id] = localize(p, snapshot.lang)
    return out


def evaluate_project(
    *,
    name: str,
    lang: Lang = "zh",
    answers: dict[str, AnswerRecord],
    project: ProjectInfo | None = None,
    overrides: Sequence[StageOverride] = (),
    mode: str = "guided",
    model_name: str | None = None,
    usage: Usage | None = None,
    model_findings: Iterable[Finding] = (),
    narratives: dict[str, str] | None = None,
    current_stage: Stage = Stage.requirements,
    done: bool = False,
    bank: QuestionBank | None = None,
    resolved_conflicts: dict[str, str] | None = None,
) -> ProjectSnapshot:
    """Profile, findings, readiness and exit criteria, phase, recommendations, open questions and
    cited passages for a project, from its answers (see module doc)."""
    bank = bank or load_bank()
    if project is None or project.name is None:
        project = (project or ProjectInfo()).model_copy(update={"name": name})
    profile = build_profile(answers, project, bank)
    # which answer each value came from (the rules' evidence, the recommendations' reasoning)
    provenance = build_profile_with_provenance(answers, bank=bank)[1]
    rule_findings, gaps = judge(profile, answers, lang, bank=bank, provenance=provenance)
    findings = merge_findings(rule_findings, model_findings)
    readiness, criteria = assess(profile, answers, bank, lang=lang, findings=findings)
    snapshot = ProjectSnapshot(
        name=name,
        lang=lang,
        mode="llm" if mode == "llm" else "guided",
        model_name=model_name,
        profile=profile,
        answers=dict(answers),
        findings=findings,
        gaps=gaps,
        readiness=readiness,
        exit_criteria=criteria,
        phase=current_phase(profile, answers),
        next_phase_criteria=next_phase_criteria(profile, lang),
        recommendations=recommend(profile, lang, answers=answers, bank=bank, provenance=provenance),
        open_questions=open_questions(answers, profile, lang, bank),
        conflicts=find_conflicts(answers, lang, bank, resolved_conflicts),
        overrides=list(overrides),
        narratives=dict(narratives or {}),
        current_stage=current_stage,
        done=done,
        usage=usage or Usage(),
    )
    snapshot.passages = cited_passages(snapshot)
    return snapshot
