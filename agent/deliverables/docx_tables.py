"""Word tables that read well: rows kept whole, and column widths shared by content
(`column_widths`); the tables themselves are written by `docx_xml.table_element` (a shaded header
row repeated on every page, short tables kept on one page)."""

from __future__ import annotations

import re
from typing import Any

HEADER_FILL = "E4E7EB"
"""Header-row shading, the grey of the HTML tables."""


def keep_rows_whole(table: Any) -> None:
    """A row stays on one page (a risk's mitigation is not cut off from its risk)."""
    from docx.oxml.ns import qn

    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(qn("w:cantSplit"), {qn("w:val"): "true"}))


KEEP_TOGETHER_ROWS = 15
"""A table shorter than this moves to the next page whole rather than leave its header behind."""


def _display_width(text: str) -> int:
    """Rough display width: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


CM_PER_UNIT = 0.22
"""Width in cm of one display unit (half a CJK character) at the 10.5 pt body size."""
CELL_PADDING_CM = 0.6
"""Word's default cell margins (0.19 cm a side) plus a little slack for bold and wide glyphs."""
SHORT_COLUMN_CM = 3.6
"""A column whose longest cell fits in this width (six Chinese characters) is never wrapped."""
HEADER_BOLD_FACTOR = 1.2
"""Header cells are bold, and bold glyphs are wider."""
CJK_KEEP_UNITS = 8
"""Chinese text may wrap between any two characters, but a column narrower than four characters
reads as a vertical strip ('严/重/度'); four characters is the narrowest a column gets."""


def _unbreakable_units(text: str) -> int:
    """Display width of the longest piece of `text` a line cannot break inside.

    Latin words (including code such as `operations.model_update_cadence`) break only at spaces;
    Chinese text anywhere, but no narrower than `CJK_KEEP_UNITS`.
    """
    longest = 0
    for word in text.split():
        units = _display_width(word)
        if any(ord(ch) > 0x2E80 for ch in word):
            latin = max((_display_width(w) for w in re.split(r"[\u2e80-\uffff]+", word)), default=0)
            units = max(latin, min(units, CJK_KEEP_UNITS))
        longest = max(longest, units)
    return longest


def column_widths(
    rows: list[list[str]], cols: int, text_width: float, *, unit: float = CM_PER_UNIT
) -> list[float]:
    """Column widths in cm that share `text_width` by content.

    Each column needs at least its longest unbreakable word (so no word is split across lines);
    the width is shared in proportion to each column's longest cell, which keeps the rows
    shortest, and a column whose share is below its minimum gets its minimum instead. The first
    row is the header, set in bold (wider glyphs).
    """
    lo = [1.0] * cols
    hi = [1.0] * cols
    for ri, row in enumerate(rows):
        bold = HEADER_BOLD_FACTOR if ri == 0 else 1.0
        for ci, text in enumerate(row[:cols]):
            lo[ci] = max(lo[ci], _unbreakable_units(text) * unit * bold + CELL_PADDING_CM)
            line = max((_display_width(part) for part in text.split("\n")), default=0)
            hi[ci] = max(hi[ci], line * unit * bold + CELL_PADDING_CM)
    # A column of short labels ('预算（万元）') keeps each on one line.
    lo = [h if h <= SHORT_COLUMN_CM else w for w, h in zip(lo, hi, strict=True)]
    lo = [min(w, text_width * 0.6) for w in lo]
    if sum(lo) >= text_width:
        return [w * text_width / sum(lo) for w in lo]
    widths = [0.0] * cols
    fixed: set[int] = set()
    while True:
        free = [ci for ci in range(cols) if ci not in fixed]
        room = text_width - sum(widths[ci] for ci in fixed)
        share = sum(hi[ci] for ci in free)
        short = [ci for ci in free if room * hi[ci] / share < lo[ci]]
        if not short or len(short) == len(free):
            for ci in free:
                widths[ci] = max(lo[ci], room * hi[ci] / share) if short else room * hi[ci] / share
            return widths
        for ci in short:
            widths[ci] = lo[ci]
            fixed.add(ci)


LINE_CM = 0.5
"""Height of one line of 10.5 pt table text (Chinese fonts set lines a little taller)."""
SMALL_TEXT_COLUMNS = 7
"""A table this wide (a register on a landscape page) is set at `SMALL_TEXT_PT`: at the body size
its columns' shortest widths filled the page and left its longest column a strip of a few words."""
SMALL_TEXT_PT = 9.0
BODY_PT = 10.5
ROW_PADDING_CM = 0.15
"""A row's cell padding above and below, and its rule."""


def row_heights_cm(
    rows: list[list[str]], widths: list[float], *, unit: float = CM_PER_UNIT, line: float = LINE_CM
) -> list[float]:
    """Roughly how tall each row is with columns `widths` (cm): as tall as its cell of most wrapped
    lines. Enough to tell a table that fits on a page from one that cannot."""
    heights = []
    for row in rows:
        lines = 1
        for text, width in zip(row, widths, strict=False):
            room = max(width - CELL_PADDING_CM, 0.5)
            cell = sum(
                max(1, -(-int(_display_width(part) * unit * 100) // int(room * 100)))
                for part in text.split("\n")
            )
            lines = max(lines, cell)
        heights.append(lines * line + ROW_PADDING_CM)
    return heights
