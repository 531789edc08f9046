"""The executive summary's picture: readiness per stage as bars, and the pitfalls by severity —
the picture the TUI's sidebar draws.

The canonical Markdown carries it as a fenced block of language `chart` holding a caption line and
two small tables (stage | readiness, severity | pitfalls), so every reader of the Markdown still
gets the numbers. Each format then draws it its own way:
- Markdown file: the fence is taken off (`unfence_charts`): the caption and the two tables;
- HTML (and PDF): an inline SVG (`chart_svg`), with its alt text in `<title>`/`<desc>`;
- Word: a PNG drawn with Pillow (`agent.deliverables.chart_png`), its alt text in the picture's
  description.
Alt text and labels are in the document's language.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from agent.deliverables.mdblocks import parse_blocks, plain
from agent.types import STAGE_TITLES, STAGES, Finding

CHART_LANG = "chart"
"""The fence's info string."""
SEVERITIES = ("high", "medium", "low")
SEVERITY_LABELS = {
    "zh": {"high": "高", "medium": "中", "low": "低"},
    "en": {"high": "High", "medium": "Medium", "low": "Low"},
}
SEVERITY_COLOURS = {"high": "#c53030", "medium": "#d69e2e", "low": "#718096"}
READY_COLOUR, BAR_COLOUR, TRACK_COLOUR, TEXT_COLOUR = "#2f855a", "#1f3a5f", "#e4e7eb", "#1f2933"
READY_AT = 80
"""A stage this ready is drawn green, as in the sidebar."""

_WORDS = {
    "zh": {
        "caption": "图：各环节就绪度（0–100）与按严重度统计的风险数",
        "stage": "环节",
        "readiness": "就绪度",
        "severity": "严重度",
        "count": "风险数",
        "readiness_head": "各环节就绪度",
        "severity_head": "风险（按严重度）",
        "alt_stages": "各环节就绪度：",
        "alt_severity": "风险按严重度：",
        "sep": "；",
        "list": "、",
        "end": "。",
    },
    "en": {
        "caption": "Figure: readiness per stage (0–100) and pitfalls by severity",
        "stage": "Stage",
        "readiness": "Readiness",
        "severity": "Severity",
        "count": "Pitfalls",
        "readiness_head": "Readiness per stage",
        "severity_head": "Pitfalls by severity",
        "alt_stages": "Readiness per stage: ",
        "alt_severity": "Pitfalls by severity: ",
        "sep": "; ",
        "list": ", ",
        "end": ".",
    },
}


def words(lang: str) -> dict[str, str]:
    """The chart's fixed words in `lang` (English for anything but zh)."""
    return _WORDS["zh" if lang == "zh" else "en"]


@dataclass
class Chart:
    """What the picture shows, as read back from its fenced block."""

    caption: str
    stages: list[tuple[str, int]] = field(default_factory=list)
    """(stage title, readiness 0–100), in stage order."""
    severities: list[tuple[str, str, int]] = field(default_factory=list)
    """(severity key, label, number of pitfalls), high first."""
    lang: str = "zh"

    def alt(self) -> str:
        """The alt text: the caption, then every value the picture shows, in words."""
        w = words(self.lang)
        stages = w["list"].join(f"{title} {value}/100" for title, value in self.stages)
        severities = w["list"].join(f"{label} {count}" for _key, label, count in self.severities)
        return f"{self.caption}{w['end']} {w['alt_stages']}{stages}{w['sep']}{w['alt_severity']}{severities}{w['end']}"


def chart_block(readiness: Mapping[Any, float], findings: Iterable[Finding], lang: str) -> str:
    """The fenced Markdown block of the picture (caption line, then the two tables)."""
    w = words(lang)
    by_stage = {str(getattr(k, "value", k)): v for k, v in readiness.items()}
    counts = {sev: 0 for sev in SEVERITIES}
    for f in findings:
        if f.severity in counts:
            counts[f.severity] += 1
    lines = [f"```{CHART_LANG}", w["caption"], "", f"| {w['stage']} | {w['readiness']} |", "|---|---|"]
    for stage in STAGES:
        score = max(0, min(100, round(float(by_stage.get(stage.value, 0)))))
        lines.append(f"| {STAGE_TITLES[stage]['zh' if lang == 'zh' else 'en']} | {score}/100 |")
    lines += ["", f"| {w['severity']} | {w['count']} |", "|---|---|"]
    labels = SEVERITY_LABELS["zh" if lang == "zh" else "en"]
    lines += [f"| {labels[sev]} | {counts[sev]} |" for sev in SEVERITIES]
    lines.append("```")
    return "\n".join(lines) + "\n"


def parse_chart(text: str, lang: str) -> Chart | None:
    """The chart in a fenced block's text; None when it is not one `chart_block` wrote."""
    caption, _, rest = text.partition("\n")
    tables = [b for b in parse_blocks(rest) if b["type"] == "table"]
    if len(tables) != 2:
        return None
    chart = Chart(caption=caption.strip(), lang=lang)
    for row in tables[0]["rows"]:
        if len(row) < 2 or not (m := re.match(r"\s*(\d+)", plain(row[1]))):
            return None
        chart.stages.append((plain(row[0]).strip(), min(100, int(m.group(1)))))
    keys = iter(SEVERITIES)
    for row in tables[1]["rows"]:
        if len(row) < 2 or not plain(row[1]).strip().isdigit():
            return None
        chart.severities.append((next(keys, "low"), plain(row[0]).strip(), int(plain(row[1]))))
    return chart if chart.stages else None


