"""Recommendations that follow from the profile (`knowledge/recommendations.yaml` + phase guide).

Each recommendation says what to do, why it applies to *this* project (naming the project's own
answers), and the guidance behind it. Three kinds: adaptation principles (high privacy → private
deployment + RAG, complex processes → agents, professional domain → fine-tuning + grounding,
simple task → small quantised model, deployment choices…), stage-entry advice (one per stage,
always), and phase advice (the phase the project is in, what it takes to move on, gaps left by
earlier phases).

No advice contradicts the architecture the project chose: a principle's `applies_if` states what
its advice needs (who holds the weights, the deployment…), and where the project chose otherwise
(`otherwise`: public cloud with personal data, a hosted API for "7B, quantise"), the principle
becomes a caution that names the choice and says what would make it acceptable — never the
contrary instruction.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent import conditions, statements
from agent.answers import Provenance, build_profile_with_provenance
from agent.datafiles import load_yaml
from agent.describe import answer_summary, value_text
from agent.profile import Profile
from agent.questions import QuestionBank, load_bank
from agent.readiness import PHASES, current_phase, load_criteria, phase_criteria, phase_gaps
from agent.rules import AdviceIf, citations
from agent.snapshot import AnswerRecord, ExitCriterion, Recommendation
from agent.statements import DERIVED_LABEL, StatementSpec
from agent.types import PHASE_TITLES, STAGE_TITLES, STAGES, Lang, Stage, Statement

RECS_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "recommendations.yaml"
_PLACEHOLDER = re.compile(r"\{([a-z_]+\.[a-z_]+)\}")


class Otherwise(BaseModel):
    """The project chose against a principle's advice: a caution naming the choice, said instead."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: dict[str, Any]
    """The choice (a condition on answered or derived values) that rules the advice out."""
    title: dict[str, str]
    advice: list[StatementSpec]
    reasoning: dict[str, str]


