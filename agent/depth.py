"""Interview depth: which questions a quick, standard or full interview asks — computed from the
data, not a hand list.

- `quick` (at most 20): the question that places the project in an adoption phase, the fields the
  current phase's gate criteria (`knowledge/exit_criteria.yaml` `phases`) and the high-severity
  rules (`knowledge/rules.yaml`) read, in that order of priority;
- `standard` (at most 45): then the fields the stages' exit criteria and the medium-severity rules
  read, then the stages' required questions;
- `full`: every question.

The plan is computed again after every answer (a follow-up that no longer applies frees its
place); answered questions count against the limit, so its length — the total on screen — does
not grow as answers arrive. A question in the plan brings the questions its `applies_if` reads (so
it can be reached); one that does not fit within the limit with them is left out. Questions not asked stay
unanswered: every deliverable lists them as open questions. Answers files are not affected (a
scripted run reads every field it is given).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

from agent import conditions
from agent.answers import build_profile_with_provenance
from agent.profile import Profile
from agent.questions import Question, QuestionBank
from agent.readiness import current_phase, load_criteria
from agent.rules import load_rules
from agent.snapshot import AnswerRecord
from agent.types import STAGES, Phase, Stage

Depth = Literal["quick", "standard", "full"]
DEPTHS: tuple[Depth, ...] = get_args(Depth)
LIMITS: dict[Depth, int] = {"quick": 20, "standard": 45}
"""The most questions a depth asks (full: no limit)."""

PHASE_FIELD = "requirements.current_phase"
"""The answer that places the project in an adoption phase (the gates depend on it)."""


def parse_depth(word: str) -> Depth | None:
    """A depth from its name in either language ("quick", "快速", "standard", "标准", "full", "完整")."""
    word = word.strip().lower()
    for depth, names in _NAMES.items():
        if word in names:
            return depth
    return None


_NAMES: dict[Depth, tuple[str, ...]] = {
    "quick": ("quick", "q", "快速", "快", "简要"),
    "standard": ("standard", "s", "std", "标准"),
    "full": ("full", "f", "all", "完整", "全部", "深入"),
}


def deeper(current: Depth) -> Depth | None:
    """The next depth after `current` (None: already full)."""
    i = DEPTHS.index(current)
    return DEPTHS[i + 1] if i + 1 < len(DEPTHS) else None


def _rule_fields(severity: str) -> list[str]:
    return [f for r in load_rules() if r.severity == severity for f in conditions.fields(r.when)]


def priority_fields(depth: Depth, phase: Phase) -> list[str]:
    """The fields a depth needs, most needed first (duplicates kept; the plan drops them)."""
    pack = load_criteria()
    gate = [f for c in pack.phases[phase] for f in conditions.fields(c.when)]
    fields = [PHASE_FIELD, *gate, *_rule_fields("high")]
    if depth == "standard":
        stage_exit = [f for s in STAGES for c in pack.stages[s] for f in conditions.fields(c.when)]
        fields += stage_exit + _rule_fields("medium")
    return fields


def plan(
    depth: Depth,
    bank: QuestionBank,
    profile: Profile,
    answers: dict[str, AnswerRecord],
    stage: Stage = Stage.requirements,
) -> list[str]:
    """The ids of the questions of a `depth` interview of this project at `stage`: those answered
    (they count against the limit), then those still to come, in asking order. A question still to
    come applies, or may apply once an answer still to come is given; a quick interview does not
    ask for a value another answer implies (`agent.inference`: it stays `inferred`). The phase
    gate read is the project's current phase (`agent.readiness.current_phase`)."""
    answered = [q.id for q in bank if q.id in answers]
    if depth == "full":
        return answered + [q.id for q in bank if _could_come(q, bank, profile, answers, stage)]
    limit = LIMITS[depth]
    chosen = list(answered)
    # what an earlier answer implies (agent.inference) is not asked again in a quick interview; a
    # guess from free text (a signal) is still asked: the user never said it
    provenance = build_profile_with_provenance(answers, bank=bank)[1] if depth == "quick" else {}
    implied = {path for path, prov in provenance.items() if prov.rule is not None}

    def add(qs: Iterable[Question]) -> None:
        for q in qs:
            if q.id in chosen or not _could_come(q, bank, profile, answers, stage):
                continue
            if q.field in implied:
                continue  # implied by another answer: not asked, its source stays `inferred`
            group = _with_drivers(q, bank, chosen, answers)
            if len(chosen) + len(group) <= limit:
                chosen.extend(group)

    add(q for q in bank if q.intake)
    add(q for f in priority_fields(depth, current_phase(profile)) if (q := bank.by_field(f)) is not None)
    if depth == "standard":
        add(q for q in bank if q.exit_required)
    order = {q.id: i for i, q in enumerate(bank)}
    return answered + sorted((i for i in chosen if i not in answers), key=order.__getitem__)


def _could_come(
    q: Question, bank: QuestionBank, profile: Profile, answers: dict[str, AnswerRecord], stage: Stage
) -> bool:
    """Whether the cursor may still ask `q`: unanswered, not in a stage already behind, and
    applicable now or depending on an answer still to come."""
    if q.id in answers or STAGES.index(q.stage) < STAGES.index(stage):
        return False
    if q.applies(profile):
        return True
    for path in conditions.fields(q.applies_if):
        driver = bank.by_field(path)
        pending = driver is not None and driver.id != q.id and profile.get(path) is None
        if pending and _could_come(driver, bank, profile, answers, stage):  # type: ignore[arg-type]
            return True
    return False


def _with_drivers(
    q: Question, bank: QuestionBank, chosen: list[str], answers: dict[str, AnswerRecord]
) -> list[str]:
    """`q` and the unanswered questions its condition reads (recursively) not yet in `chosen`,
    drivers first."""
    out: list[str] = []
    stack = [q]
    while stack:
        cur = stack.pop()
        if cur.id in chosen or cur.id in out or cur.id in answers:
            continue
        out.insert(0, cur.id)
        for path in conditions.fields(cur.applies_if):
            driver = bank.by_field(path)
            if driver is not None and driver.id != cur.id:
                stack.append(driver)
    return out


def next_question(
    depth: Depth, bank: QuestionBank, stage: Stage, profile: Profile, answers: dict[str, AnswerRecord]
) -> Question | None:
    """The next question of `stage` a `depth` interview asks (None: the stage is done at this depth)."""
    if depth == "full":
        return bank.next_question(stage, profile, answers)
    ids = set(plan(depth, bank, profile, answers, stage))
    return next((q for q in bank.applicable(stage, profile) if q.id not in answers and q.id in ids), None)
