"""The export dialog: formats, directory, a progress bar and a clear result."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Static

from tui.exporting import pdf_possible
from tui.i18n import t
from tui.messages import ExportFinished
from tui.widgets.ticks import TickBox

if TYPE_CHECKING:
    from tui.app import CoachApp
    from tui.backend import Session

FORMATS = ("md", "docx", "html", "json", "pdf")
LABELS = {"md": "Markdown", "docx": "Word", "html": "HTML", "json": "JSON", "pdf": "PDF"}


def default_dir(project: str) -> Path:
    """`./coach-export/<project>` with a name safe on every OS."""
    safe = re.sub(r"[^\w\-. ]+", "_", project, flags=re.UNICODE).strip(" .") or "project"
    return Path.cwd() / "coach-export" / safe


class ExportScreen(ModalScreen[list[Path] | None]):
    """Runs the export in a worker; the dialog stays open to show what was written."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="close", tooltip="Close this window")
    ]

    app: CoachApp

    def __init__(self, session: Session, project: str, lang: str, doc_lang: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.project = project
        self.lang = lang
        self.doc_lang = doc_lang or lang
        """Language of the documents: the project's, not necessarily the UI's."""
        self.files: list[Path] = []
        self.running = False

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(classes="dialog", id="export-dialog"):
            yield Static(t("export.title", lang), classes="dialog-title")
            yield Label(t("export.formats", lang))
            with Horizontal(id="export-formats"):
                for fmt in FORMATS:
                    box = TickBox(LABELS[fmt], value=fmt in ("md", "docx"), id=f"fmt-{fmt}", compact=True)
                    box.display = fmt != "pdf" or pdf_possible()
                    yield box
            yield Label(t("export.dir", lang))
            yield Input(str(default_dir(self.project)), id="export-dir")
            yield ProgressBar(total=100, show_eta=False, id="export-progress")
            yield Static("", id="export-result", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(t("export.close", lang), id="close")
                yield Button(t("export.go", lang), id="go", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#go", Button).focus()

    def action_close(self) -> None:
        """Close (the export, if running, finishes in the background)."""
        self.dismiss(self.files or None)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.action_close()

    @on(Input.Submitted, "#export-dir")
    @on(Button.Pressed, "#go")
    def start(self) -> None:
        """Validate the choices and start the export worker."""
        if self.running:
            return
        formats = [
            fmt
            for fmt in FORMATS
            if self.query_one(f"#fmt-{fmt}", Checkbox).value and self.query_one(f"#fmt-{fmt}").display
        ]
        result = self.query_one("#export-result", Static)
        if not formats:
            result.update(t("export.no_format", self.lang))
            return
        out = Path(self.query_one("#export-dir", Input).value.strip() or default_dir(self.project))
        self.running = True
        self.query_one("#go", Button).disabled = True
        result.update(t("export.running", self.lang))
        self.query_one(ProgressBar).update(total=100, progress=0)
        self._export(out.expanduser(), formats)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def _export(self, out: Path, formats: list[str]) -> None:
        def progress(done: int, total: int, item: str) -> None:
            self.app.call_from_thread(self.query_one(ProgressBar).update, total=max(total, 1), progress=done)

        try:
            files = self.app.session_factory.export(self.session, out, formats, self.doc_lang, progress)
        except Exception as exc:
            self.post_message(ExportFinished([], exc))
            return
        self.post_message(ExportFinished(files))

    @on(ExportFinished)
    def _finished(self, event: ExportFinished) -> None:
        self.running = False
        self.query_one("#go", Button).disabled = False
        result = self.query_one("#export-result", Static)
        if event.error is not None:
            result.update(t("export.failed", self.lang, error=event.error))
            result.add_class("error-text")
            return
        self.files = [Path(f) for f in event.files]
        bar = self.query_one(ProgressBar)
        bar.update(total=100, progress=100)
        folder = self.files[0].parent if self.files else ""
        lines = [t("export.done", self.lang, n=len(self.files), dir=folder)]
        lines += [f"  • {f.name}" for f in self.files[:3]]
        if len(self.files) > 3:
            lines.append("  " + t("export.more", self.lang, n=len(self.files) - 3))
        result.remove_class("error-text")
        result.update("\n".join(lines))
        self.query_one("#close", Button).focus()
