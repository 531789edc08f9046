"""The project picker: resume a recent project, create one, delete one."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Input, Label, Select, Static

from agent.profile import Sector
from agent.types import STAGE_TITLES, STAGES
from tui.backend import ProjectRow, project_row
from tui.i18n import shorten, stage_name, t
from tui.screens.dialogs import ConfirmScreen
from tui.widgets.keybar import KeyFooter

if TYPE_CHECKING:
    from tui.app import CoachApp

SECTORS: tuple[str, ...] = Sector.__args__  # type: ignore[attr-defined]
NAME_CELLS = 22
"""A project name is cut to this width, or to half the room left by the short columns if wider."""
OTHER_COLUMNS = 36
"""Cells taken by the readiness, date and language columns, the cells' and the screen's padding."""


def name_problem(name: str, existing: set[str], lang: str) -> str | None:
    """Why `name` (NFC, trimmed) cannot name a new project, in `lang`; None when it can."""
    if not name:
        return t("new.name_required", lang)
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name):
        return t("new.name_control", lang)
    if "\ufffd" in name:  # bytes the terminal could not decode
        return t("new.name_undecodable", lang)
    if name in existing:
        return t("new.name_exists", lang, name=name)
    return None


class NewProjectScreen(ModalScreen[dict[str, Any] | None]):
    """Name, sector and language of a new project."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="close", tooltip="Close this window")
    ]

    def __init__(self, lang: str, existing: set[str], depth: str = "standard") -> None:
        super().__init__()
        self.lang = lang
        self.existing = existing
        self.depth = depth

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(classes="dialog", id="new-dialog"):
            yield Static(t("new.title", lang), classes="dialog-title")
            yield Label(t("new.name", lang))
            yield Input(placeholder=t("new.name.placeholder", lang), id="new-name", max_length=80)
            yield Label(t("new.sector", lang))
            yield Select(
                [(t(f"sector.{s}", lang), s) for s in SECTORS],
                prompt=t("sector.unset", lang),
                id="new-sector",
            )
            yield Label(t("new.lang", lang))
            yield Select(
                [(t("lang.zh", lang), "zh"), (t("lang.en", lang), "en")],
                value=lang,
                allow_blank=False,
                id="new-lang",
            )
            yield Label(t("new.depth", lang))
            yield Select(
                [(t(f"depth.{d}", lang), d) for d in ("quick", "standard", "full")],
                value=self.depth,
                allow_blank=False,
                id="new-depth",
            )
            yield Static("", id="new-error", classes="error-text")
            with Horizontal(classes="buttons"):
                yield Button(t("new.cancel", lang), id="cancel")
                yield Button(t("new.create", lang), id="create", variant="primary")

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#new-name")
    @on(Button.Pressed, "#create")
    def _create(self) -> None:
        name = unicodedata.normalize("NFC", self.query_one("#new-name", Input).value).strip()
        error = self.query_one("#new-error", Static)
        problem = name_problem(name, self.existing, self.lang)
        if problem:
            # said here, with the name still in the box to correct (the engine would refuse it
            # only after the dialog has closed)
            error.update(problem)
            self.query_one("#new-name", Input).focus()
            return
        sector_select = self.query_one("#new-sector", Select)
        sector = None if sector_select.is_blank() else str(sector_select.value)
        lang = str(self.query_one("#new-lang", Select).value)
        depth = str(self.query_one("#new-depth", Select).value)
        self.dismiss({"name": name, "sector": sector, "lang": lang, "depth": depth})


