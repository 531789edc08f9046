"""Canonical Markdown → DOCX (python-docx): real headings, tables and lists; Chinese text intact.

The architecture diagram becomes a picture drawn from the HTML's layout (`diagram_png`); on a
machine with no font for its Chinese labels, a picture from `mmdc` (mermaid-cli) when on PATH, else
a borderless grid of framed boxes and labelled arrows (`diagram_svg.architecture_grid`, the same
layout, editable), and as a last resort a short note points to the components and connections
tables that every architecture document carries.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from agent.deliverables.chart import CHART_LANG
from agent.deliverables.chart_png import add_chart
from agent.deliverables.diagram_png import add_architecture
from agent.deliverables.diagram_svg import GridCell, architecture_grid
from agent.deliverables.docx_meta import DocMeta, add_header_footer, apply_core_properties
from agent.deliverables.docx_styles import (
    EAST_ASIAN_FONT,
    MONO_FONT,
    base_document,
    has_content,
    style_for,
    styles_of,
)
from agent.deliverables.docx_tables import keep_rows_whole
from agent.deliverables.docx_xml import append_runs, table_element
from agent.deliverables.mdblocks import Run, plain, shared_blocks

WIDE_TABLE_COLUMNS = 7
CHECK_HANG_CM = 0.55
"""How far a checklist item's wrapped lines are indented past its box (the box and a space)."""
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold: a control character typed into an answer must not break Word."""


def _add_runs(paragraph: Any, runs: list[Run]) -> None:
    append_runs(paragraph._p, runs, code_fonts=(MONO_FONT, EAST_ASIAN_FONT))


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
BOX_DATA_FILL, BOX_OUTSIDE_FILL, BOUNDARY_FILL, ZONE_OUTSIDE_FILL = "FDECEA", "FFFFFF", "F0F4F8", "FFF7ED"


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
        "架构图：每个标题行是一个网络区域（注明在本单位内或外），其下是该区域的部件；红底框存有或经手个人信息、"
        "机密数据；相邻部件之间的箭头画在图中，全部连接（步骤编号、是否跨越本单位边界）见下方“连接”表。"
        if lang == "zh"
        else "Architecture diagram: each title row is a network zone (inside or outside the organisation) with "
        "its components below; red boxes hold or see personal or confidential data; arrows between neighbouring "
        "boxes are drawn, and the connections table below lists every one (step numbers, boundary crossings)."
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
            # a zone stays on one page; a page may break before the next zone's title row
            para.paragraph_format.keep_with_next = ri < len(grid) - 1 and grid[ri + 1][0].kind != "zone"
            if item.kind == "zone":
                cell = cell.merge(cells[ri][len(row) - 1])
                _shade(cell, BOUNDARY_FILL if item.inside else ZONE_OUTSIDE_FILL)
                para = cell.paragraphs[0]
                para.alignment = WD_ALIGN_PARAGRAPH.LEFT
                title = para.add_run(item.text)
                title.bold = True
                title.font.size = Pt(9)
            elif item.kind == "box":
                _box_borders(cell)
                _shade(cell, BOX_DATA_FILL if item.inside else BOX_OUTSIDE_FILL)
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
        para._p.style = style_for(style_id)
    return para


def _text_height_cm(document: Any) -> float:
    section = document.sections[-1]
    return float(section.page_height.cm - section.top_margin.cm - section.bottom_margin.cm)


def _add_table(document: Any, block: dict[str, Any], text_width: float) -> None:
    body = document.element.body
    tbl = table_element(
        body,
        block["header"],
        block["rows"],
        text_width=text_width,
        style_id=style_for("TableGrid"),
        page_height_cm=_text_height_cm(document),
        code_fonts=(MONO_FONT, EAST_ASIAN_FONT),
    )
    sect_pr = body.sectPr
    if sect_pr is not None:
        sect_pr.addprevious(tbl)
    else:  # pragma: no cover - python-docx's documents always end with their section properties
        body.append(tbl)
    _paragraph(document)


def markdown_to_docx(
    markdown: str, path: Path, *, title: str, lang: str, meta: DocMeta | None = None
) -> None:
    """Write `markdown` as a Word document at `path` (with `meta`'s properties, header and footer)."""
    # built in memory, then written in one go: a refused write (disk full, file size limit) raises
    # here, cleanly, instead of inside the zip writer's clean-up at garbage collection
    Path(path).write_bytes(docx_bytes(markdown, title=title, lang=lang, meta=meta))


def warm_up(lang: str) -> None:
    """Import and prepare what every Word file needs (python-docx, the base document, the Markdown
    parser): done once, before an export forks its helper (`ahead`), so neither does it again."""
    import docx  # noqa: F401

    from agent.deliverables.mdblocks import markdown_tokens

    base_document(lang)
    markdown_tokens("")


def docx_bytes(markdown: str, *, title: str, lang: str, meta: DocMeta | None = None) -> bytes:
    """`markdown` as the bytes of a Word document (with `meta`'s properties, header and footer)."""
    base, ids, reference = base_document(lang)
    with styles_of(ids):
        return _build_docx(base, markdown, title=title, lang=lang, meta=meta, reference=reference)


def _page_setup(section: Any, wide: bool, reference: bool) -> float:
    """Page size, orientation and margins (the reference file's own when there is one, turned to
    landscape for a wide register); the text width in cm."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    if reference:
        width, height = section.page_width, section.page_height
        if wide and width < height:  # registers with many columns read better on a landscape page
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = height, width
    elif wide:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if not reference:
        section.left_margin = section.right_margin = Cm(2.2)
    return float(section.page_width.cm - section.left_margin.cm - section.right_margin.cm)


def _build_docx(
    base: bytes, markdown: str, *, title: str, lang: str, meta: DocMeta | None, reference: bool
) -> bytes:
    import docx
    from docx.shared import Cm

    document = docx.Document(io.BytesIO(base))
    meta = meta or DocMeta(title=title, author="Adoption Coach")
    apply_core_properties(document, meta)
    document.core_properties.title = _NOT_XML.sub("", title)
    blocks = shared_blocks(_NOT_XML.sub("", markdown))
    widest = max((len(b["header"]) for b in blocks if b["type"] == "table"), default=0)
    section = document.sections[0]
    text_width = _page_setup(section, widest >= WIDE_TABLE_COLUMNS, reference)
    # an organisation's own header or footer stays; an empty one gets ours
    add_header_footer(
        section,
        meta,
        lang,
        header=not (reference and has_content(section.header)),
        footer=not (reference and has_content(section.footer)),
    )
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
                # hanging: a wrapped line starts under the text, not under the box
                para.paragraph_format.left_indent = Cm(0.63 * (1 + block.get("level", 0)) + CHECK_HANG_CM)
                para.paragraph_format.first_line_indent = Cm(-CHECK_HANG_CM)
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
            if add_architecture(document, block["text"], lang, text_width, _text_height_cm(document)):
                continue  # the picture, from the HTML's layout (agent.deliverables.diagram_png)
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
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


__all__ = ["docx_bytes", "markdown_to_docx", "plain"]
