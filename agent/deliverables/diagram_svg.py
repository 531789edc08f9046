"""The architecture diagram as inline SVG (HTML) and as a grid of framed cells (DOCX), drawn from
the Mermaid text the Markdown carries (`arch_mermaid.from_mermaid`) with the geometry of
`diagram_layout`: network zones as bands, boxes coloured by the data they hold or see, arrows that
leave the organisation in red, numbered steps of one request. No scripts, no network. Mermaid text
this module did not write yields None: the caller then shows the source and the tables only.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from agent.deliverables.arch_mermaid import from_mermaid
from agent.deliverables.diagram_layout import (
    LABEL_PX,
    TITLE_PX,
    WIDTH,
    BoxGeom,
    Layout,
    layout,
    text_width,
    wrap,
)

ZONE_COLOURS = {
    "inside": ("#f5f7fa", "#1f3a5f", ""),
    "outside": ("#fff7ed", "#c2410c", ' stroke-dasharray="8 4"'),
    "unknown": ("#fafafa", "#7b8794", ' stroke-dasharray="3 3"'),
}
BOX_COLOURS = {"holds": ("#fdecea", "#b42318"), "sees": ("#fff4e5", "#b54708"), "": ("#ffffff", "#52606d")}
EDGE_COLOURS = {"outside": ("#b42318", 2.4), "unknown": ("#b54708", 2.0), "inside": ("#52606d", 1.4)}
LEGEND = {
    "zh": "图例：红框＝存有个人信息或机密数据；橙框＝经手此类数据；红色箭头＝跨越本单位边界；"
    "橙色虚线箭头＝是否跨越待确认；①②③＝一次请求的处理顺序；虚线框＝本单位以外或归属待确认的网络区域。",
    "en": "Legend: red box = holds personal or confidential data; orange box = sees such data; red arrow = "
    "crosses the organisation boundary; orange dashed arrow = may cross it (to be confirmed); ①②③ = the steps "
    "of one request; dashed zone = outside the organisation or not yet known.",
}


def legend_lines(lang: str) -> list[str]:
    """The legend under the diagram, wrapped to its width."""
    return wrap(LEGEND["en" if lang == "en" else "zh"], LABEL_PX, WIDTH - 40)


def _arrowhead(p: tuple[float, float], q: tuple[float, float], colour: str) -> str:
    length = math.hypot(q[0] - p[0], q[1] - p[1]) or 1.0
    ux, uy = (q[0] - p[0]) / length, (q[1] - p[1]) / length
    bx, by = q[0] - ux * 9, q[1] - uy * 9
    pts = [q, (bx - uy * 4.5, by + ux * 4.5), (bx + uy * 4.5, by - ux * 4.5)]
    return '<polygon points="{}" fill="{}"/>'.format(" ".join(f"{x:.1f},{y:.1f}" for x, y in pts), colour)


def _text(x: float, y: float, line: str, px: int, colour: str, extra: str = "") -> str:
    return f'<text x="{x:.0f}" y="{y:.0f}" font-size="{px}" fill="{colour}"{extra}>{html.escape(line)}</text>'


def _box(b: BoxGeom) -> list[str]:
    x0, y0, x1, y1 = b.rect
    fill, stroke = BOX_COLOURS[b.node.data]
    tip = " · ".join(t for t in (b.node.name, b.node.detail, b.node.tag) if t)
    out = [
        f"<g><title>{html.escape(tip)}</title>"
        f'<rect x="{x0:.0f}" y="{y0:.0f}" width="{x1 - x0:.0f}" height="{y1 - y0:.0f}" rx="6" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="1.3"/>'
    ]
    used = len(b.name) * 17 + len(b.detail) * 15 + len(b.tag) * 14
    y = y0 + (y1 - y0 - used) / 2 + 13
    mid = ' text-anchor="middle"'
    for line in b.name:
        out.append(_text((x0 + x1) / 2, y, line, 14, "#1f2933", mid + ' font-weight="bold"'))
        y += 17
    for line in b.detail:
        out.append(_text((x0 + x1) / 2, y - 1, line, 12, "#3e4c59", mid))
        y += 15
    for line in b.tag:
        out.append(_text((x0 + x1) / 2, y - 1, line, 11, stroke, mid))
        y += 14
    out.append("</g>")
    return out


def svg_from_layout(lay: Layout, title: str, lang: str) -> str:
    """The SVG text of a laid-out diagram, with the legend below it."""
    legend = legend_lines(lang)
    height = lay.height + 10 + 15 * len(legend)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {lay.width:.0f} {height:.0f}" '
        f'role="img" aria-label="{html.escape(title)}" class="diagram">'
    ]
    for z in lay.zones:
        fill, stroke, dash = ZONE_COLOURS[z.zone.status]
        x0, y0, x1, y1 = z.rect
        out.append(
            f'<rect x="{x0:.0f}" y="{y0:.0f}" width="{x1 - x0:.0f}" height="{y1 - y0:.0f}" rx="10" '
            f'fill="{fill}" stroke="{stroke}"{dash}/>'
        )
        for i, line in enumerate(z.title):
            y = z.title_rect[1] + 14 + 17 * i
            out.append(_text(z.title_rect[0], y, line, TITLE_PX, stroke, ' font-weight="bold"'))
    for eg in lay.edges:
        colour, width = EDGE_COLOURS[eg.edge.crossing]
        dash = ' stroke-dasharray="5 4"' if eg.edge.dashed or eg.edge.crossing == "unknown" else ""
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in eg.points)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/>')
        out.append(_arrowhead(eg.points[-2], eg.points[-1], colour))
    for b in lay.boxes.values():
        out += _box(b)
    for eg in lay.edges:
        if eg.label_rect is None:
            continue
        x0, y0, x1, y1 = eg.label_rect
        colour = EDGE_COLOURS[eg.edge.crossing][0]
        out.append(
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" rx="3" '
            'fill="#ffffff" fill-opacity="0.94"/>'
        )
        for i, line in enumerate(eg.label):
            out.append(
                _text((x0 + x1) / 2, y0 + 12 + 13 * i, line, LABEL_PX, colour, ' text-anchor="middle"')
            )
    for i, line in enumerate(legend):
        out.append(_text(20, lay.height + 12 + 15 * i, line, LABEL_PX, "#52606d"))
    out.append("</svg>")
    return "".join(out)


def architecture_svg(source: str, title: str, lang: str = "zh") -> str | None:
    """Inline SVG of the architecture in `source` (Mermaid from `to_mermaid`), or None."""
    diagram = from_mermaid(source)
    if diagram is None:
        return None
    return svg_from_layout(layout(diagram), title, lang)


@dataclass
class GridCell:
    """One cell of the diagram as a grid (for Word, which draws no SVG): a zone title, a box or an arrow."""

    kind: str
    """`zone` (a zone's title row), `box` (a component), `arrow` (an arrow with its label) or `empty`."""
    text: str = ""
    detail: str = ""
    inside: bool = False
    """A zone inside the organisation (shaded); for a box: it holds or sees classified data."""


def architecture_grid(source: str, lang: str) -> tuple[str, list[list[GridCell]]] | None:
    """The same zones and columns as the SVG, as rows of five cells: per zone a title row, then its
    boxes in columns 0, 2 and 4 with the arrows between neighbours in the cells between them (the
    connections table that follows lists every arrow). None when the text is not ours."""
    diagram = from_mermaid(source)
    if diagram is None:
        return None
    lay = layout(diagram)
    rows: list[list[GridCell]] = []
    where: dict[str, tuple[int, int]] = {}
    for z in lay.zones:
        rows.append(
            [GridCell("zone", z.zone.title, inside=z.zone.status == "inside")] + [GridCell("empty")] * 4
        )
        boxes = [b for b in lay.boxes.values() if b.node.zone == z.zone.id]
        tops = sorted({b.rect[1] for b in boxes})
        base = len(rows)
        rows += [[GridCell("empty") for _ in range(5)] for _ in range(2 * len(tops) - 1)]
        for b in boxes:
            r = base + 2 * tops.index(b.rect[1])
            detail = "\n".join(t for t in (b.node.detail, b.node.tag) if t)
            rows[r][2 * b.col] = GridCell("box", b.node.name, detail, inside=bool(b.node.data))
            where[b.node.id] = (r, 2 * b.col)
    for e in diagram.edges:
        (ra, ca), (rb, cb) = where[e.source], where[e.target]
        if ra == rb and abs(ca - cb) == 2:
            rows[ra][(ca + cb) // 2] = GridCell("arrow", f"{e.label} →" if cb > ca else f"← {e.label}")
        elif ca == cb and abs(ra - rb) == 2 and rows[(ra + rb) // 2][ca].kind == "empty":
            rows[(ra + rb) // 2][ca] = GridCell("arrow", ("↓ " if rb > ra else "↑ ") + e.label)
    return lay.zones[0].zone.title if lay.zones else "", rows


__all__ = [
    "GridCell",
    "architecture_grid",
    "architecture_svg",
    "legend_lines",
    "svg_from_layout",
    "text_width",
]
