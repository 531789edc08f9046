"""Canonical Markdown → DOCX (python-docx): real headings, tables and lists; Chinese text intact.

The Mermaid diagram becomes a picture when `mmdc` (mermaid-cli) is on PATH; otherwise it is drawn
as a borderless grid of framed boxes and labelled arrows (`diagram_svg.architecture_grid`, the same
layout as the HTML's SVG), and as a last resort a short note points to the components and
connections tables that every architecture document carries.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from agent.deliverables.chart import CHART_LANG
from agent.deliverables.chart_png import add_chart
from agent.deliverables.diagram_svg import GridCell, architecture_grid
from agent.deliverables.docx_meta import DocMeta, add_header_footer, apply_core_properties
from agent.deliverables.docx_tables import (
    KEEP_TOGETHER_ROWS,
    keep_rows_whole,
    keep_table_together,
    set_widths,
    style_header_row,
)
from agent.deliverables.mdblocks import Run, parse_blocks, plain

EAST_ASIAN_FONT = "Microsoft YaHei"
LATIN_FONT = "Calibri"
MONO_FONT = "Consolas"
WIDE_TABLE_COLUMNS = 7
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold: a control character typed into an answer must not break Word."""


def _set_fonts(element: Any, east_asian: str = EAST_ASIAN_FONT, latin: str = LATIN_FONT) -> None:
    """Set the fonts of a style or run element, including `w:eastAsia` for Chinese glyphs."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr() if hasattr(element, "get_or_add_rPr") else element.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(theme_attr)) is not None:
            del fonts.attrib[qn(theme_attr)]


_USED_STYLES = (
    "Normal",
    "Title",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Heading 4",
    "Quote",
    "Intense Quote",
    "List Bullet",
    "List Bullet 2",
    "List Number",
    "List Number 2",
)


def _prepare_styles(document: Any, lang: str) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    # Document defaults first (every style inherits them), then the styles that name theme fonts.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None and rpr_default.find(qn("w:rPr")) is not None:
        _set_fonts(rpr_default)
    by_name = {s.name: s for s in document.styles}
    for name in _USED_STYLES:
        if name in by_name:
            _set_fonts(by_name[name].element)
    normal = by_name["Normal"]
    normal.font.size = Pt(10.5)
    rpr = normal.element.get_or_add_rPr()
    rpr.append(rpr.makeelement(qn("w:lang"), {qn("w:val"): "en-US", qn("w:eastAsia"): "zh-CN"}))
    for level in range(1, 5):
        by_name[f"Heading {level}"].font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    document.core_properties.language = "zh-CN" if lang == "zh" else "en-GB"


def _add_runs(paragraph: Any, runs: list[Run]) -> None:
    for r in runs:
        run = paragraph.add_run(r["text"])
        if r["bold"]:
            run.bold = True
        if r["italic"]:
            run.italic = True
        if r["code"]:
            _set_fonts(run._element, east_asian=EAST_ASIAN_FONT, latin=MONO_FONT)


def _mermaid_png(source: str) -> Path | None:
    """Render Mermaid to PNG with mermaid-cli (`mmdc`) when installed; None otherwise or on failure.

    Images are cached by content hash in the temp dir (a Chromium start costs seconds). When
    puppeteer has no browser of its own, a system Chromium is used through a puppeteer config.
    """
    import hashlib
    import json
    import os

    mmdc = shutil.which("mmdc")
    if not mmdc:
        return None
    cache = Path(tempfile.gettempdir()) / f"coach-mermaid-{os.getuid() if hasattr(os, 'getuid') else 0}"
    try:
        cache.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:20]
    png = cache / f"{digest}.png"
    if png.exists():
        return png
    work = Path(tempfile.mkdtemp(prefix="mmdc-", dir=cache))
    (work / "d.mmd").write_text(source, encoding="utf-8")
    argv = [mmdc, "-i", str(work / "d.mmd"), "-o", str(work / "d.png"), "-b", "white", "-s", "2"]
    browser = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or next(
        (shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
    )
    if browser:
        config = {"executablePath": browser, "args": ["--no-sandbox", "--disable-gpu"]}
        (work / "puppeteer.json").write_text(json.dumps(config), encoding="utf-8")
        argv += ["-p", str(work / "puppeteer.json")]
    try:
        subprocess.run(argv, check=True, capture_output=True, timeout=60)
        os.replace(work / "d.png", png)
    except (OSError, subprocess.SubprocessError):
        return None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return png if png.exists() else None


DIAGRAM_COLUMNS_CM = (3.3, 2.9, 3.6, 2.9, 3.3)
BOX_INSIDE_FILL, BOX_OUTSIDE_FILL, BOUNDARY_FILL = "D9E2EC", "FFFFFF", "F0F4F8"


def _shade(cell: Any, fill: str) -> None:
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    tc_pr.append(
        tc_pr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill})
    )


def _box_borders(cell: Any) -> None:
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.makeelement(qn("w:tcBorders"), {})
    for side in ("top", "left", "bottom", "right"):
        attrs = {qn("w:val"): "single", qn("w:sz"): "8", qn("w:space"): "0", qn("w:color"): "1F3A5F"}
        borders.append(borders.makeelement(qn(f"w:{side}"), attrs))
    tc_pr.append(borders)


def _add_diagram_grid(document: Any, boundary: str, grid: list[list[GridCell]], *, lang: str) -> None:
    """The architecture diagram as a borderless grid: framed boxes for the components (grey inside
    the deployment boundary), arrows with their labels between them. Word draws no SVG, and a
    picture needs mermaid-cli; this needs nothing and stays editable."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    caption = (
        f"架构图：灰底框是“{boundary}”边界内的部件，白底框在边界外；箭头旁注明调用或数据的内容。"
        f"每个部件和连接的完整说明见下方两张表。"
        if lang == "zh"
        else f"Architecture diagram: grey boxes sit inside the '{boundary}' boundary, white ones outside; "
        "each arrow says what flows. The two tables below describe every component and connection in full."
    )
    head = _paragraph(document)
    head.paragraph_format.keep_with_next = True  # the caption goes where the diagram goes
    _add_runs(head, [{"text": caption, "bold": False, "italic": True, "code": False}])
    table = document.add_table(rows=len(grid), cols=5)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    cells = [row.cells for row in table.rows]
    for ci, width in enumerate(DIAGRAM_COLUMNS_CM):
        table.columns[ci].width = Cm(width)
        for row in cells:
            row[ci].width = Cm(width)
    for ri, row in enumerate(grid):
        table.rows[ri].height = Cm(0.5)
        for ci, item in enumerate(row):
            cell = cells[ri][ci]
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.paragraph_format.keep_with_next = ri < len(grid) - 1
            if item.kind == "box":
                _box_borders(cell)
                _shade(cell, BOX_INSIDE_FILL if item.inside else BOX_OUTSIDE_FILL)
                name = para.add_run(item.text)
                name.bold = True
                name.font.size = Pt(9.5)
                if item.detail:
                    detail = para.add_run("\n" + item.detail)
                    detail.font.size = Pt(8)
                    detail.font.color.rgb = RGBColor(0x3E, 0x4C, 0x59)
            else:
                if item.inside:
                    _shade(cell, BOUNDARY_FILL)
                if item.kind == "arrow":
                    run = para.add_run(item.text)
                    run.font.size = Pt(8)
                    run.font.color.rgb = RGBColor(0x52, 0x60, 0x6D)
    keep_rows_whole(table)
    _paragraph(document)


