"""Runs and tables written straight as WordprocessingML elements.

python-docx's object API (`add_run`, `table.cell(...)`, `cell.width = …`) looks every child up and
parses every run's text character by character; a deliverable has some 150 table cells and 250
runs, and building them that way was most of a Word file's time. The XML is the same as the API
writes: a run is `w:r` > `w:rPr` (`w:rFonts`, `w:b`, `w:i`) > `w:t` (`w:br` for a line break,
`w:tab` for a tab); a table is `w:tbl` > `w:tblPr` (style, fixed layout) + `w:tblGrid` + rows of
cells with their widths.
"""

from __future__ import annotations

import re
from typing import Any

from docx.oxml.ns import qn

from agent.deliverables.docx_tables import (
    BODY_PT,
    CM_PER_UNIT,
    HEADER_FILL,
    KEEP_TOGETHER_ROWS,
    LINE_CM,
    SMALL_TEXT_COLUMNS,
    SMALL_TEXT_PT,
    column_widths,
    row_heights_cm,
)
from agent.deliverables.mdblocks import Run, plain

_W = {
    name: qn(f"w:{name}")
    for name in [
        "r",
        "rPr",
        "rFonts",
        "sz",
        "szCs",
        "b",
        "i",
        "t",
        "br",
        "tab",
        "p",
        "pPr",
        "keepNext",
        "tbl",
        "tblPr",
        "tblStyle",
        "tblW",
        "tblLayout",
        "tblLook",
        "tblGrid",
        "gridCol",
        "tr",
        "trPr",
        "cantSplit",
        "tblHeader",
        "tc",
        "tcPr",
        "tcW",
        "shd",
    ]
}
_VAL, _TYPE, _WIDTH = qn("w:val"), qn("w:type"), qn("w:w")
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_FONT_ATTRS = tuple(qn(a) for a in ("w:ascii", "w:hAnsi", "w:cs"))
_EAST_ASIA = qn("w:eastAsia")
_BREAKS = re.compile(r"(\n|\r|\t)")
TWIPS_PER_CM = 567


def _el(parent: Any, name: str, attrs: dict[str, str] | None = None) -> Any:
    child = parent.makeelement(_W[name], attrs or {})
    parent.append(child)
    return child


def _text(run: Any, text: str) -> None:
    for piece in _BREAKS.split(text):
        if not piece:
            continue
        if piece == "\t":
            _el(run, "tab")
        elif piece in ("\n", "\r"):
            _el(run, "br")
        else:
            t = _el(run, "t")
            t.text = piece
            if piece.strip() != piece:
                t.set(_SPACE, "preserve")


def append_runs(
    p: Any,
    runs: list[Run],
    *,
    code_fonts: tuple[str, str] | None = None,
    bold: bool = False,
    half_points: int | None = None,
) -> None:
    """Append `runs` to the paragraph element `p`; a code run gets `code_fonts` (latin, east
    Asian); `half_points` sets the size (18: 9 pt)."""
    for r in runs:
        run = _el(p, "r")
        code = r["code"] and code_fonts is not None
        if code or r["bold"] or bold or r["italic"] or half_points:
            rpr = _el(run, "rPr")
            if code and code_fonts is not None:
                fonts = _el(rpr, "rFonts")
                for attr in _FONT_ATTRS:
                    fonts.set(attr, code_fonts[0])
                fonts.set(_EAST_ASIA, code_fonts[1])
            if r["bold"] or bold:
                _el(rpr, "b")
            if r["italic"]:
                _el(rpr, "i")
            if half_points:
                _el(rpr, "sz", {_VAL: str(half_points)})
                _el(rpr, "szCs", {_VAL: str(half_points)})
        _text(run, r["text"])


def table_element(
    body: Any,
    header: list[list[Run]],
    rows: list[list[list[Run]]],
    *,
    text_width: float,
    style_id: str,
    page_height_cm: float,
    code_fonts: tuple[str, str],
) -> Any:
    """A `w:tbl` for a Markdown table: shaded bold header row repeated on every page, column widths
    shared by content (`column_widths`), a wide table's text at `SMALL_TEXT_PT`. A row stays on one
    page unless it is taller than a third of one (then it would leave most of a page blank); a
    short table (fewer than `KEEP_TOGETHER_ROWS` rows, at most 80 % of a page) keeps every row
    with the next, so it moves to the next page whole — a taller one kept together fits no page,
    and LibreOffice then left its heading alone on a page."""
    cols = max([len(header), *(len(r) for r in rows)])
    all_rows = [header, *rows]
    texts = [[plain(cell) for cell in row] for row in all_rows]
    small = cols >= SMALL_TEXT_COLUMNS
    scale = SMALL_TEXT_PT / BODY_PT if small else 1.0
    widths = column_widths(texts, cols, text_width, unit=CM_PER_UNIT * scale)
    heights = row_heights_cm(texts, widths, unit=CM_PER_UNIT * scale, line=LINE_CM * scale)
    keep_together = len(rows) < KEEP_TOGETHER_ROWS and sum(heights) <= 0.8 * page_height_cm
    half_points = round(SMALL_TEXT_PT * 2) if small else None
    twips = [str(round(w * TWIPS_PER_CM)) for w in widths]
    tbl = body.makeelement(_W["tbl"], {})
    pr = _el(tbl, "tblPr")
    _el(pr, "tblStyle", {_VAL: style_id})
    _el(pr, "tblW", {_TYPE: "auto", _WIDTH: "0"})
    _el(pr, "tblLayout", {_TYPE: "fixed"})
    _el(
        pr,
        "tblLook",
        {
            _VAL: "04A0",
            qn("w:firstRow"): "1",
            qn("w:lastRow"): "0",
            qn("w:firstColumn"): "1",
            qn("w:lastColumn"): "0",
            qn("w:noHBand"): "0",
            qn("w:noVBand"): "1",
        },
    )
    grid = _el(tbl, "tblGrid")
    for w in twips:
        _el(grid, "gridCol", {_WIDTH: w})
    last = len(all_rows) - 1
    for ri, row in enumerate(all_rows):
        tr = _el(tbl, "tr")
        tr_pr = _el(tr, "trPr")
        if heights[ri] <= page_height_cm / 3:
            _el(tr_pr, "cantSplit", {_VAL: "true"})
        if ri == 0:
            _el(tr_pr, "tblHeader", {_VAL: "true"})
        for ci in range(cols):
            tc = _el(tr, "tc")
            tc_pr = _el(tc, "tcPr")
            _el(tc_pr, "tcW", {_TYPE: "dxa", _WIDTH: twips[ci]})
            if ri == 0:
                _el(tc_pr, "shd", {_VAL: "clear", qn("w:color"): "auto", qn("w:fill"): HEADER_FILL})
            p = _el(tc, "p")
            if keep_together and ri < last:
                _el(_el(p, "pPr"), "keepNext")
            if ci < len(row):
                append_runs(p, row[ci], code_fonts=code_fonts, bold=ri == 0, half_points=half_points)
    return tbl
