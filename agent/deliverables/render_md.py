"""Templates → canonical Markdown, with open questions, the answers relied on, and sources.

The templates (`knowledge/templates/*.md.j2`) hold the structure and the fixed wording; this module
gives them the project (through `DocContext`) and appends the three closing sections every
deliverable carries, so no template can forget them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from agent.deliverables import open_items, org_templates, risks, selection
from agent.deliverables.arch_mermaid import to_mermaid
from agent.deliverables.architecture import build_architecture, class_names, data_tag
from agent.deliverables.business import business_globals
from agent.deliverables.chart import chart_block
from agent.deliverables.context import DocContext, OpenItem, Source, conflict_free, conflict_lines, md_escape
from agent.deliverables.doc_control import doc_control
from agent.deliverables.labels import TEMPLATES_DIR, field_label, format_value, source_name
from agent.deliverables.registry import DeliverableSpec, load_registry
from agent.deliverables.scorecard import build_scorecard
from agent.deliverables.staleness import input_hash
from agent.deliverables.trace import build_trace, test_type_label
from agent.readiness import phase_criteria
from agent.snapshot import ProjectSnapshot
from agent.statements import DERIVED_LABEL, FIGURE_NOTE
from agent.statements import label as statement_label
from agent.types import PHASE_TITLES, STAGE_TITLES, Phase, Stage

_CJK_LINE_JOIN = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef\]])\n(?=[\u4e00-\u9fff])")


@dataclass
class RenderedDoc:
    """One deliverable rendered in one language."""

    spec: DeliverableSpec
    lang: str
    markdown: str
    sources: list[Source] = field(default_factory=list)
    open_items: list[OpenItem] = field(default_factory=list)
    answers: list[tuple[str, str, str]] = field(default_factory=list)
    """(field path, label, answer text) for every known answer the document used."""
    narratives: list[str] = field(default_factory=list)
    input_hash: str = ""
    used_fields: list[str] = field(default_factory=list)
    """Every profile field the document read (known or not)."""

    @property
    def title(self) -> str:
        """The document title in its language."""
        return self.spec.title_in(self.lang)


def _environment() -> Any:
    """The Jinja environment: the organisation's templates under COACH_HOME first, then the built-ins."""
    return org_templates.active_environment(TEMPLATES_DIR)


@cache
def template_names() -> frozenset[str]:
    """Every name a template can use (the helpers of `_globals`)."""
    ctx = DocContext(snapshot=ProjectSnapshot(name="-"), spec=load_registry()[0], lang="zh")
    return frozenset(_globals(ctx))


def check_templates() -> org_templates.Overrides:
    """Check the organisation's templates and reference Word file before anything is rendered
    (`org_templates.TemplateError`: what, where, how to fix)."""
    return org_templates.check_overrides(TEMPLATES_DIR, template_names())


def _globals(ctx: DocContext) -> dict[str, Any]:
    snap = ctx.snapshot
    lang = ctx.lang
    return {
        "t": ctx.t,
        "colon": ctx.t("：", ": "),
        "semi": ctx.t("；", "; "),
        "a": ctx.a,
        "v": ctx.v,
        "raw": ctx.raw,
        "has": ctx.has,
        "ask": ctx.ask,
        "ask_input": ctx.ask_input,
        "label": ctx.label,
        "cite": ctx.cite,
        "cite_list": ctx.cite_list,
        "findings": ctx.findings,
        "recommendations": ctx.recommendations,
        "narrative": ctx.narrative,
        "evidence": ctx.evidence_text,
        "esc": md_escape,
        "fmt": lambda value, path="": format_value(value, lang, path) or "",
        "snap": snap,
        "spec": ctx.spec,
        "lang": lang,
        "stage_title": lambda s: STAGE_TITLES[Stage(s)][lang],
        "phase_title": lambda p: PHASE_TITLES[p][lang],
        "phase_criteria": lambda p: phase_criteria(Phase(p), snap.profile, "en" if lang == "en" else "zh"),
        "severity": lambda s: {
            "high": ctx.t("高", "High"),
            "medium": ctx.t("中", "Medium"),
            "low": ctx.t("低", "Low"),
        }[s],
        "architecture": lambda: build_architecture(snap.profile, lang),
        "mermaid": lambda arch: to_mermaid(arch, lang),
        "data_tag": lambda c: data_tag(c, lang),
        "class_names": lambda classes: class_names(classes, lang),
        "scorecard": lambda: build_scorecard(snap.profile, lang),
        "registry": load_registry,
        "control": lambda: doc_control(snap, ctx.spec.id),
        "trace": lambda: build_trace(snap, lang, ctx.findings()),
        "risk_ids": lambda: {r.finding.id: r.id for r in build_trace(snap, lang, ctx.findings()).risks},
        "readiness_chart": lambda: chart_block(snap.readiness, snap.findings, lang),
        "test_type": lambda key: test_type_label(key, lang),
        "shortlist": lambda: selection.shortlist(snap.profile, lang, snap.scoring_weights),
        "criteria": lambda: selection.criteria(lang, snap.scoring_weights),
        "risk_p": risks.probability,
        "risks_on_unknowns": risks.rests_on_unknown,
        "risk_i": risks.impact,
        "risk_impact": lambda f: risks.impact_text(f, lang),
        "sector_risks": lambda first: risks.domain_risks(snap.profile.project.sector, lang, first),
        "kind_label": lambda kind: statement_label(kind, lang),
        "figure_note": FIGURE_NOTE["en" if lang == "en" else "zh"],
        "derived_label": DERIVED_LABEL["en" if lang == "en" else "zh"],
        **_regulatory_globals(ctx),
        **business_globals(ctx),
    }