def _paragraph(document: Any, style_id: str | None = None) -> Any:
    """A new paragraph with a style set by id (python-docx's by-name lookup is slow)."""
    para = document.add_paragraph()
    if style_id:
        para._p.style = style_id
    return para


def _add_table(document: Any, block: dict[str, Any], text_width: float) -> None:
    header: list[list[Run]] = block["header"]
    rows: list[list[list[Run]]] = block["rows"]
    cols = max([len(header), *(len(r) for r in rows)])
    table = document.add_table(rows=1 + len(rows), cols=cols)
    table._tbl.tblPr.style = "TableGrid"
    grid = [row.cells for row in table.rows]  # python-docx rebuilds `cells` on every access
    for ci, cell_runs in enumerate(header):
        _add_runs(grid[0][ci].paragraphs[0], [{**r, "bold": True} for r in cell_runs])
    style_header_row(table.rows[0], grid[0])
    keep_rows_whole(table)
    if len(rows) < KEEP_TOGETHER_ROWS:
        keep_table_together(grid)
    for ri, row in enumerate(rows, start=1):
        for ci, cell_runs in enumerate(row[:cols]):
            _add_runs(grid[ri][ci].paragraphs[0], cell_runs)
    set_widths(table, grid, [header, *rows], cols, text_width)
    _paragraph(document)


