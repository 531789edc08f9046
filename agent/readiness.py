"""Stage readiness, stage exit criteria and the adoption phase (`knowledge/exit_criteria.yaml`).

Readiness of a stage (0–100):

    readiness = round(50 × answered + 50 × met) − 15 × high findings − 5 × medium findings

where `answered` is the share of the stage's applicable questions with a real answer (skipped and
"don't know" count as unanswered), `met` the share of the stage's exit criteria that hold, and the
findings are the rule findings of that stage; clamped to 0–100. A stage with no applicable
questions uses its criteria alone.

The phase: the lead's own answer (`requirements.current_phase`) when given, otherwise the first
phase whose exit criteria are not all met. `next_phase_criteria` lists the exit criteria of the
current phase (for production: its ongoing criteria).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agent import conditions
from agent.datafiles import load_yaml
from agent.profile import Profile
from agent.questions import QuestionBank, load_bank
from agent.snapshot import AnswerRecord, ExitCriterion
from agent.types import STAGES, Finding, Lang, Phase, Stage

CRITERIA_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "exit_criteria.yaml"
PHASES: tuple[Phase, ...] = tuple(Phase)
HIGH_PENALTY = 15
MEDIUM_PENALTY = 5


class Criterion(BaseModel):
    """One exit criterion as written in the data file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: dict[str, str]
    when: dict[str, Any]
    cites: list[str] = Field(default_factory=list)
    """Passages that say what the criterion rests on (support notes: knowledge/citation_support.yaml)."""
    derived: bool = False
    """The sources state no such exit criterion: the coach derived it from what they say the phase
    is for (shown labelled as derived)."""

    def check(self, profile: Profile, lang: Lang) -> ExitCriterion:
        return ExitCriterion(
            id=self.id,
            text=self.text[lang],
            met=conditions.evaluate(self.when, profile),
            derived=self.derived,
        )


class CriteriaPack(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stages: dict[Stage, list[Criterion]]
    phases: dict[Phase, list[Criterion]]


@cache
def load_criteria(path: Path = CRITERIA_FILE) -> CriteriaPack:
    """The exit-criteria pack, validated (every condition; every stage and phase present)."""
    pack = CriteriaPack.model_validate(load_yaml(path))
    for group in (pack.stages, pack.phases):
        for key, items in group.items():
            for c in items:
                conditions.validate(c.when, f"{path.name}: {key.value} criterion {c.id}")
    missing = [s.value for s in STAGES if s not in pack.stages] + [
        p.value for p in PHASES if p not in pack.phases
    ]
    if missing:
        raise ValueError(f"{path.name}: no criteria for {', '.join(missing)}")
    return pack


def stage_criteria(stage: Stage, profile: Profile, lang: Lang = "zh") -> list[ExitCriterion]:
    """The stage's exit criteria, each with whether it is met."""
    return [c.check(profile, lang) for c in load_criteria().stages[stage]]


def answered_share(
    stage: Stage, profile: Profile, answers: dict[str, AnswerRecord], bank: QuestionBank
) -> float | None:
    """Share of the stage's applicable questions with a real answer; None when none apply."""
    applicable = bank.applicable(stage, profile)
    if not applicable:
        return None
    done = sum(1 for q in applicable if q.id in answers and answers[q.id].status == "answered")
    return done / len(applicable)


def assess(
    profile: Profile,
    answers: dict[str, AnswerRecord],
    bank: QuestionBank | None = None,
    *,
    lang: Lang = "zh",
    findings: list[Finding] | None = None,
) -> tuple[dict[Stage, int], dict[Stage, list[ExitCriterion]]]:
    """Readiness per stage (see module doc) and the stage exit criteria with their status.

    `findings` defaults to the rule findings for `answers`.
    """
    bank = bank or load_bank()
    if findings is None:
        from agent.rules import evaluate_rules

        findings = evaluate_rules(profile, answers, lang, bank=bank)
    readiness: dict[Stage, int] = {}
    criteria: dict[Stage, list[ExitCriterion]] = {}
    for stage in STAGES:
        crit = stage_criteria(stage, profile, lang)
        criteria[stage] = crit
        met = sum(c.met for c in crit) / len(crit) if crit else 0.0
        share = answered_share(stage, profile, answers, bank)
        score = 100 * met if share is None else 50 * share + 50 * met
        stage_findings = [f for f in findings if f.stage == stage]
        score -= HIGH_PENALTY * sum(f.severity == "high" for f in stage_findings)
        score -= MEDIUM_PENALTY * sum(f.severity == "medium" for f in stage_findings)
        readiness[stage] = max(0, min(100, round(score)))
    return readiness, criteria


def phase_criteria(phase: Phase, profile: Profile, lang: Lang = "zh") -> list[ExitCriterion]:
    """The exit criteria of `phase` (for production: the ongoing criteria), with their status."""
    return [c.check(profile, lang) for c in load_criteria().phases[phase]]


def evidence_phase(profile: Profile) -> Phase:
    """The first phase whose exit criteria are not all met (production when all are)."""
    for phase in PHASES[:-1]:
        if not all(c.met for c in phase_criteria(phase, profile)):
            return phase
    return Phase.production


def current_phase(profile: Profile, answers: dict[str, AnswerRecord] | None = None) -> Phase:
    """The adoption phase the project is in: the lead's answer if given, else from the evidence."""
    declared = profile.requirements.current_phase
    return Phase(declared) if declared else evidence_phase(profile)


def next_phase_criteria(profile: Profile, lang: Lang = "zh") -> list[ExitCriterion]:
    """What must hold to leave the current phase (production: what must keep holding)."""
    return phase_criteria(current_phase(profile), profile, lang)


def phase_gaps(profile: Profile, lang: Lang = "zh") -> dict[Phase, list[ExitCriterion]]:
    """Unmet exit criteria of the phases *before* the current one (work skipped on the way)."""
    phase = current_phase(profile)
    gaps: dict[Phase, list[ExitCriterion]] = {}
    for earlier in PHASES[: PHASES.index(phase)]:
        unmet = [c for c in phase_criteria(earlier, profile, lang) if not c.met]
        if unmet:
            gaps[earlier] = unmet
    return gaps


def missing_required(
    stage: Stage, profile: Profile, answers: dict[str, AnswerRecord], bank: QuestionBank | None = None
) -> list[str]:
    """Ids of the stage's applicable `exit_required` questions without a real answer
    (skipped, "don't know" or not asked yet): what a stage-exit warning should name."""
    bank = bank or load_bank()
    return [
        q.id
        for q in bank.applicable(stage, profile)
        if q.exit_required and (q.id not in answers or answers[q.id].status != "answered")
    ]
