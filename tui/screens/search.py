"""Search in the conversation: type, see the matching lines, Enter scrolls the chat to one.

The whole conversation is searched, including the part of a resumed project not loaded yet; the
chat loads down to the chosen line before scrolling to it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.i18n import shorten, t

MAX_HITS = 50
SNIPPET_CELLS = 64


def snippet(text: str, query: str, cells: int = SNIPPET_CELLS) -> Text:
    """One line around the first occurrence of `query` in `text`, the match in bold."""
    flat = " ".join(text.split())
    at = flat.lower().find(query.lower())
    lead = max(0, at - 12)
    line = ("…" if lead else "") + flat[lead:]
    line = shorten(line, cells)
    out = Text(line)
    out.highlight_words([query], style="bold reverse", case_sensitive=False)
    return out


class SearchScreen(ModalScreen[Any]):
    """Dismisses with what reveals the chosen line (see `ChatLog.entries`), None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="close", tooltip="Close this window"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, lang: str, entries: list[tuple[Any, str]]) -> None:
        super().__init__()
        self.lang = lang
        self.entries = entries
        self.hits: list[Any] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="search-dialog"):
            yield Static(t("search.title", self.lang), classes="dialog-title")
            yield Input(placeholder=t("search.placeholder", self.lang), id="search-input")
            yield Static("", id="search-count", markup=False)
            yield OptionList(id="search-hits")

    def on_mount(self) -> None:
        self.query_one("#search-input", Input).focus()

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        query = event.value.strip()
        hits = self.query_one("#search-hits", OptionList)
        hits.clear_options()
        self.hits = []
        count = self.query_one("#search-count", Static)
        if not query:
            count.update("")
            return
        found = [(target, text) for target, text in self.entries if query.lower() in text.lower()]
        found.reverse()  # the most recent first
        for target, text in found[:MAX_HITS]:
            self.hits.append(target)
            hits.add_option(Option(snippet(text, query)))
        if found:
            hits.highlighted = 0
        count.update(t("search.count", self.lang, n=len(found)) if found else t("search.none", self.lang))

    def action_move(self, step: int) -> None:
        hits = self.query_one("#search-hits", OptionList)
        if hits.option_count:
            current = hits.highlighted if hits.highlighted is not None else -step
            hits.highlighted = max(0, min(hits.option_count - 1, current + step))

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        index = self.query_one("#search-hits", OptionList).highlighted
        if index is not None and index < len(self.hits):
            self.dismiss(self.hits[index])

    @on(OptionList.OptionSelected, "#search-hits")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[event.option_index])
