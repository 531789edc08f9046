"""The findings panel: pitfalls by severity, each with evidence, advice and expandable citations."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.markup import escape
from textual.widgets import Collapsible, Static

from agent import statements
from agent.deliverables.labels import section_label, source_name
from agent.snapshot import ProjectSnapshot
from agent.types import SEVERITY_ORDER, Finding, Gap
from tui.i18n import t
from tui.widgets.chat import MarkdownStatic

ICONS = {"high": "●", "medium": "◐", "low": "○"}


def finding_body(finding: Finding, lang: str, show_ids: bool = False) -> str:
    """Evidence and advice of a finding, as Markdown (question ids only with `show_ids`)."""
    lines = [f"**{t('findings.evidence', lang)}**", ""]
    for ev in finding.evidence:
        shown = ev.text or (", ".join(map(str, ev.value)) if isinstance(ev.value, list) else ev.value)
        label = _question_label(ev.question_id, lang)
        if label:  # 基线值：不知道, not a bare 不知道 beside an id
            shown = f"{label}：{shown}" if lang == "zh" else f"{label}: {shown}"
        lines.append(f"- {shown}" + (f"  (`{ev.question_id}`)" if show_ids or not label else ""))
    # each statement labelled by kind (资料所述 / 教练建议 / 案例报告数据), numbered as the citations below
    lines += [
        "",
        f"**{t('findings.advice', lang)}**",
        "",
        statements.for_message(finding, finding.citations, lang, "\n\n"),
    ]
    if statements.has_figures(finding.statements):
        note = statements.FIGURE_NOTE["en" if lang == "en" else "zh"]
        lines += ["", f"*{statements.label('figure', lang)}{'：' if lang == 'zh' else ': '}{note}*"]
    return "\n".join(lines)


def _question_label(question_id: str, lang: str) -> str | None:
    """The name of the question an evidence answers, as the chat quotes it (None if unknown)."""
    from agent.questions import load_bank

    try:
        q = load_bank().find(question_id)
    except Exception:  # a broken bank is reported when the project opens, not here
        return None
    return q.label.get(lang) or q.label.get("zh") if q is not None else None


def citations_body(finding: Finding, lang: str) -> str:
    """The citations of a finding, numbered, with their quotes; sources named by title, never by file."""
    out = []
    for i, c in enumerate(finding.citations, 1):
        where = " · ".join(x for x in (source_name(c.source, lang), section_label(c.section, lang)) if x)
        out.append(f"{i}. **{c.title or c.passage_id}** — {where}" + (f"\n   > {c.quote}" if c.quote else ""))
    return "\n".join(out)


class FindingsPanel(VerticalScroll):
    """Updated in place: only new or changed findings are mounted, the rest keep their state."""

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self._shown: dict[str, tuple[str, Collapsible]] = {}
        self.finding_ids: list[str] = []

    def reset(self) -> None:
        """Forget what is shown so the next `show` rebuilds (e.g. after a language switch)."""
        self._shown = {fid: ("", widget) for fid, (_, widget) in self._shown.items()}

    def _widget(self, f: Finding) -> Collapsible:
        # the severity in words beside its icon (colour alone would not tell it); escaped, as the
        # title is markup and "[HIGH]" would vanish as a tag
        title = escape(f"{ICONS[f.severity]} {t('severity.' + f.severity, self.lang)} · {f.title}")
        if f.origin == "model":
            title += " " + escape(t("findings.by_model", self.lang))
        show_ids = bool(getattr(getattr(self.app, "settings", None), "show_ids", False))
        body = finding_body(f, self.lang, show_ids)
        parts: list[Static | Collapsible] = [MarkdownStatic(body, classes="body")]
        if f.citations:
            parts.append(
                Collapsible(
                    MarkdownStatic(citations_body(f, self.lang)),
                    title=t("findings.citations", self.lang, n=len(f.citations)),
                    collapsed=True,
                    classes="citations",
                )
            )
        return Collapsible(
            *parts,
            title=title,
            collapsed=False,
            classes=f"finding sev-{f.severity}",
            id=f"finding-{_safe(f.id)}",
        )

    async def show(self, snapshot: ProjectSnapshot | None) -> None:
        """Display the findings of `snapshot`, highest severity first, then what is not yet assessed."""
        await self._show_findings(snapshot)
        await self._show_gaps(snapshot)

    async def _show_gaps(self, snapshot: ProjectSnapshot | None) -> None:
        """Pitfalls not yet assessed (gaps): below the risks, never counted as one, with what to ask."""
        gaps = snapshot.gaps if snapshot else []
        text = gaps_body(gaps, self.lang) if gaps else ""
        old = list(self.query(MarkdownStatic).filter(".gaps"))
        if old and old[0].source == text and old[0] is self.children[-1]:
            return
        await self.remove_children(old)
        if text:
            await self.mount(MarkdownStatic(text, classes="gaps"))

    async def _show_findings(self, snapshot: ProjectSnapshot | None) -> None:
        findings = sorted(snapshot.findings if snapshot else [], key=lambda f: SEVERITY_ORDER[f.severity])
        wanted = {f.id: f.model_dump_json() for f in findings}
        order = [f.id for f in findings]
        unchanged = order == self.finding_ids and all(self._shown[i][0] == wanted[i] for i in order)
        if unchanged and (order or self.query(".empty")):
            return
        stale = [w for fid, (key, w) in self._shown.items() if wanted.get(fid) != key]
        kept = [fid for fid in order if fid in self._shown and self._shown[fid][0] == wanted[fid]]
        if kept != [fid for fid in self.finding_ids if fid in kept]:
            stale = [w for _, w in self._shown.values()]  # the order changed: rebuild
            kept = []
        await self.remove_children([*stale, *self.query(".empty")])
        self._shown = {fid: self._shown[fid] for fid in kept}
        previous: Collapsible | None = None
        for f in findings:
            if f.id in self._shown:
                previous = self._shown[f.id][1]
                continue
            widget = self._widget(f)
            if previous is not None:
                await self.mount(widget, after=previous)
            elif self.children:
                await self.mount(widget, before=self.children[0])
            else:
                await self.mount(widget)
            self._shown[f.id] = (wanted[f.id], widget)
            previous = widget
        self.finding_ids = order
        if not findings:
            await self.mount(Static(t("findings.none", self.lang), classes="empty"))


def gaps_body(gaps: list[Gap], lang: str) -> str:
    """The not-yet-assessed list as Markdown: each pitfall and the question(s) that would settle it."""
    lines = [f"**{t('findings.gaps', lang)}**", ""]
    for g in gaps:
        ask = " / ".join(g.ask)
        lines.append(f"- {g.title}" + (f" — {t('findings.ask', lang)}{ask}" if ask else ""))
    return "\n".join(lines)


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)
