"""Canonical Markdown → one self-contained HTML file: inline CSS, no scripts, no external requests.

The architecture diagram is drawn as inline SVG (`diagram_svg`); its Mermaid source follows in a
`<pre class="mermaid">` block folded in a `<details>`, for anyone who wants to edit or redraw it.
The components and connections tables come right below.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

from agent.deliverables.chart import CHART_LANG, chart_html
from agent.deliverables.diagram_svg import architecture_svg
from agent.deliverables.mdblocks import is_check_item, markdown_parser, markdown_tokens, shared_blocks
from agent.deliverables.render_docx import WIDE_TABLE_COLUMNS

CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei",
"Helvetica Neue",Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1.5rem;color:#1f2933;
line-height:1.65;font-size:15px}
h1{color:#1f3a5f;border-bottom:3px solid #1f3a5f;padding-bottom:.3rem}
h2{color:#1f3a5f;border-bottom:1px solid #cbd2d9;padding-bottom:.2rem;margin-top:2rem}
h3{color:#334e68}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:14px}
th,td{border:1px solid #9aa5b1;padding:.35rem .55rem;vertical-align:top;text-align:left;min-width:4em}
th{background:#e4e7eb;word-break:keep-all}
tr:nth-child(even) td{background:#f5f7fa}
pre{background:#f0f4f8;padding:.8rem;overflow-x:auto;font-size:13px;border-radius:4px}
pre.mermaid{border-left:4px solid #1f3a5f}
ul.checklist{list-style:none;padding-left:1.2rem}
td.id{white-space:nowrap}
figure.diagram{margin:1rem 0}figure.chart{margin:1rem 0}svg.chart{width:100%;max-width:40rem;height:auto;font-family:inherit}
figcaption{color:#52606d;font-size:13px;font-style:italic}
svg.diagram{width:100%;height:auto;font-family:inherit}
details{margin:1rem 0}summary{color:#52606d;cursor:pointer}
blockquote{border-left:4px solid #f0b429;margin:1rem 0;padding:.3rem 1rem;background:#fffbea}
code{font-family:Consolas,"Courier New",monospace;background:#f0f4f8;padding:0 .2rem}
body.wide{max-width:84rem}
@media print{body{max-width:none;margin:0}}
"""


def _fence(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    tok = tokens[idx]
    lang = (tok.info or "").strip()
    if lang == CHART_LANG and (figure := chart_html(tok.content, env.get("lang", "zh"))) is not None:
        return figure
    if lang != "mermaid":
        return f"<pre>{html.escape(tok.content)}</pre>\n"
    title = "架构图" if env.get("lang") == "zh" else "Architecture diagram"
    svg = architecture_svg(tok.content, title, "en" if env.get("lang") == "en" else "zh")
    if svg is None:
        summary = (
            "架构图源码（Mermaid，可粘贴到 Mermaid 查看器绘制；下方表格列出同样的组件与连接）"
            if env.get("lang") == "zh"
            else "Diagram source (Mermaid: paste it into a Mermaid viewer to draw it; "
            "the tables below list the same components and connections)"
        )
    else:
        summary = (
            "架构图源码（Mermaid，可复制到其他工具中修改或重绘）"
            if env.get("lang") == "zh"
            else "Diagram source (Mermaid: copy it into another tool to edit or redraw the diagram)"
        )
    folded = f'<details><summary>{summary}</summary>\n<pre class="mermaid">{html.escape(tok.content)}</pre>\n</details>\n'
    return folded if svg is None else f'<figure class="diagram">{svg}</figure>\n{folded}'


def _bullet_list(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """`<ul class="checklist">` for a list whose items all start with ☑/☐ (the box is the marker).

    The tokens are shared with the other renderers, so the tag is written here, not set on them."""
    item_level = tokens[idx].level + 3  # bullet_list_open > list_item_open > paragraph_open > inline
    items: list[str] = []
    for tok in tokens[idx + 1 :]:
        if tok.type == "bullet_list_close" and tok.level == tokens[idx].level:
            break
        if tok.type == "inline" and tok.level == item_level:
            items.append(tok.content)
    if items and all(is_check_item(text) for text in items):
        return '<ul class="checklist">\n'
    return str(renderer.renderToken(tokens, idx, options, env))


@lru_cache(maxsize=1)
def _html_renderer() -> Any:
    md = markdown_parser()
    md.add_render_rule("fence", _fence)
    md.add_render_rule("bullet_list_open", _bullet_list)
    return md


_ID_CELL = re.compile(r"<td>((?:REQ-(?:F|NF)|TST|RSK|ADR|OBL)-\d+)</td>")


def markdown_to_html(markdown: str, *, title: str, lang: str) -> str:
    """A complete HTML document for `markdown`."""
    md = _html_renderer()
    body = md.renderer.render(markdown_tokens(markdown), md.options, {"lang": lang})
    # an ID cell (RSK-12, REQ-NF-3…) stays on one line: "RSK-" / "1" in a narrow column misreads
    body = _ID_CELL.sub(r'<td class="id">\1</td>', body)
    html_lang = "zh-CN" if lang == "zh" else "en"
    # A register with many columns gets a wider page, as the Word file gets a landscape one.
    widest = max((len(b["header"]) for b in shared_blocks(markdown) if b["type"] == "table"), default=0)
    body_tag = '<body class="wide">' if widest >= WIDE_TABLE_COLUMNS else "<body>"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n{body_tag}\n{body}</body>\n</html>\n"
    )
