"""Small modal dialogs: confirmation, error, help."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown, Static

from tui.i18n import help_markdown, t


class ConfirmScreen(ModalScreen[bool]):
    """Yes/no question; dismisses with True on yes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(False)", "Cancel", id="close", tooltip="Close this window")
    ]

    def __init__(self, title: str, body: str, yes: str, no: str) -> None:
        super().__init__()
        self._title, self._body, self._yes, self._no = title, body, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._title, classes="dialog-title")
            yield Static(self._body)
            with Horizontal(classes="buttons"):
                yield Button(self._no, id="no")
                yield Button(self._yes, id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ErrorScreen(ModalScreen[None]):
    """A failure the user must read: title, what happened and how to fix it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss", "OK", id="close", tooltip="Close this window")
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self._title, self._message = title, message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog error-dialog"):
            yield Static(self._title, classes="dialog-title")
            yield Static(self._message, markup=False)
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")

    @on(Button.Pressed)
    def _pressed(self) -> None:
        self.dismiss()


class HelpScreen(ModalScreen[None]):
    """Slash commands and the current key bindings."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Close", id="close", tooltip="Close this window")
    ]

    def __init__(self, lang: str, keys_table: str) -> None:
        super().__init__()
        self.lang = lang
        self._keys = keys_table

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog"):
            yield Static(t("help.title", self.lang), classes="dialog-title")
            with VerticalScroll():
                yield Markdown(help_markdown(self.lang, self._keys))
            with Horizontal(classes="buttons"):
                yield Button(t("bind.close", self.lang), id="ok", variant="primary")

    @on(Button.Pressed)
    def _pressed(self) -> None:
        self.dismiss()