_FENCE = re.compile(rf"^```{CHART_LANG}\n(.*?)^```\n?", re.S | re.M)


def unfence_charts(markdown: str) -> str:
    """The Markdown file's form: each chart block becomes its caption (in italics) and its tables."""

    def plain_form(m: re.Match[str]) -> str:
        caption, _, tables = m.group(1).partition("\n")
        return f"*{caption.strip()}*\n\n{tables.strip()}\n"

    return _FENCE.sub(plain_form, markdown)


# --- SVG ------------------------------------------------------------------------------------

WIDTH = 640
LABEL_MIN, LABEL_MAX, VALUE_W = 120, 320, 70
"""The label column fits the longest stage title within these bounds (English ones are long);
the bars take the rest of the width but the values' column."""
ROW_H, BAR_H = 26, 16
HEAD_H = 30


def _width(text: str, px: float) -> float:
    return sum(px if ord(ch) > 0x2E80 else px * 0.58 for ch in text)


def _fit(text: str, px: float, width: float) -> str:
    """`text` cut with an ellipsis to `width` pixels."""
    if _width(text, px) <= width:
        return text
    while text and _width(text + "…", px) > width:
        text = text[:-1]
    return text + "…"


def layout(chart: Chart) -> list[tuple[str, dict[str, Any]]]:
    """The picture as drawing operations shared by the SVG and the PNG: (`text` | `rect`, attrs).
    Coordinates are in SVG pixels of a `WIDTH`-wide canvas; the last op's `height` is the canvas's."""
    w = words(chart.lang)
    ops: list[tuple[str, dict[str, Any]]] = []
    y = 8.0
    labels = [t for t, _v in chart.stages] + [label for _k, label, _n in chart.severities]
    label_w = min(LABEL_MAX, max(LABEL_MIN, max(_width(t, 13) for t in labels) + 10))
    bar_x = label_w + 12
    bar_w = WIDTH - bar_x - VALUE_W

    def head(text: str) -> None:
        nonlocal y
        ops.append(
            ("text", {"x": 0, "y": y + 18, "text": text, "size": 15, "bold": True, "fill": BAR_COLOUR})
        )
        y += HEAD_H

    def row(label: str, value: int, scale: int, fill: str, shown: str) -> None:
        nonlocal y
        ops.append(
            (
                "text",
                {
                    "x": label_w,
                    "y": y + 13,
                    "text": _fit(label, 13, label_w - 8),
                    "size": 13,
                    "anchor": "end",
                    "fill": TEXT_COLOUR,
                },
            )
        )
        ops.append(("rect", {"x": bar_x, "y": y, "w": bar_w, "h": BAR_H, "fill": TRACK_COLOUR}))
        if value > 0:
            ops.append(
                ("rect", {"x": bar_x, "y": y, "w": max(2.0, bar_w * value / scale), "h": BAR_H, "fill": fill})
            )
        ops.append(
            ("text", {"x": bar_x + bar_w + 8, "y": y + 13, "text": shown, "size": 13, "fill": TEXT_COLOUR})
        )
        y += ROW_H

    head(w["readiness_head"])
    for title, value in chart.stages:
        row(title, value, 100, READY_COLOUR if value >= READY_AT else BAR_COLOUR, f"{value}/100")
    y += 10
    head(w["severity_head"])
    scale = max([5, *(count for _k, _l, count in chart.severities)])
    for key, label, count in chart.severities:
        row(label, count, scale, SEVERITY_COLOURS.get(key, BAR_COLOUR), str(count))
    ops.append(("end", {"height": y + 6}))
    return ops


def chart_svg(chart: Chart) -> str:
    """The picture as inline SVG: no script, no external reference; alt text in title and desc."""
    ops = layout(chart)
    height = float(ops[-1][1]["height"])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="chart-title chart-desc" class="chart">',
        f'<title id="chart-title">{html.escape(chart.caption)}</title>',
        f'<desc id="chart-desc">{html.escape(chart.alt())}</desc>',
    ]
    for kind, a in ops:
        if kind == "rect":
            out.append(
                f'<rect x="{a["x"]}" y="{a["y"]:.0f}" width="{float(a["w"]):.1f}" height="{a["h"]}" '
                f'rx="3" fill="{a["fill"]}"/>'
            )
        elif kind == "text":
            anchor = ' text-anchor="end"' if a.get("anchor") == "end" else ""
            weight = ' font-weight="bold"' if a.get("bold") else ""
            out.append(
                f'<text x="{a["x"]}" y="{a["y"]:.0f}" font-size="{a["size"]}"{anchor}{weight} '
                f'fill="{a["fill"]}">{html.escape(str(a["text"]))}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def chart_html(text: str, lang: str) -> str | None:
    """The fenced block's `<figure>` (SVG and its caption); None when the text is not a chart."""
    chart = parse_chart(text, lang)
    if chart is None:
        return None
    return (
        f'<figure class="chart">{chart_svg(chart)}'
        f"<figcaption>{html.escape(chart.caption)}</figcaption></figure>\n"
    )