class RecommendationRule(BaseModel):
    """One recommendation as written in the data file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    kind: Literal["principle", "stage_entry"]
    stage: Stage
    when: dict[str, Any]
    title: dict[str, str]
    advice: list[StatementSpec]
    """The advice as statements (`agent.statements`), each citing what supports it."""
    advice_if: list[AdviceIf] = Field(default_factory=list)
    """Advice for the projects a condition singles out (first match), as in rules.yaml."""
    reasoning: dict[str, str]
    applies_if: dict[str, Any] = Field(default_factory=dict)
    """Preconditions the advice needs (as in rules.yaml); when they fail, nothing is said."""
    otherwise: list[Otherwise] = Field(default_factory=list)
    """Where the project chose against the advice: the first matching caution replaces it."""

    @property
    def cites(self) -> list[str]:
        """Every passage the statements cite (the own advice's, every `advice_if`'s and every
        caution's), each once."""
        specs = [*self.advice, *(s for a in self.advice_if for s in a.advice)]
        return statements.cited_ids([*specs, *(s for o in self.otherwise for s in o.advice)])


@cache
def load_recommendations(path: Path = RECS_FILE) -> tuple[RecommendationRule, ...]:
    """The recommendation pack, validated (conditions, placeholders, both languages)."""
    from agent.fieldtypes import field_specs

    out: list[RecommendationRule] = []
    for item in load_yaml(path) or []:
        where = f"{path.name}: recommendation {item.get('id', '?')}"
        try:
            rec = RecommendationRule.model_validate(item)
        except ValidationError as exc:
            raise ValueError(f"{where}: {exc}") from None
        conditions.validate(rec.when, where)
        conditions.validate(rec.applies_if, f"{where} applies_if")
        for a in rec.advice_if:
            conditions.validate(a.when, f"{where} advice_if")
        for o in rec.otherwise:
            conditions.validate(o.when, f"{where} otherwise")
        statements.validate_specs(rec.advice, where)
        for a in rec.advice_if:
            statements.validate_specs(a.advice, f"{where} advice_if")
        for o in rec.otherwise:
            statements.validate_specs(o.advice, f"{where} otherwise")
        for lang in ("zh", "en"):
            for part in (
                rec.title,
                rec.reasoning,
                *(x for o in rec.otherwise for x in (o.title, o.reasoning)),
            ):
                if not part.get(lang):
                    raise ValueError(f"{where}: missing {lang} text")
            for text in (rec.reasoning[lang], *(o.reasoning[lang] for o in rec.otherwise)):
                bad = [p for p in _PLACEHOLDER.findall(text) if p not in field_specs()]
                if bad:
                    raise ValueError(f"{where}: unknown placeholder field(s) {bad}")
        out.append(rec)
    return tuple(out)


def _render(template: str, profile: Profile, lang: Lang, bank: QuestionBank) -> str:
    return _PLACEHOLDER.sub(lambda m: value_text(m.group(1), profile.get(m.group(1)), lang, bank), template)


def _because(lang: Lang) -> str:
    return "依据你的回答：" if lang == "zh" else "Based on your answers: "


def _principle(
    rule: RecommendationRule,
    profile: Profile,
    provenance: dict[str, Provenance],
    lang: Lang,
    bank: QuestionBank,
    caution: Otherwise | None = None,
) -> Recommendation:
    """The recommendation as said to this project: the rule's advice, or — where the project chose
    against it — the caution naming that choice (its condition's answers join the reasons)."""
    when: dict[str, Any] = {"all": [rule.when, caution.when]} if caution else rule.when
    template = (caution or rule).reasoning[lang]
    paths = conditions.fields(when) + [
        p for p in _PLACEHOLDER.findall(template) if p not in conditions.fields(when)
    ]
    based_on = [p for p in paths if profile.get(p) is not None]
    values = {p: profile.get(p) for p in based_on}
    holes = _PLACEHOLDER.findall(template)
    if holes and all(profile.get(p) is None for p in holes):
        stage_name = STAGE_TITLES[rule.stage][lang]
        reasoning = (
            f"这是进入“{stage_name}”阶段时的通用建议。"
            if lang == "zh"
            else f"General advice on entering '{stage_name}'."
        )
    else:
        reasoning = _render(template, profile, lang, bank)
    # the answers that make the rule apply (not "confidential data = No" beside "personal data = Yes")
    summary = answer_summary(conditions.deciding_fields(when, profile), values, provenance, lang, bank)
    if summary:
        reasoning = (
            f"{reasoning}{_because(lang)}{summary}。"
            if lang == "zh"
            else f"{reasoning} {_because(lang)}{summary}."
        )
    specs = caution.advice if caution else rule.advice
    for a in [] if caution else rule.advice_if:
        if conditions.evaluate(a.when, profile):
            specs = a.advice
            break
    specs = statements.fitting(specs, profile)
    said = statements.resolve(specs, lang)
    return Recommendation(
        id=rule.id,
        stage=rule.stage,
        kind="caution" if caution else rule.kind,
        title=(caution or rule).title[lang],
        advice=statements.plain(said, lang),
        statements=said,
        reasoning=reasoning,
        based_on=based_on,
        citations=citations(statements.cited_ids(specs), lang),
    )


def criterion_text(c: ExitCriterion, lang: Lang) -> str:
    """An exit criterion as a reader sees it: labelled when the coach derived it."""
    if not c.derived:
        return c.text
    return f"{c.text}（{DERIVED_LABEL['zh']}）" if lang == "zh" else f"{c.text} ({DERIVED_LABEL['en']})"


def phase_recommendations(profile: Profile, lang: Lang = "zh") -> list[Recommendation]:
    """Where the project stands among the five phases, what moves it on, and earlier gaps."""
    phase = current_phase(profile)
    crit = phase_criteria(phase, profile, lang)
    pack = load_criteria()
    cites = list(dict.fromkeys(pid for c in pack.phases[phase] for pid in c.cites))
    declared = profile.requirements.current_phase is not None
    title_now = PHASE_TITLES[phase][lang]
    nxt = PHASES[PHASES.index(phase) + 1] if phase != PHASES[-1] else None
    mark = {True: "✓", False: "✗"}
    items = (
        "；".join(f"{mark[c.met]} {criterion_text(c, lang)}" for c in crit)
        if lang == "zh"
        else "; ".join(f"{mark[c.met]} {criterion_text(c, lang)}" for c in crit)
    )
    unmet = [c.text for c in crit if not c.met]
    if nxt is None:
        title = "生产阶段：持续达标" if lang == "zh" else "Production: keep meeting the bar"
        advice = (
            f"进入生产后需要持续满足：{items}。" if lang == "zh" else f"In production keep meeting: {items}."
        )
    else:
        title_next = PHASE_TITLES[nxt][lang]
        title = (
            f"下一步：从{title_now}进入{title_next}"
            if lang == "zh"
            else f"Next: from {title_now} to {title_next}"
        )
        advice = (
            # the ✗ items are what to close first: not listed a second time (the welcome read them twice)
            f"进入{title_next}前需要满足：{items}。" + ("" if unmet else "条件已全部满足，可以推进。")
            if lang == "zh"
            else f"Before moving to {title_next}: {items}."
            + ("" if unmet else " All criteria are met: you can move on.")
        )
    if lang == "zh":
        reasoning = (
            f"你回答项目目前处于{title_now}阶段。"
            if declared
            else f"根据你的回答，项目尚未满足{title_now}阶段的全部退出标准。"
        )
    else:
        reasoning = (
            f"You said the project is in the {title_now} phase."
            if declared
            else f"From your answers, the project has not yet met every exit criterion of the {title_now} phase."
        )
    based_on = ["requirements.current_phase"] if declared else []
    based_on += [
        c for crit_ in pack.phases[phase] for c in conditions.fields(crit_.when) if profile.get(c) is not None
    ]
    recs = [
        Recommendation(
            id="phase-next",
            stage=Stage.requirements,
            kind="phase",
            title=title,
            advice=advice,
            statements=[Statement(kind="coach", text=advice, cites=cites)],
            reasoning=reasoning,
            based_on=list(dict.fromkeys(based_on)),
            citations=citations(cites, lang),
        )
    ]
    gaps = phase_gaps(profile, lang)
    if gaps:
        listed = (
            [
                f"{PHASE_TITLES[p][lang]}：{'、'.join(criterion_text(c, lang) for c in cs)}"
                for p, cs in gaps.items()
            ]
            if lang == "zh"
            else [
                f"{PHASE_TITLES[p][lang]}: {', '.join(criterion_text(c, lang) for c in cs)}"
                for p, cs in gaps.items()
            ]
        )
        gap_cites = list(dict.fromkeys(pid for p in gaps for c in pack.phases[p] for pid in c.cites))
        gap_text = (
            "以下前期阶段的完成标志尚未达到，建议补齐后再继续推进：" + "；".join(listed) + "。"
            if lang == "zh"
            else "These completion marks of earlier phases are not met yet; close them before pushing on: "
            + "; ".join(listed)
            + "."
        )
        recs.append(
            Recommendation(
                id="phase-gaps",
                stage=Stage.requirements,
                kind="phase",
                title="前期阶段的遗留缺口" if lang == "zh" else "Gaps left by earlier phases",
                advice=gap_text,
                statements=[Statement(kind="coach", text=gap_text, cites=gap_cites)],
                reasoning=(
                    f"你回答项目处于{title_now}阶段，但前期阶段的部分标准未满足。"
                    if lang == "zh"
                    else f"You placed the project in the {title_now} phase, but earlier phases left criteria unmet."
                ),
                based_on=["requirements.current_phase"],
                citations=citations(gap_cites, lang),
            )
        )
    return recs


def recommend(
    profile: Profile,
    lang: Lang = "zh",
    *,
    answers: dict[str, AnswerRecord] | None = None,
    bank: QuestionBank | None = None,
    provenance: dict[str, Provenance] | None = None,
) -> list[Recommendation]:
    """Every recommendation for the project: phase advice first, then by stage (principles before
    stage-entry advice), in file order. With `answers`, reasoning quotes free-text answers behind
    inferred values (`provenance`: `build_profile_with_provenance(answers)[1]`, when the caller
    has it already)."""
    bank = bank or load_bank()
    if not answers:
        provenance = {}
    elif provenance is None:
        provenance = build_profile_with_provenance(answers, bank=bank)[1]
    recs = phase_recommendations(profile, lang)
    stage_order = {s: i for i, s in enumerate(STAGES)}
    rules = [
        r
        for r in load_recommendations()
        if conditions.evaluate(r.when, profile) and conditions.evaluate(r.applies_if, profile)
    ]
    rules.sort(key=lambda r: (stage_order[r.stage], r.kind != "principle"))
    recs += [_principle(r, profile, provenance, lang, bank, _caution(r, profile)) for r in rules]
    return recs


def _caution(rule: RecommendationRule, profile: Profile) -> Otherwise | None:
    """The caution that replaces the rule's advice, when the project chose against it."""
    return next((o for o in rule.otherwise if conditions.evaluate(o.when, profile)), None)


def stage_entry(stage: Stage, profile: Profile, lang: Lang = "zh") -> Recommendation | None:
    """The stage-entry advice for `stage` (what the coach says on entering it)."""
    bank = load_bank()
    for r in load_recommendations():
        if r.kind == "stage_entry" and r.stage == stage and conditions.evaluate(r.when, profile):
            return _principle(r, profile, {}, lang, bank)
    return None
