"""The architecture diagram as a PNG, for Word (which draws no SVG): the picture an architect
expects in the Word file, not a grid of cells.

Drawn with Pillow from the very geometry the HTML's SVG uses (`diagram_layout.layout` of the
Mermaid text the Markdown carries), in the same colours: zones as bands (dashed outside the
organisation), boxes coloured by the data they hold or see, red arrows across the boundary,
numbered steps, the legend below. Its alt text names every zone, box and arrow. Labels need a font
with Chinese glyphs (`chart_png.cjk_font_path`); a Chinese diagram on a machine without one is not
drawn (the caller falls back to the editable grid), rather than drawn with empty boxes.
Pillow is imported here only, when a Word file is written.
"""

from __future__ import annotations

import io
import itertools
import math
from functools import cache
from typing import Any, cast

from agent.deliverables.arch_mermaid import Diagram, from_mermaid
from agent.deliverables.chart_png import cjk_font_path
from agent.deliverables.diagram_layout import LABEL_PX, TITLE_PX, Layout, layout
from agent.deliverables.diagram_svg import BOX_COLOURS, EDGE_COLOURS, ZONE_COLOURS, legend_lines

SCALE = 1.5
"""Pixels per layout unit: about 220 dpi across a page's text width, sharp in print."""
_WORDS = {
    "zh": {
        "caption": "图：系统架构（网络区域、部件与一次请求的处理步骤）；全部连接见下方“连接”表。",
        "alt": "架构图。",
        "zone": "网络区域“{}”：",
        "none": "（无部件）",
        "list": "、",
        "sep": "；",
        "end": "。",
        "arrows": "连接：",
        "arrow": "{} → {}（{}）",
    },
    "en": {
        "caption": "Figure: system architecture (network zones, components and the steps of one request); "
        "the connections table below lists every arrow.",
        "alt": "Architecture diagram. ",
        "zone": "Network zone “{}”: ",
        "none": "(no components)",
        "list": ", ",
        "sep": "; ",
        "end": ". ",
        "arrows": "Connections: ",
        "arrow": "{} → {} ({})",
    },
}


def words(lang: str) -> dict[str, str]:
    """The caption and alt-text words in the document's language."""
    return _WORDS["en" if lang == "en" else "zh"]


def alt_text(diagram: Diagram, lang: str) -> str:
    """What the picture shows, in words: every zone with its boxes, then every arrow with its label."""
    w = words(lang)
    names = {n.id: n.name for n in diagram.nodes}
    parts = [w["alt"]]
    for z in diagram.zones:
        members = [n.name for n in diagram.nodes if n.zone == z.id]
        parts.append(w["zone"].format(z.title) + (w["list"].join(members) or w["none"]) + w["end"])
    arrows = [w["arrow"].format(names[e.source], names[e.target], e.label) for e in diagram.edges]
    if arrows:
        parts.append(w["arrows"] + w["sep"].join(arrows) + w["end"])
    return "".join(parts).strip()


def _has_cjk(text: str) -> bool:
    return any(ord(ch) > 0x2E80 for ch in text)


def _needs_cjk(diagram: Diagram, lang: str) -> bool:
    texts = [z.title for z in diagram.zones] + [e.label for e in diagram.edges]
    texts += [t for n in diagram.nodes for t in (n.name, n.detail, n.tag)]
    return lang != "en" or any(_has_cjk(t) for t in texts)


@cache
def _font(px: float, path: str | None) -> Any:
    from PIL import ImageFont

    size = round(px * SCALE)
    if path is None:
        return ImageFont.load_default(size)
    # the basic layout: no shaping is needed for CJK and Latin labels, and raqm costs ten times more
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


STAND_INS = {"⚠": "△", "✗": "×"}
"""Signs a CJK font may lack, and the sign drawn instead (an empty box says nothing)."""
_NO_GLYPH = "\U000f0000"
"""A private-use character no font draws: what a missing glyph looks like."""


@cache
def _missing(ch: str, path: str | None) -> bool:
    """Does the font lack `ch` (it draws the same box as for a character no font has)?"""
    font = _font(10, path)
    return bytes(font.getmask(ch)) == bytes(font.getmask(_NO_GLYPH))


def _drawable(line: str, path: str | None) -> str:
    return "".join(STAND_INS[ch] if ch in STAND_INS and _missing(ch, path) else ch for ch in line)


