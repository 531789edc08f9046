"""Where the architecture diagram's boxes, zone titles, arrows and labels go: plain geometry that
`diagram_svg` draws and tests measure (no box, title or label overlaps another).

Zones are bands, top to bottom; inside a band the boxes stand in three columns (the column each
component takes is in `knowledge/templates/architecture.yaml`), rows as tall as their text. Arrows
run along the channels between columns and rows, never through a box or a zone title (a zone's
title sits left of the first channel between columns, and no horizontal channel runs through it).
Arrows sharing a channel are set a few pixels apart. Each label goes where it overlaps no box, title
or other label. Text is measured per character (CJK ≈ 1 em, Latin narrower) and wrapped, never cut.
"""

from __future__ import annotations

import heapq
import itertools
import re
from dataclasses import dataclass, field
from functools import cache

from agent.deliverables.arch_mermaid import Diagram, DiagramEdge, DiagramNode, DiagramZone
from agent.deliverables.architecture import component_columns

BOX_W, MIN_BOX_H = 200, 60
COL_GAP, ROW_GAP, ZONE_GAP = 100, 52, 38
X0 = 70
"""Left edge of column 0 (the first vertical channel runs at X0 - COL_GAP / 2)."""
WIDTH = X0 * 2 + 3 * BOX_W + 2 * COL_GAP
NAME_PX, DETAIL_PX, TAG_PX, LABEL_PX, TITLE_PX = 14, 12, 11, 11, 13
BEND = 60.0
"""Cost of a bend, in pixels of length: a longer straight route beats a short zigzag."""

Rect = tuple[float, float, float, float]
"""x0, y0, x1, y1."""
Point = tuple[float, float]

_NARROW = set("iljtfr.,:;'|!()[]/·-")
_NO_LINE_START = set("）」』】》〉、，。：；！？),.:;!?")


@cache
def text_width(text: str, px: float, bold: bool = False) -> float:
    """Estimated width of `text` in pixels: CJK and symbols 1 em, Latin by letter class (generous)."""
    em = 0.0
    for ch in text:
        o = ord(ch)
        if o >= 0x2000:
            em += 1.0
        elif ch == " ":
            em += 0.33
        elif ch in _NARROW:
            em += 0.4
        elif ch in "mwMW":
            em += 0.95
        elif ch.isupper() or ch.isdigit():
            em += 0.72
        else:
            em += 0.62
    return em * px * (1.08 if bold else 1.0)


def wrap(text: str, px: float, width: float, bold: bool = False, words: bool = False) -> list[str]:
    """Lines of at most `width` px (see `_wrap`); a copy of a cached result."""
    return list(_wrap(text, px, width, bold, words))


@cache
def _wrap(text: str, px: float, width: float, bold: bool, words: bool) -> tuple[str, ...]:
    """Lines of at most `width` px: Latin words whole where they fit, CJK broken between characters
    (`words`: broken only at spaces, unless a word alone is too long). Nothing is dropped."""
    lines, line = [], ""
    pattern = r"\S+|\s+" if words else r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+"
    for token in re.findall(pattern, text):
        if text_width(line + token, px, bold) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = token.lstrip()
        while text_width(line, px, bold) > width and len(line) > 1:  # a word longer than the line
            cut = len(line) - 1
            while cut > 1 and text_width(line[:cut], px, bold) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    # no line starts with closing punctuation ("）", "、"): the character before it moves down too
    for i in range(1, len(lines)):
        while lines[i][:1] in _NO_LINE_START and len(lines[i - 1]) > 1 and not lines[i - 1][-1].isspace():
            lines[i - 1], lines[i] = lines[i - 1][:-1], lines[i - 1][-1] + lines[i]
    return tuple(lines or [""])


@dataclass
class BoxGeom:
    node: DiagramNode
    rect: Rect
    col: int
    name: list[str]
    detail: list[str]
    tag: list[str]


@dataclass
class ZoneGeom:
    zone: DiagramZone
    rect: Rect
    title: list[str]
    title_rect: Rect


@dataclass
class EdgeGeom:
    edge: DiagramEdge
    points: list[Point]
    label: list[str] = field(default_factory=list)
    label_rect: Rect | None = None


