"""The findings panel: pitfalls by severity, each with evidence, advice and expandable citations."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Collapsible, Static

from agent.snapshot import ProjectSnapshot
from agent.types import SEVERITY_ORDER, Finding
from tui.i18n import t
from tui.widgets.chat import MarkdownStatic

ICONS = {"high": "●", "medium": "◐", "low": "○"}


def finding_body(finding: Finding, lang: str) -> str:
    """Evidence and advice of a finding, as Markdown."""
    lines = [f"**{t('findings.evidence', lang)}**", ""]
    for ev in finding.evidence:
        shown = ev.text or (", ".join(map(str, ev.value)) if isinstance(ev.value, list) else ev.value)
        lines.append(f"- `{ev.question_id}` {ev.field} = {shown}")
    lines += ["", f"**{t('findings.advice', lang)}**: {finding.advice}"]
    return "\n".join(lines)


def citations_body(finding: Finding) -> str:
    """The citations of a finding, numbered, with their quotes."""
    out = []
    for i, c in enumerate(finding.citations, 1):
        where = " · ".join(x for x in (c.source, c.section) if x)
        out.append(f"{i}. **{c.title or c.passage_id}** — {where}" + (f"\n   > {c.quote}" if c.quote else ""))
    return "\n".join(out)


class FindingsPanel(VerticalScroll):
    """Rebuilt only when the findings change."""

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self._key: str | None = None
        self.finding_ids: list[str] = []

    def reset(self) -> None:
        """Forget what is shown so the next `show` rebuilds (e.g. after a language switch)."""
        self._key = None

    async def show(self, snapshot: ProjectSnapshot | None) -> None:
        """Display the findings of `snapshot`, highest severity first."""
        findings = sorted(snapshot.findings if snapshot else [], key=lambda f: SEVERITY_ORDER[f.severity])
        key = "|".join(f.model_dump_json() for f in findings)
        if key == self._key:
            return
        self._key = key
        self.finding_ids = [f.id for f in findings]
        await self.remove_children()
        if not findings:
            await self.mount(Static(t("findings.none", self.lang), classes="empty"))
            return
        widgets = []
        for f in findings:
            title = f"{ICONS[f.severity]} [{t('severity.' + f.severity, self.lang)}] {f.title}"
            if f.origin == "model":
                title += " " + t("findings.by_model", self.lang)
            parts: list[Static | Collapsible] = [MarkdownStatic(finding_body(f, self.lang), classes="body")]
            if f.citations:
                parts.append(
                    Collapsible(
                        MarkdownStatic(citations_body(f)),
                        title=t("findings.citations", self.lang, n=len(f.citations)),
                        collapsed=True,
                        classes="citations",
                    )
                )
            widgets.append(
                Collapsible(
                    *parts,
                    title=title,
                    collapsed=False,
                    classes=f"finding sev-{f.severity}",
                    id=f"finding-{_safe(f.id)}",
                )
            )
        await self.mount_all(widgets)


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)
