"""The executive summary's picture as a PNG, for Word (which draws no SVG).

Drawn with Pillow from the same layout as the SVG (`chart.layout`), twice the size for print. The
labels need a font with Chinese glyphs: the first found of the usual system fonts (Microsoft
YaHei, PingFang, Noto Sans CJK, WenQuanYi…) or one `fc-list` names for Chinese. Without one, a Chinese chart
numbers its stages in the picture and names them in the caption below it, rather than draw empty
boxes. Pillow is imported here only, when a Word file is written: never on the TUI's start.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from agent.deliverables.chart import WIDTH, Chart, layout, parse_chart, words

SCALE = 2
FONT_CANDIDATES = (
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


@cache
def cjk_font_path() -> str | None:
    """A font file with Chinese glyphs on this machine, or None."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            out = subprocess.run(
                [fc_list, ":lang=zh", "file"], capture_output=True, text=True, timeout=5, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        for line in sorted(out.splitlines()):
            path = line.strip().rstrip(":")
            if path and Path(path).is_file():
                return path
    return None


def _has_cjk(text: str) -> bool:
    return any(ord(ch) > 0x2E80 for ch in text)


def _font(size: float, cjk: str | None) -> Any:
    from PIL import ImageFont

    px = round(size * SCALE)
    if cjk is not None:
        return ImageFont.truetype(cjk, px)
    return ImageFont.load_default(px)


def numbered(chart: Chart) -> tuple[Chart, str]:
    """For a machine without a Chinese font: the stages numbered in the picture, and the legend
    naming them ("1 需求分析与场景定位 · 2 …") for the caption."""
    legend = " · ".join(f"{i} {title}" for i, (title, _v) in enumerate(chart.stages, 1))
    stages = [(str(i), value) for i, (_title, value) in enumerate(chart.stages, 1)]
    severities = [
        (k, {"高": "H", "中": "M", "低": "L"}.get(label, label), n) for k, label, n in chart.severities
    ]
    return Chart(chart.caption, stages, severities, chart.lang), legend


def draw_png(chart: Chart, font_path: str | None = None) -> bytes:
    """The picture as PNG bytes (`font_path`: a font with Chinese glyphs, or None)."""
    from PIL import Image, ImageDraw

    ops = layout(chart)
    height = float(ops[-1][1]["height"])
    image = Image.new("RGB", (WIDTH * SCALE, round(height * SCALE)), "white")
    draw = ImageDraw.Draw(image)
    for kind, a in ops:
        if kind == "rect":
            x, y, w, h = (float(a[k]) * SCALE for k in ("x", "y", "w", "h"))
            draw.rounded_rectangle((x, y, x + w, y + h), radius=3 * SCALE, fill=str(a["fill"]))
        elif kind == "text":
            font = _font(float(a["size"]), font_path)
            x, y = float(a["x"]) * SCALE, float(a["y"]) * SCALE
            anchor = "rs" if a.get("anchor") == "end" else "ls"  # baseline, as SVG's y
            draw.text((x, y), str(a["text"]), font=font, fill=str(a["fill"]), anchor=anchor)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def add_chart(document: Any, text: str, lang: str, text_width_cm: float) -> bool:
    """The fenced chart `text` as a picture in `document`, its alt text in the picture's
    description and title, its caption below; False (nothing added) when `text` is no chart."""
    from docx.shared import Cm, Pt

    chart = parse_chart(text, lang)
    if chart is None:
        return False
    font = cjk_font_path()
    drawn, legend = chart, ""
    if font is None and any(_has_cjk(t) for t, _v in chart.stages):
        drawn, legend = numbered(chart)
    png = draw_png(drawn, font)
    shape = document.add_picture(io.BytesIO(png), width=Cm(min(15.0, text_width_cm)))
    document.paragraphs[-1].paragraph_format.keep_with_next = True  # the caption goes with it
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", chart.alt())
    doc_pr.set("title", chart.caption)
    caption = document.add_paragraph()
    run = caption.add_run(chart.caption + (words(lang)["sep"] + legend if legend else ""))
    run.italic = True
    run.font.size = Pt(9)
    return True