@lru_cache(maxsize=2)
def _template(lang: str) -> bytes:
    """python-docx's default template with our styles, prepared once per language (reading it
    back costs less than opening the default and preparing the styles for every document)."""
    import docx

    document = docx.Document()
    _prepare_styles(document, lang)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def markdown_to_docx(
    markdown: str, path: Path, *, title: str, lang: str, meta: DocMeta | None = None
) -> None:
    """Write `markdown` as a Word document at `path` (with `meta`'s properties, header and footer)."""
    import docx
    from docx.shared import Cm

    document = docx.Document(io.BytesIO(_template(lang)))
    meta = meta or DocMeta(title=title, author="Adoption Coach")
    apply_core_properties(document, meta)
    document.core_properties.title = _NOT_XML.sub("", title)
    blocks = parse_blocks(_NOT_XML.sub("", markdown))
    widest = max((len(b["header"]) for b in blocks if b["type"] == "table"), default=0)
    section = document.sections[0]
    if widest >= WIDE_TABLE_COLUMNS:
        # Registers with many columns read better on a landscape page.
        from docx.enum.section import WD_ORIENT

        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    text_width = section.page_width.cm - 4.4
    add_header_footer(section, meta, lang)
    for block in blocks:
        kind = block["type"]
        if kind == "heading":
            level = min(block["level"] - 1, 4)
            para = _paragraph(document, f"Heading{level}" if level else "Title")
            para.add_run(block["text"])
        elif kind == "paragraph":
            _add_runs(_paragraph(document), block["runs"])
        elif kind == "quote":
            _add_runs(_paragraph(document, "Quote"), block["runs"])
        elif kind == "list" and block.get("checklist"):
            # The box is the marker: an indented paragraph per item, no bullet before it.
            for i, item in enumerate(block["items"], start=1):
                para = _paragraph(document)
                para.paragraph_format.left_indent = Cm(0.63 * (1 + block.get("level", 0)))
                para.paragraph_format.space_after = Cm(0.3 if i == len(block["items"]) else 0.05)
                para.paragraph_format.keep_with_next = i < len(block["items"])  # one page
                _add_runs(para, item)
        elif kind == "list":
            style = "ListNumber" if block["ordered"] else "ListBullet"
            if block.get("level"):
                style += "2"
            for item in block["items"]:
                _add_runs(_paragraph(document, style), item)
        elif kind == "table":
            _add_table(document, block, text_width)
        elif kind == "code" and block["lang"] == "mermaid":
            png = _mermaid_png(block["text"])
            if png is not None:
                document.add_picture(str(png), width=Cm(min(16.0, text_width)))
            elif (grid := architecture_grid(block["text"], lang)) is not None:
                _add_diagram_grid(document, *grid, lang=lang)
            else:
                note = (
                    "本文档中的架构图以下方“组件”与“连接”两张表呈现：前者列出各部件及其部署位置，"
                    "后者列出部件之间的调用与数据流向。"
                    if lang == "zh"
                    else "In this document the diagram is given as the two tables below: the components, "
                    "with where each runs, and the connections, with what flows between them."
                )
                _paragraph(document, "IntenseQuote").add_run(note)
        elif (
            kind == "code"
            and block["lang"] == CHART_LANG
            and add_chart(document, block["text"], lang, text_width)
        ):
            pass  # the executive summary's picture (agent.deliverables.chart_png)
        elif kind == "code":
            para = _paragraph(document)
            _add_runs(para, [{"text": block["text"], "bold": False, "italic": False, "code": True}])
    # built in memory, then written in one go: a refused write (disk full, file size limit) raises
    # here, cleanly, instead of inside the zip writer's clean-up at garbage collection
    buffer = io.BytesIO()
    document.save(buffer)
    Path(path).write_bytes(buffer.getvalue())


__all__ = ["markdown_to_docx", "plain"]
