"""The sidebar: the seven stages with readiness bars (the current one marked), then the picture of
the project: pitfalls by severity and the next phase's entry criteria as a checklist."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from agent.snapshot import ProjectSnapshot
from agent.types import PHASE_TITLES, STAGES, Phase, Stage
from tui.i18n import stage_name, t
from tui.messages import StageSelected
from tui.widgets.ticks import TICKED, UNTICKED

SEVERITY_ICONS = {"high": "●", "medium": "◐", "low": "○"}


def bar(pct: int, width: int = 5) -> str:
    """A small block bar for a 0–100 value."""
    filled = round(pct * width / 100)
    return "█" * filled + "░" * (width - filled)


class StageSidebar(OptionList):
    """Click or Enter on a stage jumps there (sends `/stage <name>`)."""

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang

    def show(self, snapshot: ProjectSnapshot | None, current: Stage | None) -> None:
        """Re-render the stage list with readiness from `snapshot`."""
        readiness = snapshot.readiness if snapshot else {}
        self.clear_options()
        for n, stage in enumerate(STAGES, 1):
            pct = int(readiness.get(stage, 0))
            mark = "▶" if stage == current else " "
            style = "bold reverse" if stage == current else ("green" if pct >= 80 else "")
            # a grid, so a title that wraps stays under its first line
            grid = Table.grid(padding=0)
            grid.add_column(no_wrap=True)
            grid.add_column(ratio=1, overflow="fold")
            grid.add_row(Text(f"{mark}{n} ", style=style), Text(stage_name(stage, self.lang), style=style))
            grid.add_row("", Text(f"{bar(pct)} {pct:>3}%", style="dim" if stage != current else style))
            self.add_option(Option(grid, id=stage.value))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(StageSelected(event.option.id))


def overview_text(snapshot: ProjectSnapshot | None, lang: str) -> Text:
    """Pitfalls by severity as bars, then what the next phase needs as a `[x]`/`[ ]` checklist."""
    out = Text()
    if snapshot is None:
        return out
    out.append(t("sidebar.findings", lang) + "\n", style="bold")
    counts = {sev: sum(1 for f in snapshot.findings if f.severity == sev) for sev in SEVERITY_ICONS}
    for sev, icon in SEVERITY_ICONS.items():
        style = {"high": "red", "medium": "yellow"}.get(sev, "")
        blocks = "■" * min(counts[sev], 10)
        line = f"{icon} {t(f'severity.{sev}', lang)} {blocks + ' ' if blocks else ''}{counts[sev]}"
        out.append(line + "\n", style=style)
    phases = list(Phase)
    at = phases.index(snapshot.phase)
    out.append(t("sidebar.phase", lang, phase=PHASE_TITLES[snapshot.phase][lang]) + "\n", style="bold")
    if at + 1 < len(phases) and snapshot.next_phase_criteria:
        upcoming = PHASE_TITLES[phases[at + 1]][lang]
        out.append(t("sidebar.gate", lang, phase=upcoming) + "\n")
        for criterion in snapshot.next_phase_criteria:
            box = TICKED if criterion.met else UNTICKED
            out.append(f"{box} {criterion.text}\n", style="" if criterion.met else "bold")
    return out


class SidebarPanel(VerticalScroll):
    """The stage list above the project's picture; one in the sidebar, one in the narrow stages tab."""

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang

    def compose(self) -> ComposeResult:
        yield StageSidebar(self.lang, classes="stage-list")
        yield Static("", classes="overview", markup=False)

    def show(self, snapshot: ProjectSnapshot | None, current: Stage | None) -> None:
        """Re-render the stages and the picture from `snapshot`."""
        stages = self.query_one(StageSidebar)
        stages.lang = self.lang
        stages.show(snapshot, current)
        self.query_one(".overview", Static).update(overview_text(snapshot, self.lang))