class _Canvas:
    """Pillow drawing in layout units (scaled), with dashes and text kept within a width."""

    def __init__(self, width: float, height: float, font_path: str | None) -> None:
        from PIL import Image, ImageDraw

        self.image = Image.new("RGB", (round(width * SCALE), round(height * SCALE)), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.font_path = font_path
        self.colours: set[str] = {"#ffffff"}
        """Every colour drawn (`png` keeps them exact)."""

    def rect(
        self, r: tuple[float, float, float, float], fill: str, outline: str, radius: float, dash: int
    ) -> None:
        box = tuple(v * SCALE for v in r)
        self.colours |= {fill, outline}
        self.draw.rounded_rectangle(box, radius=radius * SCALE, fill=fill)
        if dash:
            x0, y0, x1, y1 = r
            self.polyline([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], outline, 1.2, dash)
        else:
            self.draw.rounded_rectangle(box, radius=radius * SCALE, outline=outline, width=round(1.3 * SCALE))

    def polyline(self, points: list[tuple[float, float]], colour: str, width: float, dash: int = 0) -> None:
        px = [(x * SCALE, y * SCALE) for x, y in points]
        self.colours.add(colour)
        w = max(1, round(width * SCALE))
        if not dash:
            self.draw.line(px, fill=colour, width=w, joint="curve")
            return
        on, off = dash * SCALE, dash * 0.8 * SCALE
        for (x0, y0), (x1, y1) in itertools.pairwise(px):
            length = math.hypot(x1 - x0, y1 - y0)
            t = 0.0
            while t < length:
                t1 = min(t + on, length)
                a, b = t / length, t1 / length
                self.draw.line(
                    [(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a), (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)],
                    fill=colour,
                    width=w,
                )
                t = t1 + off

    def arrowhead(self, p: tuple[float, float], q: tuple[float, float], colour: str) -> None:
        length = math.hypot(q[0] - p[0], q[1] - p[1]) or 1.0
        ux, uy = (q[0] - p[0]) / length, (q[1] - p[1]) / length
        bx, by = q[0] - ux * 9, q[1] - uy * 9
        pts = [q, (bx - uy * 4.5, by + ux * 4.5), (bx + uy * 4.5, by - ux * 4.5)]
        self.draw.polygon([(x * SCALE, y * SCALE) for x, y in pts], fill=colour)

    def text(
        self, x: float, y: float, line: str, px: float, colour: str, *, middle: bool = False, room: float = 0
    ) -> None:
        """`line` with its baseline at y (as SVG's text); shrunk to fit `room` when the font runs
        wider than the layout's estimate (the estimate is generous, so rarely)."""
        font = _font(px, self.font_path)
        line = _drawable(line, self.font_path)
        if room and font.getlength(line) > room * SCALE:
            font = _font(px * room * SCALE / font.getlength(line), self.font_path)
        anchor = "ms" if middle else "ls"
        self.colours.add(colour)
        self.draw.text((x * SCALE, y * SCALE), line, font=font, fill=colour, anchor=anchor)

    def png(self) -> bytes:
        """The picture as a palette PNG: its 256 commonest colours (the fills, strokes and most of
        the text's edges; a rarer edge pixel takes the nearest). Writing RGB costs three times more
        (the encoder tries five filters per row), and Pillow's own quantising ten times more."""
        from PIL import Image, ImageColor

        counted = self.image.getcolors(1 << 16)
        if counted is None:  # pragma: no cover - the drawing has a few thousand colours
            indexed = self.image.quantize(colors=256, dither=Image.Dither.NONE)
        else:
            # Pillow maps a pixel through a cache of 4×4×4 cells, so a text edge's colour close to
            # a fill would take the fill's pixels (white drawn as 252): the drawn colours come
            # first, and no other colour within 6 levels of one of them is kept
            drawn = [ImageColor.getrgb(c)[:3] for c in sorted(self.colours)]
            near = {
                (a >> 3, b >> 3, c >> 3)
                for r, g, b_ in drawn
                for a in (max(r - 6, 0), min(r + 6, 255))
                for b in (max(g - 6, 0), min(g + 6, 255))
                for c in (max(b_ - 6, 0), min(b_ + 6, 255))
            }
            kept: dict[tuple[int, int, int], None] = dict.fromkeys(drawn)
            for _n, colour in sorted(counted, reverse=True):
                r, g, b = cast("tuple[int, int, int]", colour)[:3]
                if (r >> 3, g >> 3, b >> 3) not in near:
                    near.add((r >> 3, g >> 3, b >> 3))  # one colour per 8×8×8 cell
                    kept.setdefault((r, g, b), None)
            commonest = [c for rgb in list(kept)[:256] for c in rgb]
            palette = Image.new("P", (1, 1))
            palette.putpalette(commonest + [0] * (768 - len(commonest)))
            indexed = self.image.quantize(palette=palette, dither=Image.Dither.NONE)
        out = io.BytesIO()
        indexed.save(out, format="PNG", compress_level=6)
        return out.getvalue()


def draw_png(lay: Layout, lang: str, font_path: str | None) -> bytes:
    """The laid-out diagram, with its legend below, as PNG bytes (the SVG's drawing, in Pillow)."""
    legend = legend_lines(lang)
    canvas = _Canvas(lay.width, lay.height + 10 + 15 * len(legend), font_path)
    for z in lay.zones:
        fill, stroke, dash = ZONE_COLOURS[z.zone.status]
        canvas.rect(z.rect, fill, stroke, 10, (8 if "8" in dash else 3) if dash else 0)
        for i, line in enumerate(z.title):
            canvas.text(z.title_rect[0], z.title_rect[1] + 14 + 17 * i, line, TITLE_PX, stroke)
    for eg in lay.edges:
        colour, width = EDGE_COLOURS[eg.edge.crossing]
        dashed = eg.edge.dashed or eg.edge.crossing == "unknown"
        canvas.polyline(eg.points, colour, width, 5 if dashed else 0)
        canvas.arrowhead(eg.points[-2], eg.points[-1], colour)
    for b in lay.boxes.values():
        fill, stroke = BOX_COLOURS[b.node.data]
        x0, y0, x1, y1 = b.rect
        canvas.rect(b.rect, fill, stroke, 6, 0)
        used = len(b.name) * 17 + len(b.detail) * 15 + len(b.tag) * 14
        y, mid, room = y0 + (y1 - y0 - used) / 2 + 13, (x0 + x1) / 2, x1 - x0 - 8
        for line in b.name:
            canvas.text(mid, y, line, 14, "#1f2933", middle=True, room=room)
            y += 17
        for line in b.detail:
            canvas.text(mid, y - 1, line, 12, "#3e4c59", middle=True, room=room)
            y += 15
        for line in b.tag:
            canvas.text(mid, y - 1, line, 11, stroke, middle=True, room=room)
            y += 14
    for eg in lay.edges:
        if eg.label_rect is None:
            continue
        x0, y0, x1, y1 = eg.label_rect
        colour = EDGE_COLOURS[eg.edge.crossing][0]
        canvas.draw.rounded_rectangle(tuple(v * SCALE for v in eg.label_rect), radius=3 * SCALE, fill="white")
        for i, line in enumerate(eg.label):
            canvas.text((x0 + x1) / 2, y0 + 12 + 13 * i, line, LABEL_PX, colour, middle=True, room=x1 - x0)
    for i, line in enumerate(legend):
        canvas.text(20, lay.height + 12 + 15 * i, line, LABEL_PX, "#52606d", room=lay.width - 30)
    return canvas.png()


def architecture_png(source: str, lang: str) -> tuple[bytes, float, str] | None:
    """(PNG bytes, height / width, alt text) of the diagram in `source` (Mermaid from
    `arch_mermaid.to_mermaid`); None when the text is not ours, or when its Chinese labels would
    need a font this machine lacks."""
    diagram = from_mermaid(source)
    if diagram is None:
        return None
    font = cjk_font_path()
    if font is None and _needs_cjk(diagram, lang):
        return None
    lay = layout(diagram)
    legend = legend_lines(lang)
    ratio = (lay.height + 10 + 15 * len(legend)) / lay.width
    return draw_png(lay, lang, font), ratio, alt_text(diagram, lang)


def add_architecture(
    document: Any, source: str, lang: str, text_width_cm: float, text_height_cm: float
) -> bool:
    """The diagram in `source` as a picture in `document` (as wide as the text, or as high as a page
    leaves room for), its alt text in the picture's description, its caption below; False (nothing
    added) when it cannot be drawn here."""
    from docx.shared import Cm, Pt

    drawn = architecture_png(source, lang)
    if drawn is None:
        return False
    png, ratio, alt = drawn
    width = min(text_width_cm, (text_height_cm - 1.8) / ratio)  # room for the caption on the page
    shape = document.add_picture(io.BytesIO(png), width=Cm(width))
    document.paragraphs[-1].paragraph_format.keep_with_next = True  # the caption goes with it
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", alt)
    doc_pr.set("title", words(lang)["caption"])
    caption = document.add_paragraph()
    run = caption.add_run(words(lang)["caption"])
    run.italic = True
    run.font.size = Pt(9)
    return True


__all__ = ["add_architecture", "alt_text", "architecture_png", "draw_png"]
