"""The architecture as a Mermaid flowchart, and read back from it.

The Markdown carries the diagram only as Mermaid; the HTML and DOCX renderers draw their own
picture from that text (`diagram_svg`), so the writer and the reader live together and a test
checks the round trip. Zones are subgraphs (a `style` line gives their side of the organisation
boundary), each box's label is name / detail / data classification, `class` lines mark the boxes
that hold or see personal or confidential data, and `linkStyle` lines mark the arrows that cross
the boundary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.deliverables.architecture import Architecture, arrow_text, data_tag

_MERMAID_ESCAPES = {
    '"': "#quot;",
    "[": "#91;",
    "]": "#93;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    "|": "#124;",
}
ZONE_STYLES = {
    "inside": "fill:#f5f7fa,stroke:#1f3a5f",
    "outside": "fill:#fff7ed,stroke:#c2410c,stroke-dasharray:6 4",
    "unknown": "fill:#fafafa,stroke:#7b8794,stroke-dasharray:2 3",
}
LINK_STYLES = {
    "outside": "stroke:#b42318,stroke-width:2.5px",
    "unknown": "stroke:#b54708,stroke-width:2px,stroke-dasharray:5 3",
}
INIT = '%%{init: {"flowchart": {"subGraphTitleMargin": {"top": 4, "bottom": 22}}}}%%'
"""Room under each zone's title, so Mermaid's own layout puts no arrow label over it."""
CLASS_DEFS = {
    "holds": "fill:#fdecea,stroke:#b42318",
    "sees": "fill:#fff4e5,stroke:#b54708",
}


def _q(text: str) -> str:
    """Label text made inert in Mermaid (and unable to close the Markdown fence)."""
    return "".join(_MERMAID_ESCAPES.get(ch, ch) for ch in " ".join(text.split()))


def _unescape(text: str) -> str:
    for ch, code in _MERMAID_ESCAPES.items():
        text = text.replace(code, ch)
    return text


def to_mermaid(arch: Architecture, lang: str = "zh") -> str:
    """A Mermaid flowchart: one subgraph per network zone, classification and crossings styled."""
    lines = [INIT, "flowchart TB"]
    for z in arch.zones:
        lines.append(f'    subgraph z_{z.id}["{_q(z.title)}"]')
        for c in arch.components:
            if c.zone == z.id:
                parts = [c.name, c.detail] + ([tag] if (tag := data_tag(c, lang)) else [])
                lines.append(f'        {c.id}["{"<br/>".join(_q(p) for p in parts)}"]')
        lines.append("    end")
    for e in arch.connections:
        label = _q(arrow_text(e, lang))
        lines.append(
            f"    {e.source} -. {label} .-> {e.target}"
            if e.dashed
            else f'    {e.source} -- "{label}" --> {e.target}'
        )
    for kind, style in CLASS_DEFS.items():
        members = [
            c.id for c in arch.components if (c.holds if kind == "holds" else (c.sees and not c.holds))
        ]
        if members:
            lines.append(f"    classDef {kind} {style}")
            lines.append(f"    class {','.join(members)} {kind}")
    for z in arch.zones:
        lines.append(f"    style z_{z.id} {ZONE_STYLES[z.status]}")
    for i, e in enumerate(arch.connections):
        if e.crossing != "inside":
            lines.append(f"    linkStyle {i} {LINK_STYLES[e.crossing]}")
    return "\n".join(lines)


@dataclass
class DiagramNode:
    """A box as read back from the Mermaid text."""

    id: str
    name: str
    detail: str
    zone: str
    tag: str = ""
    """The data-classification line ('存：个人信息'), empty when none."""
    data: str = ""
    """`holds`, `sees` or empty."""


@dataclass
class DiagramEdge:
    """An arrow as read back from the Mermaid text."""

    source: str
    target: str
    label: str
    dashed: bool = False
    crossing: str = "inside"


@dataclass
class DiagramZone:
    """A zone as read back: id (without the `z_` prefix), title and status."""

    id: str
    title: str
    status: str = "inside"


@dataclass
class Diagram:
    """What the Mermaid text says, for a renderer that draws it itself."""

    zones: list[DiagramZone] = field(default_factory=list)
    nodes: list[DiagramNode] = field(default_factory=list)
    edges: list[DiagramEdge] = field(default_factory=list)


_SUBGRAPH = re.compile(r'^subgraph z_(\w+)\["(.*)"\]$')
_NODE = re.compile(r'^(\w+)\["(.*)"\]$')
_EDGE = re.compile(r'^(\w+) -- "(.*)" --> (\w+)$')
_DASHED = re.compile(r"^(\w+) -\. (.*) \.-> (\w+)$")
_CLASS = re.compile(r"^class ([\w,]+) (holds|sees)$")
_STYLE = re.compile(r"^style z_(\w+) (.*)$")
_LINK = re.compile(r"^linkStyle (\d+) (.*)$")


def from_mermaid(source: str) -> Diagram | None:
    """The diagram `to_mermaid` wrote; None for any other Mermaid text (the caller shows the source)."""
    lines = [line.strip() for line in source.splitlines()]
    if lines and lines[0] == INIT:
        lines = lines[1:]
    if not lines or lines[0] != "flowchart TB":
        return None
    diagram = Diagram()
    zone: DiagramZone | None = None
    statuses = {style: status for status, style in ZONE_STYLES.items()}
    crossings = {style: status for status, style in LINK_STYLES.items()}
    for line in lines[1:]:
        if not line or line.startswith("classDef "):
            continue
        if m := _SUBGRAPH.match(line):
            zone = DiagramZone(m.group(1), _unescape(m.group(2)))
            diagram.zones.append(zone)
        elif line == "end":
            zone = None
        elif zone is not None and (m := _NODE.match(line)):
            parts = [_unescape(p) for p in m.group(2).split("<br/>")] + ["", ""]
            diagram.nodes.append(DiagramNode(m.group(1), parts[0], parts[1], zone.id, tag=parts[2]))
        elif m := _EDGE.match(line):
            diagram.edges.append(DiagramEdge(m.group(1), m.group(3), _unescape(m.group(2))))
        elif m := _DASHED.match(line):
            diagram.edges.append(DiagramEdge(m.group(1), m.group(3), _unescape(m.group(2)), dashed=True))
        elif m := _CLASS.match(line):
            for node in diagram.nodes:
                if node.id in m.group(1).split(","):
                    node.data = m.group(2)
        elif (m := _STYLE.match(line)) and m.group(2) in statuses:
            for z in diagram.zones:
                if z.id == m.group(1):
                    z.status = statuses[m.group(2)]
        elif (m := _LINK.match(line)) and m.group(2) in crossings and int(m.group(1)) < len(diagram.edges):
            diagram.edges[int(m.group(1))].crossing = crossings[m.group(2)]
        else:
            return None
    ids = {n.id for n in diagram.nodes}
    if not ids or any(e.source not in ids or e.target not in ids for e in diagram.edges):
        return None
    return diagram