@dataclass
class Layout:
    width: float
    height: float
    zones: list[ZoneGeom]
    boxes: dict[str, BoxGeom]
    edges: list[EdgeGeom]


def column_of(node_id: str) -> int:
    """The column a component's box stands in (repeated components: `sys1` → `sys`)."""
    cols = component_columns()
    return cols.get(node_id, cols.get(node_id.rstrip("0123456789"), 1))


def overlaps(a: Rect, b: Rect, pad: float = 0.0) -> bool:
    """Do two rectangles overlap (by more than touching)?"""
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def _box_text(n: DiagramNode) -> tuple[list[str], list[str], list[str], float]:
    inner = BOX_W - 16
    name = wrap(n.name, NAME_PX, inner, bold=True)
    detail = wrap(n.detail, DETAIL_PX, inner) if n.detail else []
    tag = wrap(n.tag, TAG_PX, inner) if n.tag else []
    height = 16 + len(name) * 17 + len(detail) * 15 + len(tag) * 14
    return name, detail, tag, max(MIN_BOX_H, height)


def _balance(stacks: dict[int, list[DiagramNode]]) -> None:
    """A column two or more boxes taller than a neighbouring one gives it its last boxes
    (a long list of integrated systems spreads over the zone instead of one tall stack)."""
    for _ in range(8):
        tall = max(stacks, key=lambda c: len(stacks[c]))
        short = min((c for c in stacks if abs(c - tall) == 1), key=lambda c: len(stacks[c]))
        # only repeated boxes move (sys1, sys2…): the request path keeps its column and order
        if len(stacks[tall]) - len(stacks[short]) < 2 or not stacks[tall][-1].id[-1].isdigit():
            return
        stacks[short].append(stacks[tall].pop())


def _place(diagram: Diagram) -> tuple[list[ZoneGeom], dict[str, BoxGeom], list[float], float]:
    """Zones as bands and boxes in columns; the y of every horizontal channel; the height."""
    zones, boxes, channels = [], {}, [12.0]
    y = 24.0
    title_w = X0 + BOX_W + COL_GAP / 2 - 10 - (X0 + 4)
    for z in diagram.zones:
        members = [n for n in diagram.nodes if n.zone == z.id]
        stacks: dict[int, list[DiagramNode]] = {0: [], 1: [], 2: []}
        for n in members:
            stacks[column_of(n.id)].append(n)
        _balance(stacks)
        title = wrap(z.title, TITLE_PX, title_w, bold=True)
        title_rect = (
            X0 + 4,
            y + 7,
            X0 + 4 + max(text_width(t, TITLE_PX, True) for t in title),
            y + 9 + 17 * len(title),
        )
        top = title_rect[3] + 10
        texts = {n.id: _box_text(n) for n in members}
        for r in range(max(len(s) for s in stacks.values())):
            row = [(c, s[r]) for c, s in stacks.items() if r < len(s)]
            h = max(texts[n.id][3] for _, n in row)
            for c, n in row:
                name, detail, tag, _ = texts[n.id]
                x = X0 + c * (BOX_W + COL_GAP)
                boxes[n.id] = BoxGeom(n, (x, top, x + BOX_W, top + h), c, name, detail, tag)
            top += h + ROW_GAP
            channels.append(top - ROW_GAP / 2)
        channels.pop()  # below the last row: the gap between zones is the channel
        bottom = top - ROW_GAP + 14
        zones.append(ZoneGeom(z, (6, y, WIDTH - 6, bottom), title, title_rect))
        channels.append(bottom + ZONE_GAP / 2)
        y = bottom + ZONE_GAP
    return zones, boxes, channels, y - ZONE_GAP + 24


def _vx(i: int) -> float:
    return X0 - COL_GAP / 2 + i * (BOX_W + COL_GAP)