def _regulatory_globals(ctx: DocContext) -> dict[str, Any]:
    """Helpers of the regulatory blocks (compliance checklist, crosswalk, GB/T 45654 test categories)."""
    from agent.answers import unknown_fields
    from agent.deliverables import compliance
    from knowledge.regulatory import DISCLAIMER

    snap, lang = ctx.snapshot, ctx.lang

    def applicable() -> set[str]:
        return compliance.applicable_ids(snap.profile)

    return {
        "obligations": lambda: compliance.assess(snap.profile, unknown_fields(snap.answers)),
        "risk_mapping": lambda rule_id: compliance.mapping_for(rule_id, lang, applicable()),
        "obligation_applies": lambda ob_id: ob_id in applicable(),
        "gbt_45654_categories": lambda: compliance.gbt_45654_categories(lang),
        "legal_disclaimer": DISCLAIMER["en" if lang == "en" else "zh"],
        "said_dont_know": lambda path: open_items.said_dont_know(snap, open_items.question_id(snap, path)),
    }


def _closing(ctx: DocContext) -> tuple[str, list[tuple[str, str, str]]]:
    t = ctx.t
    out = []
    # stated once, neither side as a fact (agent.deliverables.context), in the documents that read
    # one of its answers and in the executive summary: not repeated in every document
    inputs = set(ctx.spec.inputs)
    concerned = [
        c for c in ctx.snapshot.conflicts if ctx.spec.id == "executive_summary" or inputs & set(c.fields)
    ]
    if concerned:
        out.append(f"\n## {t('待解决的矛盾', 'Open conflicts')}\n")
        out.extend(conflict_lines(ctx.snapshot.model_copy(update={"conflicts": concerned}), ctx.lang))
    out.append(f"\n## {t('待确认问题', 'Open questions')}\n")
    if ctx.open_items:
        # the question a reader can act on, and who should answer it: never the field's path
        out.extend(f"- {open_items.line(o, ctx.snapshot, ctx.lang)}" for o in ctx.open_items)
    else:
        # "all answered" only when it is: every field the document read is known
        unknown = [p for p in ctx.used_fields if ctx.snapshot.profile.get(p) is None]
        if unknown:
            names = "、".join(field_label(p, "zh") for p in unknown)
            names_en = "; ".join(field_label(p, "en") for p in unknown)
            out.append(
                t(
                    f"本文正文没有待确认项；它参考的以下问题尚未回答：{md_escape(names)}。",
                    f"Nothing in this document's body awaits confirmation; these questions it consults are "
                    f"not answered yet: {md_escape(names_en)}.",
                )
            )
        else:
            out.append(t("本文所需的输入均已回答。", "Every input this document needs has been answered."))
    answers: list[tuple[str, str, str]] = []
    for path in ctx.used_fields:
        text = format_value(ctx.snapshot.profile.get(path), ctx.lang, path)
        if text is not None:
            answers.append((path, field_label(path, ctx.lang), text))
    out.append(f"\n## {t('本文依据的回答', 'Answers this document rests on')}\n")
    if answers:
        out.append(f"| {t('问题/字段', 'Question / field')} | {t('回答', 'Answer')} |")
        out.append("|---|---|")
        out.extend(f"| {md_escape(label)} (`{path}`) | {md_escape(text)} |" for path, label, text in answers)
    else:
        out.append(t("尚无回答。", "No answers yet."))
    out.append(f"\n## {t('参考来源', 'Sources')}\n")
    if ctx.sources:
        for s in ctx.sources:
            where = (
                f"{source_name(s.source, ctx.lang)} § {s.section}"
                if s.section
                else source_name(s.source, ctx.lang)
            )
            out.append(f"- [{s.number}] {md_escape(where)} — {md_escape(s.title)}")
    else:
        out.append(t("本文未引用指南段落。", "This document cites no guidance passage."))
    return "\n".join(out) + "\n", answers


def render_document(snapshot: ProjectSnapshot, spec: DeliverableSpec, lang: str) -> RenderedDoc:
    """Render one deliverable to Markdown."""
    ctx = DocContext(snapshot=conflict_free(snapshot), spec=spec, lang=lang)
    try:
        body = _environment().get_template(spec.template).render(**_globals(ctx))
    except Exception as exc:
        # a mistake in an organisation's template is theirs to fix: said with its file and line
        error = org_templates.template_error_at(exc, spec.template)
        if error is None:
            raise
        raise error from exc
    closing, answers = _closing(ctx)
    markdown = re.sub(r"\n{3,}", "\n\n", body.strip() + "\n" + closing)
    # Chinese sentences on consecutive template lines join without the space a line break renders as.
    markdown = _CJK_LINE_JOIN.sub("", markdown)
    return RenderedDoc(
        spec=spec,
        lang=lang,
        markdown=markdown,
        sources=ctx.sources,
        open_items=ctx.open_items,
        answers=answers,
        narratives=ctx.narratives_used,
        input_hash=input_hash(snapshot, spec),
        used_fields=list(ctx.used_fields),
    )


def render_all(snapshot: ProjectSnapshot, lang: str) -> list[RenderedDoc]:
    """Every deliverable of the registry, rendered in `lang`."""
    return [render_document(snapshot, spec, lang) for spec in load_registry()]


def render_stage_markdown(snapshot: ProjectSnapshot, stage: Stage | str, lang: str = "zh") -> str:
    """The Markdown of the deliverables of one stage (for previews), separated by rules."""
    key = stage.value if isinstance(stage, Stage) else str(stage)
    docs = [render_document(snapshot, s, lang).markdown for s in load_registry() if s.stage == key]
    return "\n\n---\n\n".join(docs)
