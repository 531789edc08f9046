"""Pitfall rules: declarative checks over the profile (`knowledge/rules.yaml`), the judge in both modes.

A rule fires when its condition holds; the finding carries the answers behind every field the
condition reads (question id, field, value, the user's own words) and citations to the pack.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent import conditions, statements
from agent.answers import Provenance, build_profile_with_provenance, unknown_fields
from agent.datafiles import load_yaml
from agent.profile import Profile
from agent.questions import QuestionBank, load_bank
from agent.snapshot import AnswerRecord
from agent.statements import StatementSpec
from agent.types import SEVERITY_ORDER, STAGES, Citation, Evidence, Finding, Gap, Lang, Severity, Stage

RULES_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "rules.yaml"
REGULATORY_RULES_FILE = RULES_FILE.with_name("rules_regulatory.yaml")
"""Rules that cite regulation notes (issue 13), kept apart from the seed-derived pitfalls."""
RULE_FILES = (RULES_FILE, REGULATORY_RULES_FILE)
log = logging.getLogger(__name__)


class RuleError(ValueError):
    """The rule pack is malformed (message names the file and rule id)."""


class SeverityIf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    when: dict[str, Any]
    severity: Severity


class AdviceIf(BaseModel):
    """Advice for the projects a condition singles out (e.g. a sector), instead of the rule's own."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    when: dict[str, Any]
    advice: list[StatementSpec]
    """The advice as statements (`agent.statements`), each citing what supports it."""


