"""The command palette in the UI language, and key names as people write them (Ctrl+E, F1, Esc).

Textual's palette says "No matches found" whatever the language; this one says it in the
screen's. Every command the palette offers names its key, taken from the live bindings, so a key
remapped in `config.toml` ([keys]) shows as remapped.
"""

from __future__ import annotations

from typing import Any

from rich.align import Align
from rich.text import Text
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.dom import DOMNode
from textual.widgets.option_list import Option

from tui.i18n import t

_NAMED = {
    "escape": "Esc",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "enter": "Enter",
    "space": "Space",
    "delete": "Del",
    "tab": "Tab",
}


def key_label(key: str) -> str:
    """`ctrl+e` → `Ctrl+E`, `f1` → `F1`, `ctrl+up` → `Ctrl+↑`; the first of `a,b` alternatives."""
    key = key.split(",")[0].strip()
    parts = key.split("+")
    out = [p.capitalize() for p in parts[:-1]]
    last = parts[-1]
    out.append(_NAMED.get(last, last.upper() if len(last) <= 3 else last.capitalize()))
    return "+".join(out)


def binding_key(nodes: list[DOMNode], binding_id: str, keymap: dict[str, str] | None = None) -> str | None:
    """The key bound now to the binding `binding_id` on any of `nodes`: the one `keymap` (the
    settings' [keys]) gives it, else its own (Textual applies a keymap to copies of the bindings,
    not to the nodes')."""
    if keymap and binding_id in keymap:
        return key_label(keymap[binding_id])
    for node in nodes:
        for key, bindings in node._bindings.key_to_bindings.items():
            for b in bindings:
                if isinstance(b, Binding) and b.id == binding_id:
                    return key_label(key)
    return None


class LocalPalette(CommandPalette):
    """The command palette with its "no matches" line in the UI language."""

    def __init__(self, lang: str, **kwargs: Any) -> None:
        super().__init__(placeholder=t("palette.placeholder", lang), **kwargs)
        self.lang = lang

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(t("palette.no_matches", self.lang), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
