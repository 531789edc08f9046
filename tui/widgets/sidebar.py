"""The stage sidebar: the seven stages, the current one highlighted, readiness per stage."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from agent.snapshot import ProjectSnapshot
from agent.types import PHASE_TITLES, STAGE_TITLES, STAGES, Stage
from tui.messages import StageSelected


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
            # a grid, so a title that wraps (English, narrow sidebar) stays under its first line
            grid = Table.grid(padding=0)
            grid.add_column(no_wrap=True)
            grid.add_column(ratio=1, overflow="fold")
            grid.add_row(Text(f"{mark}{n} ", style=style), Text(STAGE_TITLES[stage][self.lang], style=style))
            grid.add_row("", Text(f"{bar(pct)} {pct:>3}%", style="dim" if stage != current else style))
            self.add_option(Option(grid, id=stage.value))
        if snapshot is not None:
            self.border_subtitle = PHASE_TITLES[snapshot.phase][self.lang]

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(StageSelected(event.option.id))
