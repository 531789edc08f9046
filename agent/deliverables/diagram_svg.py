"""The architecture diagram as inline SVG, so a browser draws it without scripts or a network.

Input is the Mermaid source `architecture.to_mermaid` writes (the only diagram the documents
carry). The layout is fixed by component role: the request path runs down the middle (users,
interface, gateway, application, model), retrieval and monitoring sit to its right inside the
deployment boundary, data sources below the knowledge base, integrated systems and human review to
the left outside the boundary. Anything the layout does not know yields None: the caller then
shows the source and the tables only.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

BOX_W, BOX_H = 210, 62
COL_GAP, ROW_GAP = 70, 42
MARGIN = 24
NAME_PX, DETAIL_PX = 14, 12

_UNESCAPE = {"#quot;": '"', "#91;": "[", "#93;": "]", "#lt;": "<", "#gt;": ">", "#96;": "`", "#124;": "|"}
_NODE = re.compile(r'^\s*(\w+)\["(.*)<br/>(.*)"\]$')
_SUBGRAPH = re.compile(r'^\s*subgraph \w+\["(.*)"\]$')
_EDGE = re.compile(r'^\s*(\w+) -- "(.*)" --> (\w+)$')
_DASHED = re.compile(r"^\s*(\w+) -\. (.*) \.-> (\w+)$")
_KNOWN = {"users", "ui", "guard", "app", "llm", "retriever", "kb", "data", "review", "monitor"}


@dataclass
class _Node:
    id: str
    name: str
    detail: str
    inside: bool
    col: int = 0
    row: int = 0


def _unescape(text: str) -> str:
    for code, ch in _UNESCAPE.items():
        text = text.replace(code, ch)
    return text


def _parse(source: str) -> tuple[str, dict[str, _Node], list[tuple[str, str, str, bool]]] | None:
    boundary = ""
    nodes: dict[str, _Node] = {}
    edges: list[tuple[str, str, str, bool]] = []
    inside = False
    for line in source.splitlines()[1:]:
        if m := _SUBGRAPH.match(line):
            boundary, inside = _unescape(m.group(1)), True
        elif line.strip() == "end":
            inside = False
        elif m := _NODE.match(line):
            nodes[m.group(1)] = _Node(m.group(1), _unescape(m.group(2)), _unescape(m.group(3)), inside)
        elif m := _EDGE.match(line):
            edges.append((m.group(1), m.group(3), _unescape(m.group(2)), False))
        elif m := _DASHED.match(line):
            edges.append((m.group(1), m.group(3), _unescape(m.group(2)), True))
        elif line.strip():
            return None
    if not nodes or any(n not in _KNOWN and not re.fullmatch(r"sys\d+", n) for n in nodes):
        return None
    if any(a not in nodes or b not in nodes for a, b, _, _ in edges):
        return None
    return boundary, nodes, edges


def _layout(nodes: dict[str, _Node]) -> None:
    """Columns 0 (outside, left), 1 (the request path) and 2 (beside it); rows top to bottom."""
    row = 0
    for nid in ("users", "ui", "guard", "app", "llm"):
        if nid in nodes:
            nodes[nid].col, nodes[nid].row = 1, row
            row += 1
    app_row = nodes["app"].row if "app" in nodes else 1
    llm_row = nodes["llm"].row if "llm" in nodes else app_row + 1
    for nid, col, r in (
        ("monitor", 2, nodes["ui"].row if "ui" in nodes else 1),
        ("retriever", 2, app_row),
        ("kb", 2, llm_row),
        ("data", 2, llm_row + 1),
    ):
        if nid in nodes:
            nodes[nid].col, nodes[nid].row = col, r
    side = sorted((n for n in nodes if n.startswith("sys")), key=lambda n: int(n[3:]))
    side += ["review"] if "review" in nodes else []
    first = nodes["ui"].row if "ui" in nodes else 1
    for i, nid in enumerate(side):
        nodes[nid].col, nodes[nid].row = 0, first + i


def _width(text: str, px: int) -> float:
    return sum(px if ord(ch) > 0x2E80 else px * 0.58 for ch in text)


def _wrap(text: str, px: int, width: float, max_lines: int) -> list[str]:
    """Lines of at most `width` px: Latin words kept whole where they fit, Chinese broken anywhere;
    an ellipsis ends the last line when the text runs longer."""
    lines, line = [], ""
    for token in re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+", text):
        if _width(line + token, px) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = token.lstrip()
        while _width(line, px) > width:  # a word longer than the box: break it
            cut = max(1, int(len(line) * width / _width(line, px)))
            lines.append(line[:cut])
            line = line[cut:]
    lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and _width(last + "…", px) > width:
            last = last[:-1]
        lines[-1] = last.rstrip(" ,·、，") + "…"
    return lines


def _xy(node: _Node) -> tuple[float, float]:
    return MARGIN + node.col * (BOX_W + COL_GAP), MARGIN + 20 + node.row * (BOX_H + ROW_GAP)


def _anchor(a: _Node, b: _Node) -> tuple[float, float, float, float]:
    """Where an arrow from `a` to `b` leaves and arrives: box sides facing each other."""
    ax, ay = _xy(a)
    bx, by = _xy(b)
    if a.col == b.col:
        if a.row < b.row:
            return ax + BOX_W / 2, ay + BOX_H, bx + BOX_W / 2, by
        return ax + BOX_W / 2, ay, bx + BOX_W / 2, by + BOX_H
    if a.col < b.col:
        return ax + BOX_W, ay + BOX_H / 2, bx, by + BOX_H / 2
    return ax, ay + BOX_H / 2, bx + BOX_W, by + BOX_H / 2


def _arrowhead(sx: float, sy: float, tx: float, ty: float) -> str:
    """A filled arrowhead at (tx, ty) pointing along the line (no markers: nothing to reference)."""
    import math

    length = math.hypot(tx - sx, ty - sy) or 1.0
    ux, uy = (tx - sx) / length, (ty - sy) / length
    bx, by = tx - ux * 9, ty - uy * 9
    points = [(tx, ty), (bx - uy * 4.5, by + ux * 4.5), (bx + uy * 4.5, by - ux * 4.5)]
    return '<polygon points="{}" fill="#52606d"/>'.format(" ".join(f"{x:.1f},{y:.1f}" for x, y in points))


def _laid_out(source: str) -> tuple[str, dict[str, _Node], list[tuple[str, str, str, bool]], int] | None:
    """`_parse` then `_layout`: boundary, placed nodes, edges and the number of rows; None if unknown."""
    parsed = _parse(source)
    if parsed is None:
        return None
    boundary, nodes, edges = parsed
    _layout(nodes)
    return boundary, nodes, edges, max(n.row for n in nodes.values()) + 1


def architecture_svg(source: str, title: str) -> str | None:
    """Inline SVG of the architecture in `source` (Mermaid from `to_mermaid`), or None."""
    parsed = _laid_out(source)
    if parsed is None:
        return None
    boundary, nodes, edges, rows = parsed
    width = MARGIN * 2 + 3 * BOX_W + 2 * COL_GAP
    height = MARGIN * 2 + 20 + rows * (BOX_H + ROW_GAP)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'role="img" aria-label="{html.escape(title)}" class="diagram">',
    ]
    inside = [n for n in nodes.values() if n.inside]
    if inside:
        x0 = min(_xy(n)[0] for n in inside) - 14
        y0 = min(_xy(n)[1] for n in inside) - 30
        x1 = max(_xy(n)[0] for n in inside) + BOX_W + 14
        y1 = max(_xy(n)[1] for n in inside) + BOX_H + 14
        out.append(
            f'<rect x="{x0:.0f}" y="{y0:.0f}" width="{x1 - x0:.0f}" height="{y1 - y0:.0f}" rx="10" '
            'fill="#f5f7fa" stroke="#1f3a5f" stroke-dasharray="6 4"/>'
            f'<text x="{x0 + 10:.0f}" y="{y0 + 19:.0f}" font-size="13" font-weight="bold" '
            f'fill="#1f3a5f">{html.escape(boundary)}</text>'
        )
    labels = []
    for a, b, label, dashed in edges:
        sx, sy, tx, ty = _anchor(nodes[a], nodes[b])
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        out.append(
            f'<line x1="{sx:.0f}" y1="{sy:.0f}" x2="{tx:.0f}" y2="{ty:.0f}" stroke="#52606d" '
            f'stroke-width="1.4"{dash}/>{_arrowhead(sx, sy, tx, ty)}'
        )
        if label:
            mx, my = sx + (tx - sx) * 0.55, sy + (ty - sy) * 0.55
            text = _wrap(label, 11, 200, 1)[0]
            w = _width(text, 11) + 8
            labels.append(
                f'<rect x="{mx - w / 2:.0f}" y="{my - 9:.0f}" width="{w:.0f}" height="16" rx="3" '
                f'fill="#ffffff" opacity="0.9"/><text x="{mx:.0f}" y="{my + 3:.0f}" font-size="11" '
                f'text-anchor="middle" fill="#52606d">{html.escape(text)}</text>'
            )
    for n in nodes.values():
        x, y = _xy(n)
        fill, stroke = ("#e4e7eb", "#1f3a5f") if n.inside else ("#ffffff", "#7b8794")
        tip = f"{n.name}: {n.detail}" if n.detail else n.name
        out.append(
            f"<g><title>{html.escape(tip)}</title>"
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" stroke="{stroke}"/>'
        )
        # Three lines fit a box: the name on one (two when long), the detail on the rest.
        names = _wrap(n.name, NAME_PX, BOX_W - 16, 2)
        details = _wrap(n.detail, DETAIL_PX, BOX_W - 16, 3 - len(names)) if n.detail else []
        top = y + (22 if len(names) + len(details) < 3 else 18)
        for i, line in enumerate(names):
            out.append(
                f'<text x="{x + BOX_W / 2:.0f}" y="{top + i * 16:.0f}" font-size="{NAME_PX}" font-weight="bold" '
                f'text-anchor="middle" fill="#1f2933">{html.escape(line)}</text>'
            )
        for i, line in enumerate(details):
            out.append(
                f'<text x="{x + BOX_W / 2:.0f}" y="{top + len(names) * 16 + 2 + i * 15:.0f}" '
                f'font-size="{DETAIL_PX}" text-anchor="middle" fill="#3e4c59">{html.escape(line)}</text>'
            )
        out.append("</g>")
    out += labels
    out.append("</svg>")
    return "".join(out)


@dataclass
class GridCell:
    """One cell of the diagram as a grid (for Word, which draws no SVG): a box or an arrow."""

    kind: str
    """`box` (a component), `arrow` (an arrow with its label) or `empty`."""
    text: str = ""
    detail: str = ""
    inside: bool = False
    """Within the deployment boundary (boxes, and the space between them)."""


def architecture_grid(source: str, lang: str) -> tuple[str, list[list[GridCell]]] | None:
    """The same layout as `architecture_svg`, as rows of five cells: boxes in columns 0, 2 and 4,
    arrows in the gaps and in the rows between boxes. An arrow whose ends are not neighbours
    names the far end ('← 接口调用（来自应用服务）'). None when the layout does not know the diagram."""
    parsed = _laid_out(source)
    if parsed is None:
        return None
    boundary, nodes, edges, rows = parsed
    grid = [[GridCell("empty") for _ in range(5)] for _ in range(2 * rows - 1)]
    inside_rows = [n.row for n in nodes.values() if n.inside]
    if inside_rows:
        for r in range(2 * min(inside_rows), 2 * max(inside_rows) + 1):
            for c in (2, 3, 4):
                grid[r][c].inside = True
    for n in nodes.values():
        grid[2 * n.row][2 * n.col] = GridCell("box", n.name, n.detail, n.inside)
    notes: dict[tuple[int, int], dict[str, list[str]]] = {}
    for a, b, label, _dashed in edges:
        na, nb = nodes[a], nodes[b]
        if na.col == nb.col and abs(na.row - nb.row) == 1:
            at, text, far_end = (na.row + nb.row, 2 * na.col), ("↓ " if nb.row > na.row else "↑ ") + label, ""
        elif na.row == nb.row and abs(na.col - nb.col) == 1:
            at, text, far_end = (
                (2 * na.row, na.col + nb.col),
                f"{label} →" if nb.col > na.col else f"← {label}",
                "",
            )
        else:
            # Not neighbours: noted in the gap beside the end off the request path, naming the other.
            far, near = (nb, na) if nb.col != 1 else (na, nb)
            leftwards = (far is nb) == (far.col == 0)
            at = (2 * far.row, 1 if far.col == 0 else 3)
            text, far_end = (f"← {label}" if leftwards else f"{label} →"), near.name
        notes.setdefault(at, {}).setdefault(text, [])
        if far_end:
            notes[at][text].append(far_end)
    sep = "、" if lang == "zh" else ", "
    for (r, c), texts in notes.items():
        lines = [
            (f"{text}（来自{sep.join(ends)}）" if lang == "zh" else f"{text} (from {sep.join(ends)})")
            if ends
            else text
            for text, ends in texts.items()
        ]
        grid[r][c] = GridCell("arrow", "\n".join(lines), inside=grid[r][c].inside)
    return boundary, grid