class _Router:
    """Shortest routes along the channels (length plus a cost per bend; used segments cost more)."""

    def __init__(self, boxes: dict[str, BoxGeom], hys: list[float], titles: list[Rect]) -> None:
        self.boxes, self.hys, self.titles = boxes, sorted(hys), titles
        self.used: dict[tuple[Point, Point], int] = {}

    def _between(self, y0: float, y1: float) -> tuple[float, float]:
        above = max(h for h in self.hys if h <= y0)
        below = min(h for h in self.hys if h >= y1)
        return above, below

    def ports(self, b: BoxGeom) -> list[tuple[Point, Point, list[Point]]]:
        """(point on the box, point on a channel, the channel's two crossings around it)."""
        x0, y0, x1, y1 = b.rect
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        above, below = self._between(y0, y1)
        out = [
            ((x0, cy), (_vx(b.col), cy), [(_vx(b.col), above), (_vx(b.col), below)]),
            ((x1, cy), (_vx(b.col + 1), cy), [(_vx(b.col + 1), above), (_vx(b.col + 1), below)]),
            ((cx, y1), (cx, below), [(_vx(b.col), below), (_vx(b.col + 1), below)]),
        ]
        top = ((cx, y0), (cx, above), [(_vx(b.col), above), (_vx(b.col + 1), above)])
        if not any(overlaps((cx - 1, above, cx + 1, y0), t) for t in self.titles):
            out.append(top)
        return out

    def route(self, a: BoxGeom, b: BoxGeom) -> list[Point]:
        targets = {p[1]: p[0] for p in self.ports(b)}
        graph: dict[Point, set[Point]] = {}

        def join(p: Point, q: Point) -> None:
            graph.setdefault(p, set()).add(q)
            graph.setdefault(q, set()).add(p)

        for i in range(4):
            for h0, h1 in zip(self.hys, self.hys[1:], strict=False):
                join((_vx(i), h0), (_vx(i), h1))
        for h in self.hys:
            for i in range(3):
                join((_vx(i), h), (_vx(i + 1), h))
        for box in (a, b):
            for _, port, ends in self.ports(box):
                for end in ends:
                    join(port, end)
        # ports on one channel segment reach each other directly (a straight arrow)
        tports = list(targets)
        for _, port, ends in self.ports(a):
            for t in tports:
                if t[0] == port[0] == ends[0][0] and ends[0][1] <= t[1] <= ends[1][1]:
                    join(port, t)
                if t[1] == port[1] == ends[0][1] and min(ends[0][0], ends[1][0]) <= t[0] <= max(
                    ends[0][0], ends[1][0]
                ):
                    join(port, t)
        heap: list[tuple[float, int, Point, str, list[Point]]] = []
        for k, (edge_pt, port, _) in enumerate(self.ports(a)):
            d = "h" if edge_pt[1] == port[1] else "v"
            heapq.heappush(
                heap, (abs(edge_pt[0] - port[0]) + abs(edge_pt[1] - port[1]), k, port, d, [edge_pt, port])
            )
        seen: set[tuple[Point, str]] = set()
        n = 100
        while heap:
            cost, _, p, d, path = heapq.heappop(heap)
            if p in targets:
                self._mark([*path, targets[p]])
                return _simplify([*path, targets[p]])
            if (p, d) in seen:
                continue
            seen.add((p, d))
            for q in graph.get(p, ()):
                nd = "h" if q[1] == p[1] else "v"
                step = abs(q[0] - p[0]) + abs(q[1] - p[1])
                step *= 1 + 2 * self.used.get((min(p, q), max(p, q)), 0)
                end_bend = BEND if q in targets and (nd == "h") != (targets[q][1] == q[1]) else 0.0
                n += 1
                heapq.heappush(
                    heap, (cost + step + (BEND if nd != d else 0.0) + end_bend, n, q, nd, [*path, q])
                )
        raise ValueError("no route")  # cannot happen: the channel grid is connected

    def _mark(self, path: list[Point]) -> None:
        for p, q in itertools.pairwise(path):
            key = (min(p, q), max(p, q))
            self.used[key] = self.used.get(key, 0) + 1


def _simplify(path: list[Point]) -> list[Point]:
    out: list[Point] = []
    for p in path:
        if out and p == out[-1]:
            continue
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == p[0] or out[-2][1] == out[-1][1] == p[1]):
            out[-1] = p
        else:
            out.append(p)
    return out


def _segments(points: list[Point]) -> list[tuple[Point, Point]]:
    return list(itertools.pairwise(points))