class PickerScreen(Screen[None]):
    """Lists the saved projects; Enter resumes, n creates, Delete removes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New", id="new", tooltip="Create a new project"),
        Binding("enter", "open", "Open", id="open", tooltip="Resume the selected project"),
        Binding("delete,d", "delete", "Delete", id="delete", tooltip="Delete the selected project"),
    ]

    app: CoachApp

    def __init__(self) -> None:
        super().__init__(id="picker")
        self.rows: list[ProjectRow] = []

    @property
    def lang(self) -> str:
        return self.app.lang

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="picker-body"):
            yield Static(t("app.title", lang), id="picker-title")
            yield Static(t("picker.intro", lang), id="picker-intro")
            yield DataTable(id="projects", cursor_type="row", zebra_stripes=True)
            yield Static(t("picker.empty", lang), id="picker-empty")
            with Horizontal(classes="buttons"):
                yield Button(t("picker.new", lang), id="new", variant="primary")
                yield Button(t("picker.open", lang), id="open")
                yield Button(t("picker.delete", lang), id="delete", variant="error")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._setup()

    def relabel(self) -> None:
        """Rebuild in the new UI language."""

        async def rebuild() -> None:
            await self.recompose()
            self._setup()
            self.refresh_projects()

        self.run_worker(rebuild())

    def _setup(self) -> None:
        self.app.localize_bindings(self)
        table = self.query_one(DataTable)
        for key in ("name", "stage", "readiness", "updated", "lang"):
            table.add_column(t(f"picker.col.{key}", self.lang), key=key)

    def on_screen_resume(self) -> None:
        # On first show and on every return; after the paint, since listing imports the engine.
        self.call_after_refresh(self.refresh_projects)

    @work(thread=True, exclusive=True, exit_on_error=False, group="projects")
    def refresh_projects(self) -> None:
        """List the projects in a worker (the first call imports the engine)."""
        try:
            rows = [project_row(s) for s in self.app.session_factory.list_projects()]
        except Exception as exc:
            self.app.call_from_thread(self.app.show_error, t("picker.list_failed", self.lang), exc)
            rows = []
        rows.sort(key=lambda r: r.updated_at.timestamp() if r.updated_at else 0, reverse=True)
        self.app.call_from_thread(self._fill, rows)

    def _fill(self, rows: list[ProjectRow]) -> None:
        selected = self._selected()
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        # a long name is cut so that every column stays on screen; a stage title too long for its
        # column gives way to the stage's short name, never cut inside a word
        room = (self.size.width or 80) - OTHER_COLUMNS
        name_cells = min(max((cell_len(r.name) for r in rows), default=0), max(NAME_CELLS, room // 2))
        stage_cells = max(12, room - name_cells)
        stages = []
        for row in rows:
            if row.stage is None:
                stages.append("—")
                continue
            n = f"{STAGES.index(row.stage) + 1}/7 "
            title = STAGE_TITLES[row.stage][self.lang]
            if cell_len(n + title) > stage_cells:
                title = stage_name(row.stage, self.lang)
            stages.append(n + title)
        for row, stage in zip(rows, stages, strict=True):
            ready = f"{row.readiness}%" if row.readiness is not None else "—"
            # stored in UTC: shown in the user's own time zone
            updated = row.updated_at.astimezone().strftime("%m-%d %H:%M") if row.updated_at else "—"
            table.add_row(
                shorten(row.name, name_cells),
                stage,
                ready,
                updated,
                row.lang,
                key=row.name,
            )
        names = [r.name for r in rows]
        if selected and selected.name in names:
            table.move_cursor(row=names.index(selected.name))
        table.display = bool(rows)
        self.query_one("#picker-empty").display = not rows
        self.query_one("#open").disabled = self.query_one("#delete").disabled = not rows
        (table if rows else self.query_one("#new")).focus()

    def _selected(self) -> ProjectRow | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(Button.Pressed, "#new")
    def action_new(self) -> None:
        """Ask for the new project's name, sector and language, then open it."""

        def created(result: dict[str, Any] | None) -> None:
            if result:
                self.app.open_project(
                    result["name"],
                    lang=result["lang"],
                    sector=result["sector"],
                    create=True,
                    depth=result.get("depth", "standard"),
                )

        depth = getattr(self.app, "default_depth", "standard")
        self.app.push_screen(NewProjectScreen(self.lang, {r.name for r in self.rows}, depth), created)

    @on(DataTable.RowSelected)
    @on(Button.Pressed, "#open")
    def action_open(self) -> None:
        """Resume the selected project."""
        row = self._selected()
        if row:
            self.app.open_project(row.name, lang=row.lang, sector=None, create=False)

    @on(Button.Pressed, "#delete")
    def action_delete(self) -> None:
        """Delete the selected project after confirmation."""
        row = self._selected()
        if row is None:
            return
        lang = self.lang

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._delete(row.name)

        self.app.push_screen(
            ConfirmScreen(
                t("confirm.delete.title", lang),
                t("confirm.delete.body", lang, name=row.name),
                t("confirm.yes", lang),
                t("confirm.no", lang),
            ),
            confirmed,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="delete")
    def _delete(self, name: str) -> None:
        try:
            self.app.session_factory.delete_project(name)
        except Exception as exc:
            self.app.call_from_thread(self.app.show_error, t("picker.delete", self.lang), exc)
            return
        self.app.call_from_thread(self.notify, t("picker.deleted", self.lang, name=name))
        self.app.call_from_thread(self.refresh_projects)
