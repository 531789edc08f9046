"""A Markdown summary of a project for one stage: the preview until deliverable templates exist."""

from __future__ import annotations

from agent import statements
from agent.snapshot import ProjectSnapshot
from agent.types import SEVERITY_ORDER, STAGE_TITLES, Stage
from tui.i18n import t


def _fmt(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def stage_summary(snapshot: ProjectSnapshot, stage: Stage, lang: str) -> str:
    """Answers, recommendations, pitfalls, exit criteria and open questions of `stage`, as Markdown."""
    lines = [f"## {STAGE_TITLES[stage][lang]}", ""]
    ready = snapshot.readiness.get(stage)
    if ready is not None:
        lines += [t("status.readiness", lang, pct=ready), ""]
    answers = [a for a in snapshot.answers.values() if a.stage == stage]
    if answers:
        lines += [f"### {t('preview.answers', lang)}", ""]
        for a in answers:
            shown = a.raw or (_fmt(a.value) if a.value is not None else a.status)
            lines.append(f"- **{a.field}** ({a.question_id}): {shown}")
        lines.append("")
    recs = [r for r in snapshot.recommendations if r.stage == stage]
    if recs:
        lines += [f"### {t('preview.recommendations', lang)}", ""]
        lines += [f"- **{r.title}** — {statements.for_message(r, [], lang)}" for r in recs]
        lines.append("")
    findings = sorted(
        (f for f in snapshot.findings if f.stage == stage), key=lambda f: SEVERITY_ORDER[f.severity]
    )
    if findings:
        lines += [f"### {t('preview.findings', lang)}", ""]
        lines += [
            f"- [{t('severity.' + f.severity, lang)}] **{f.title}** — {statements.for_message(f, [], lang)}"
            for f in findings
        ]
        lines.append("")
    criteria = snapshot.exit_criteria.get(stage, [])
    if criteria:
        lines += [f"### {t('preview.exit_criteria', lang)}", ""]
        lines += [f"- {'☑' if c.met else '☐'} {c.text}" for c in criteria]
        lines.append("")
    opens = [q for q in snapshot.open_questions if q.stage == stage]
    if opens:
        lines += [f"### {t('preview.open_questions', lang)}", ""]
        lines += [f"- {q.text}" for q in opens]
        lines.append("")
    if len(lines) <= 4 and not answers:
        lines.append(t("preview.none", lang))
    return "\n".join(lines)


def project_summary(snapshot: ProjectSnapshot, lang: str) -> str:
    """Every stage's summary, one after the other."""
    head = f"# {snapshot.name}\n"
    return head + "\n".join(stage_summary(snapshot, stage, lang) for stage in Stage)