def _shift(points: list[Point], o: float) -> list[Point]:
    """The route moved `o` px across its own direction (x for vertical runs, y for horizontal)."""
    out = []
    for i, (x, y) in enumerate(points):
        near = [
            s
            for s in (
                (points[i - 1], (x, y)) if i else None,
                ((x, y), points[i + 1]) if i + 1 < len(points) else None,
            )
            if s
        ]
        vertical = any(p[0] == q[0] for p, q in near)
        horizontal = any(p[1] == q[1] for p, q in near)
        out.append((x + (o if vertical else 0), y + (o if horizontal else 0)))
    return out


def _on_segment_keys(points: list[Point]) -> set[tuple[str, float, int]]:
    """Channel runs a route uses, coarse: direction, coordinate, and a 20 px bucket along it."""
    keys = set()
    for (x0, y0), (x1, y1) in _segments(points):
        if x0 == x1:
            keys |= {("v", x0, int(k)) for k in range(int(min(y0, y1)) // 20, int(max(y0, y1)) // 20 + 1)}
        else:
            keys |= {("h", y0, int(k)) for k in range(int(min(x0, x1)) // 20, int(max(x0, x1)) // 20 + 1)}
    return keys


def _label_candidates(points: list[Point], text: str) -> list[tuple[list[str], Rect]]:
    """Places for an arrow's label, best first: centred on its longest runs, then beside them."""
    out = []
    segs = sorted(_segments(points), key=lambda s: -(abs(s[1][0] - s[0][0]) + abs(s[1][1] - s[0][1])))
    fractions = (0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9, 0.45, 0.55, 0.3, 0.7, 0.05, 0.95)
    for side in (0, 1, -1):
        for (x0, y0), (x1, y1) in segs:
            length = abs(x1 - x0) + abs(y1 - y0)
            horizontal = y0 == y1
            widths = [min(length - 10, 240), 120] if horizontal else [COL_GAP - 12, 180]
            for f in fractions:
                mx, my = x0 + (x1 - x0) * f, y0 + (y1 - y0) * f
                for w in widths:
                    if w < 40:
                        continue
                    lines = wrap(text, LABEL_PX, w, words=True)
                    lw = max(text_width(line, LABEL_PX) for line in lines) + 8
                    lh = len(lines) * 13 + 4
                    cx = mx + (side * (lw / 2 + 3) if not horizontal else 0)
                    cy = my + (side * (lh / 2 + 3) if horizontal else 0)
                    # kept within the picture: a label at the edge slides inwards along its line
                    left = min(max(cx - lw / 2, 4.0), WIDTH - 4 - lw)
                    out.append((lines, (left, cy - lh / 2, left + lw, cy + lh / 2)))
    return out


def layout(diagram: Diagram) -> Layout:
    """Place zones, boxes, routes and labels."""
    zones, boxes, hys, height = _place(diagram)
    titles = [z.title_rect for z in zones]
    router = _Router(boxes, hys, titles)
    edges: list[EdgeGeom] = []
    taken: list[tuple[set[tuple[str, float, int]], float]] = []
    for e in diagram.edges:
        route = router.route(boxes[e.source], boxes[e.target])
        keys = _on_segment_keys(route)
        clash = [o for k, o in taken if k & keys]
        offset = next(o for o in (0, 8, -8, 16, -16, 24, -24, 32) if o not in clash)
        taken.append((_on_segment_keys(route), offset))
        edges.append(EdgeGeom(e, _shift(route, offset)))
    obstacles: list[Rect] = [b.rect for b in boxes.values()] + titles
    for eg in edges:
        best: tuple[float, list[str], Rect] | None = None
        for lines, rect in _label_candidates(eg.points, eg.edge.label):
            inside = rect[0] >= 2 and rect[2] <= WIDTH - 2 and rect[1] >= 2 and rect[3] <= height - 2
            bad = sum(1 for o in obstacles if overlaps(rect, o, 2)) + (0 if inside else 1)
            if best is None or bad < best[0]:
                best = (bad, lines, rect)
            if bad == 0:
                break
        if best is not None:
            eg.label, eg.label_rect = best[1], best[2]
            obstacles.append(best[2])
    return Layout(WIDTH, height, zones, boxes, edges)
