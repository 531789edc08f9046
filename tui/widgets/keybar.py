"""The footer's keys drawn as one line of text.

Textual's `Footer` re-mounts a widget per key whenever the bindings change (F2 shows "Esc chat"
and hides "Ctrl+↑ previous question", focus moves, a dialog closes); each mount restyles, and on
this 2-core machine shared by several processes that took ~0.3 s of every F2. `KeyFooter` keeps
Textual's footer (its place, its colours, its subscription to binding changes) but draws the keys
as one `KeyLine`: a binding change repaints a line instead of building widgets. A click on a key
presses it; hovering a key shows its tooltip.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer


class KeyLine(Widget):
    """The keys of the active bindings, left to right, the command palette's key at the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"keyline--key", "keyline--description", "keyline--palette"}
    DEFAULT_CSS = """
    KeyLine {
        width: 1fr;
        height: 1;
        text-wrap: nowrap;
        background: $footer-background;
        .keyline--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
        .keyline--description { color: $footer-description-foreground; background: $footer-description-background; }
        .keyline--palette { color: $foreground 20%; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.spans: list[tuple[int, int, str, bool, str]] = []
        """(first cell, last cell + 1, key, enabled, tooltip) of each key drawn, for clicks."""

    def keys(self) -> list[tuple[Binding, bool, str]]:
        """The bindings shown, one per action, in the footer's order."""
        by_action: defaultdict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show:
                by_action[binding.action].append((binding, enabled, tooltip))
        return [found[0] for found in by_action.values()]

    def descriptions(self) -> list[str]:
        """What each shown key does, as written in the footer (the palette's key last)."""
        palette = self._palette()
        return [b.description for b, _, _ in self.keys()] + ([palette[0].description] if palette else [])

    def _palette(self) -> tuple[Binding, bool, str] | None:
        footer = self.parent
        if not isinstance(footer, Footer) or not footer.show_command_palette:
            return None
        if not self.app.ENABLE_COMMAND_PALETTE:
            return None
        try:
            _node, binding, enabled, tooltip = self.screen.active_bindings[self.app.COMMAND_PALETTE_BINDING]
        except KeyError:
            return None
        return binding, enabled, tooltip or binding.tooltip or binding.description

    def _item(self, binding: Binding, enabled: bool, *, lead: str = " ") -> Text:
        key = self.get_component_rich_style("keyline--key")
        description = self.get_component_rich_style("keyline--description")
        text = Text.assemble(
            (f"{lead}{self.app.get_key_display(binding)} ", key), (f"{binding.description} ", description)
        )
        if not enabled:
            text.stylize("dim")
        return text

    def render(self) -> Text:
        width = self.size.width
        palette = self._palette()
        right = Text()
        if palette is not None:
            right = Text.assemble(("▏", self.get_component_rich_style("keyline--palette")))
            right.append_text(self._item(palette[0], palette[1], lead=""))
        room = max(0, width - right.cell_len)
        line = Text(no_wrap=True, overflow="crop")
        spans: list[tuple[int, int, str, bool, str]] = []
        for binding, enabled, tooltip in self.keys():
            item = self._item(binding, enabled)
            if line.cell_len + item.cell_len > room:
                break  # what does not fit is left out whole, never cut mid-word
            start = line.cell_len
            line.append_text(item)
            spans.append((start, line.cell_len, binding.key, enabled, tooltip or binding.description))
        if palette is not None:
            line.append(" " * (room - line.cell_len))
            start = line.cell_len + 1
            line.append_text(right)
            spans.append((start, start + right.cell_len - 1, palette[0].key, palette[1], palette[2]))
        self.spans = spans
        return line

    def _at(self, x: int) -> tuple[int, int, str, bool, str] | None:
        return next((s for s in self.spans if s[0] <= x < s[1]), None)

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it (a disabled one rings the bell)."""
        span = self._at(event.x)
        if span is None:
            return
        event.stop()
        if span[3]:
            self.app.simulate_key(span[2].split(",")[0].strip())
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        span = self._at(event.x)
        self.tooltip = span[4] if span else None


class KeyFooter(Footer):
    """Textual's footer with its keys drawn by one `KeyLine` (no widget per key)."""

    def compose(self) -> ComposeResult:
        yield KeyLine()

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Repaint the keys (Textual's footer rebuilds a widget per key here)."""
        self._bindings_ready = True
        if self.is_attached and screen is self.screen:
            for line in self.query(KeyLine):
                line.refresh()
