"""Choice widgets whose state reads without colour: `[x]`/`[ ]` boxes and a `▸` on the row under
the arrows (Textual's own draw `▐X▌` for ticked and unticked alike and tell them apart by colour).

ASCII brackets rather than ☐/☑: those are East-Asian "ambiguous width" and take two cells in many
Chinese terminals, which would shift every label.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, OptionList, SelectionList

MARK = "▸ "
"""Drawn over the two leading spaces of the highlighted option's first line."""
INDENT = "  "
"""Every option prompt starts with this, the room the mark takes."""
TICKED, UNTICKED = "[x]", "[ ]"


def _mark_line(list_: OptionList, strip: Strip, y: int) -> Strip:
    """`strip` (line `y` on screen) with the mark over its indent when it is the first line of the
    highlighted option."""
    try:
        index, offset = list_._lines[list_.scroll_offset.y + y]
    except IndexError:
        return strip
    if offset != 0 or index != list_.highlighted or strip.cell_length < len(MARK):
        return strip
    segments = list(strip.crop(len(MARK), strip.cell_length))
    first = next(iter(strip), None)
    style = first.style if first is not None else None
    return Strip([Segment(MARK, style), *segments], strip.cell_length)


class MarkedOptionList(OptionList):
    """An option list marking the highlighted option with `▸` (prompts start with `INDENT`)."""

    def render_line(self, y: int) -> Strip:
        return _mark_line(self, super().render_line(y), y)


class TickList(SelectionList[str]):
    """A selection list drawing `[x]`/`[ ]` and marking the highlighted row with `▸`."""

    def render_line(self, y: int) -> Strip:
        line = _mark_line(self, OptionList.render_line(self, y), y)
        try:
            index, offset = self._lines[self.scroll_offset.y + y]
            selection = self.get_option_at_index(index)
        except IndexError:
            return line
        first = next(iter(line), None)
        style = (first.style if first is not None else None) or Style()
        ticked = selection.value in self._selected
        box = (TICKED if ticked else UNTICKED) if offset == 0 else "   "
        if ticked:  # colour as well, where there is colour
            style += self.get_component_rich_style("selection-list--button-selected")
        # the meta makes a click on the box toggle its option, as on Textual's own button
        gutter = Segment(box + " ", style + Style(meta={"option": index}))
        return Strip([gutter, *line], line.cell_length + len(box) + 1)


class TickBox(Checkbox):
    """A checkbox drawn `[x] label` / `[ ] label`."""

    @property
    def _button(self) -> Content:
        return Content(TICKED if self.value else UNTICKED)