class Rule(BaseModel):
    """One pitfall rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: dict[str, str]
    severity: Severity
    severity_if: list[SeverityIf] = Field(default_factory=list)
    stage: Stage
    applies_if: dict[str, Any] = Field(default_factory=dict)
    """Preconditions: the project can act on the advice (who holds the weights, output kind, data
    class, audience…). Read on answered and derived values only; `{}` always holds."""
    when: dict[str, Any]
    unknowns: str = ""
    """How unanswered / "don't know" answers are treated (documentation)."""
    dont_know: Literal["gap", "risk"] = "gap"
    """What the rule's `unknown: true` leaves raise: a gap to ask about (the default), or — for an
    obligation that applies and whose safeguard nobody can name (the regulatory rules) — a risk."""
    advice: list[StatementSpec]
    """The advice as statements (`agent.statements`), each citing what supports it."""
    advice_if: list[AdviceIf] = Field(default_factory=list)

    @property
    def cites(self) -> list[str]:
        """Every passage the statements cite (the own advice's and every `advice_if`'s), each once."""
        return statements.cited_ids([*self.advice, *(s for a in self.advice_if for s in a.advice)])

    def advice_for(self, profile: Profile) -> tuple[list[StatementSpec], list[str]]:
        """The statements of the first matching `advice_if` (else the rule's own) and the fields
        that chose them (part of the evidence)."""
        for a in self.advice_if:
            if conditions.evaluate(a.when, profile):
                return a.advice, conditions.fields(a.when)
        return self.advice, []

    def severity_for(self, profile: Profile) -> tuple[Severity, list[str]]:
        """The base severity, escalated by the first matching `severity_if`, and the fields that
        escalated it (part of the evidence)."""
        for s in self.severity_if:
            if conditions.evaluate(s.when, profile):
                return s.severity, conditions.fields(s.when)
        return self.severity, []


@cache
def load_rules(path: Path | None = None) -> tuple[Rule, ...]:
    """The rule pack, validated (shape, ids, conditions); RuleError names file and rule.

    Without `path`: every file of `RULE_FILES` (the pitfalls, then the regulatory rules), ids
    unique across them."""
    rules: list[Rule] = []
    seen: set[str] = set()
    for p in RULE_FILES if path is None else (path,):
        rules.extend(_load_rule_file(p, seen))
    return tuple(rules)


def _load_rule_file(path: Path, seen: set[str]) -> list[Rule]:
    rules: list[Rule] = []
    for item in load_yaml(path) or []:
        where = f"{path.name}: rule {item.get('id', '?')}"
        try:
            rule = Rule.model_validate(item)
        except ValidationError as exc:
            raise RuleError(f"{where}: {exc}") from None
        if rule.id in seen:
            raise RuleError(f"{where}: duplicate id")
        seen.add(rule.id)
        for lang in ("zh", "en"):
            if not rule.title.get(lang):
                raise RuleError(f"{where}: missing {lang} title")
        try:
            statements.validate_specs(rule.advice, where)
            for a in rule.advice_if:
                statements.validate_specs(a.advice, f"{where} advice_if")
        except ValueError as exc:
            raise RuleError(str(exc)) from None
        try:
            conditions.validate(rule.applies_if, f"{where} applies_if")
            conditions.validate(rule.when, where)
            for s in rule.severity_if:
                conditions.validate(s.when, f"{where} severity_if")
            for a in rule.advice_if:
                conditions.validate(a.when, f"{where} advice_if")
        except conditions.ConditionError as exc:
            raise RuleError(str(exc)) from None
        rules.append(rule)
    return rules


def citations(passage_ids: list[str], lang: Lang = "zh") -> list[Citation]:
    """Citations for pack passage ids, titled in `lang`; ids missing from the pack are skipped (and logged)."""
    from knowledge.pack import cite

    out: list[Citation] = []
    for pid in passage_ids:
        try:
            out.append(cite(pid, lang=lang))
        except KeyError:
            log.warning("cited passage %s is not in the pack", pid)
    return out


# A later question that confirms an earlier answer (the live deployment mode confirms the deployment
# chosen during selection): when both hold the same value, the evidence names the earlier one only
# (not "Deployment = Public cloud; Deployment mode = Public cloud").
CONFIRMS = {"integration.deployment_mode": "selection.deployment"}


def evidence_for(
    paths: list[str],
    profile: Profile,
    provenance: dict[str, Provenance],
    answers: dict[str, AnswerRecord],
    bank: QuestionBank,
) -> list[Evidence]:
    """The answers behind each field that is set (or answered "don't know")."""
    by_field = {r.field: r for r in answers.values()}
    out: list[Evidence] = []
    for path in paths:
        value = profile.get(path)
        prov = provenance.get(path)
        if value is not None and prov is not None:
            rec = prov.record
            out.append(Evidence(question_id=rec.question_id, field=path, value=value, text=rec.raw))
        elif value is not None:
            q = bank.by_field(path)
            out.append(Evidence(question_id=q.id if q else "", field=path, value=value))
        elif path in by_field and by_field[path].status == "unknown":
            rec = by_field[path]
            out.append(Evidence(question_id=rec.question_id, field=path, value=None, text=rec.raw))
    values = {e.field: e.value for e in out}
    return [
        e
        for e in out
        if not (e.field in CONFIRMS and e.value is not None and values.get(CONFIRMS[e.field]) == e.value)
        and not _implied_by_other(e.field, provenance, values)
    ]


def _implied_by_other(path: str, provenance: dict[str, Provenance], values: dict[str, Any]) -> bool:
    """Whether `path` holds only what another piece of the evidence implies (`agent.inference`:
    "data leaves" from a public-cloud deployment): that answer is the evidence, once."""
    prov = provenance.get(path)
    return prov is not None and prov.rule is not None and prov.record.field in values


def judge(
    profile: Profile | None,
    answers: dict[str, AnswerRecord],
    lang: Lang = "zh",
    *,
    bank: QuestionBank | None = None,
    rules: tuple[Rule, ...] | None = None,
    provenance: dict[str, Provenance] | None = None,
) -> tuple[list[Finding], list[Gap]]:
    """Risks and gaps: every rule whose preconditions hold is a **finding** when the answers alone
    trigger it, a **gap** ("not yet assessed") when it holds only through unanswered or "don't know"
    fields. Both sorted by severity, stage, then id.

    `profile` may be None: it is then built from `answers`. Evidence always comes from `answers`
    (`provenance`: `build_profile_with_provenance(answers)[1]`, when the caller has it already).
    """
    bank = bank or load_bank()
    if profile is None or provenance is None:
        built, provenance = build_profile_with_provenance(answers, bank=bank)
        profile = profile or built
    unknown = unknown_fields(answers)
    stage_order = {s: i for i, s in enumerate(STAGES)}
    findings: list[Finding] = []
    gaps: list[Gap] = []
    for rule in rules or load_rules():
        if not conditions.evaluate(rule.applies_if, profile):
            continue
        counted = unknown if rule.dont_know == "risk" else frozenset()
        if not conditions.evaluate(rule.when, profile, counted):
            if conditions.evaluate(rule.when, profile, unknown):
                gaps.append(_gap(rule, profile, unknown, lang, bank))
            continue
        severity, escalated_by = rule.severity_for(profile)
        specs, advised_by = rule.advice_for(profile)
        specs = statements.fitting(specs, profile)
        said = statements.resolve(specs, lang)
        paths = list(
            dict.fromkeys(
                _shown_preconditions(rule.applies_if, profile)
                + conditions.deciding_fields(rule.when, profile, counted)
                + escalated_by
                + advised_by
            )
        )
        findings.append(
            Finding(
                id=rule.id,
                title=rule.title[lang],
                severity=severity,
                stage=rule.stage,
                evidence=evidence_for(paths, profile, provenance, answers, bank),
                advice=statements.plain(said, lang),
                statements=said,
                citations=citations(statements.cited_ids(specs), lang),
                origin="rule",
            )
        )
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], stage_order[f.stage], f.id))
    gaps.sort(key=lambda g: (SEVERITY_ORDER[g.severity], stage_order[g.stage], g.rule))
    return findings, gaps


def _shown_preconditions(cond: dict[str, Any], profile: Profile) -> list[str]:
    """The precondition fields worth showing as evidence: the positive facts that make the advice
    apply (personal data = yes, an agent), not "is answered" checks nor what the project is not."""
    out: list[str] = []

    def walk(c: dict[str, Any]) -> None:
        if not c or "not" in c:
            return
        if "all" in c or "any" in c:
            for sub in c.get("all", []) or [x for x in c["any"] if conditions.evaluate(x, profile)]:
                walk(sub)
        elif not ({"present", "missing"} & set(c)) and c["field"] not in out:
            out.append(c["field"])

    walk(cond)
    return out


def _gap(rule: Rule, profile: Profile, unknown: frozenset[str], lang: Lang, bank: QuestionBank) -> Gap:
    """The gap a rule leaves when only unknown fields would trigger it, with the questions to ask."""
    fields = [f for f in conditions.deciding_fields(rule.when, profile, unknown) if profile.get(f) is None]
    questions = [q for q in (bank.by_field(f) for f in fields) if q is not None]
    return Gap(
        rule=rule.id,
        title=rule.title[lang],
        stage=rule.stage,
        severity=rule.severity_for(profile)[0],
        fields=fields,
        question_ids=[q.id for q in questions],
        ask=[q.wording(lang, profile)[0] for q in questions],
    )


def evaluate_rules(
    profile: Profile | None,
    answers: dict[str, AnswerRecord],
    lang: Lang = "zh",
    *,
    bank: QuestionBank | None = None,
    rules: tuple[Rule, ...] | None = None,
    provenance: dict[str, Provenance] | None = None,
) -> list[Finding]:
    """The findings (risks) of `judge`: rules the answers trigger, gaps left out."""
    return judge(profile, answers, lang, bank=bank, rules=rules, provenance=provenance)[0]
