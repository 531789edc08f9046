"""The Word architecture notes show the diagram as a picture an architect can read, drawn from the
layout the HTML's SVG uses, with alt text; the connections table stays. On a machine without a
Chinese font the Chinese diagram falls back to the editable grid, never to empty boxes."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from PIL import Image

from agent.deliverables import chart_png, diagram_png
from agent.deliverables.arch_mermaid import from_mermaid
from agent.deliverables.diagram_layout import layout
from agent.deliverables.diagram_svg import BOX_COLOURS, ZONE_COLOURS
from agent.deliverables.render_docx import markdown_to_docx
from tests.deliverables.example_docs import doc

PROJECTS = [
    ("bank_customer_service", "zh"),  # a RAG assistant, users outside the organisation
    ("manufacturing_quality_inspection", "en"),  # cameras and sensors, edge and cloud
    ("energy_field_maintenance_agent", "zh"),  # an agent calling tools
]


def _mermaid(markdown: str) -> str:
    found = re.search(r"```mermaid\n(.*?)```", markdown, re.S)
    assert found is not None
    return found.group(1)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _word(markdown: str, lang: str, path: Path) -> docx.document.Document:
    markdown_to_docx(markdown, path, title="architecture", lang=lang)
    return docx.Document(str(path))


@pytest.mark.skipif(chart_png.cjk_font_path() is None, reason="no font with Chinese glyphs on this machine")
@pytest.mark.parametrize(("example", "lang"), PROJECTS)
def test_word_shows_the_diagram_as_a_picture_of_the_htmls_layout(
    example: str, lang: str, tmp_path: Path
) -> None:
    markdown = doc(example, lang, "architecture_notes").markdown
    word = _word(markdown, lang, tmp_path / "arch.docx")
    pictures = [p for p in word.inline_shapes]
    assert len(pictures) == 1
    blip = pictures[0]._inline.graphic.graphicData.pic.blipFill.blip
    image = Image.open(io.BytesIO(word.part.related_parts[blip.embed].blob)).convert("RGB")
    lay = layout(from_mermaid(_mermaid(markdown)))  # type: ignore[arg-type]
    # the picture is the SVG's geometry, scaled: same width, every box filled where the SVG puts it,
    # in the colour of the data it holds or sees; zones in their own fill beside their title
    assert image.width == round(lay.width * diagram_png.SCALE)
    for box in lay.boxes.values():
        x0, y0, _x1, y1 = box.rect
        inside = (round((x0 + 4) * diagram_png.SCALE), round((y0 + y1) / 2 * diagram_png.SCALE))
        assert image.getpixel(inside) == _rgb(BOX_COLOURS[box.node.data][0]), box.node.name
    for zone in lay.zones:
        corner = (
            round((zone.rect[0] + 14) * diagram_png.SCALE),
            round((zone.rect[3] - 6) * diagram_png.SCALE),
        )
        assert image.getpixel(corner) == _rgb(ZONE_COLOURS[zone.zone.status][0]), zone.zone.title
    # its alt text names every zone, every component and every arrow's label
    alt = pictures[0]._inline.docPr.get("descr")
    for zone in lay.zones:
        assert zone.zone.title in alt
    for box in lay.boxes.values():
        assert box.node.name in alt
    for edge in lay.edges:
        assert edge.edge.label in alt
    # no grid of cells any more; the caption under the picture, the connections table after it
    text = "\n".join(p.text for p in word.paragraphs)
    assert "每个标题行是一个网络区域" not in text and "each title row is a network zone" not in text
    assert (
        "全部连接见下方“连接”表" if lang == "zh" else "the connections table below lists every arrow"
    ) in text
    heads = [t.rows[0].cells[0].text for t in word.tables]
    assert ("步骤" if lang == "zh" else "Step") in heads


@pytest.mark.skipif(chart_png.cjk_font_path() is None, reason="no font with Chinese glyphs on this machine")
def test_the_picture_fits_on_one_page_with_its_caption(tmp_path: Path) -> None:
    """The tallest diagram (the factory's four zones) is scaled to the page's height, not cut."""
    markdown = doc("manufacturing_quality_inspection", "en", "architecture_notes").markdown
    word = _word(markdown, "en", tmp_path / "arch.docx")
    section = word.sections[0]
    room = section.page_height - section.top_margin - section.bottom_margin
    picture = word.inline_shapes[0]
    assert picture.height < room
    assert picture.width <= section.page_width - section.left_margin - section.right_margin


def test_a_sign_the_font_lacks_is_drawn_as_a_stand_in() -> None:
    """'⚠ 跨界' printed an empty box with the usual CJK fonts."""
    font = chart_png.cjk_font_path()
    if font is None or not diagram_png._missing("⚠", font):
        pytest.skip("this machine's font draws ⚠ itself")
    assert diagram_png._drawable("① 提问 ⚠ 跨界", font) == "① 提问 △ 跨界"


def test_without_a_chinese_font_the_chinese_diagram_is_the_editable_grid(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(diagram_png, "cjk_font_path", lambda: None)
    markdown = doc("bank_customer_service", "zh", "architecture_notes").markdown
    word = _word(markdown, "zh", tmp_path / "arch.docx")
    assert len(word.inline_shapes) == 0
    text = "\n".join(p.text for p in word.paragraphs)
    assert "每个标题行是一个网络区域" in text
    grids = [t for t in word.tables if t.style is None or t.style.name != "Table Grid"]
    assert any("安全网关" in c.text for t in grids for row in t.rows for c in row.cells)
