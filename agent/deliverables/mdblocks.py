"""Canonical Markdown → a small block model shared by the DOCX and JSON renderers.

Blocks are plain dicts so they serialise to JSON as they are:
`{"type": "heading", "level": n, "text": s}`, `{"type": "paragraph", "runs": [...]}`,
`{"type": "list", "ordered": b, "checklist": b, "items": [[run…]…]}` (a checklist's items
start with ☑/☐ and take no bullet), `{"type": "table", "header": [...], "rows": [...]}`,
`{"type": "code", "lang": s, "text": s}`, `{"type": "quote", "runs": [...]}`.
A run is `{"text": s, "bold": b, "italic": b, "code": b}`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

Run = dict[str, Any]
Block = dict[str, Any]


def markdown_parser() -> Any:
    """The one Markdown dialect of the deliverables: CommonMark + tables, raw HTML disabled."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def _runs(inline: Any) -> list[Run]:
    runs: list[Run] = []
    bold = italic = False
    for tok in inline.children or []:
        if tok.type == "strong_open":
            bold = True
        elif tok.type == "strong_close":
            bold = False
        elif tok.type == "em_open":
            italic = True
        elif tok.type == "em_close":
            italic = False
        elif tok.type == "text":
            runs.append({"text": tok.content, "bold": bold, "italic": italic, "code": False})
        elif tok.type == "code_inline":
            runs.append({"text": tok.content, "bold": bold, "italic": italic, "code": True})
        elif tok.type in ("softbreak", "hardbreak"):
            runs.append(
                {
                    "text": " " if tok.type == "softbreak" else "\n",
                    "bold": bold,
                    "italic": italic,
                    "code": False,
                }
            )
    merged: list[Run] = []
    for run in runs:
        if merged and all(merged[-1][k] == run[k] for k in ("bold", "italic", "code")):
            merged[-1]["text"] += run["text"]
        else:
            merged.append(run)
    return merged


def plain(runs: list[Run]) -> str:
    """The text of runs without formatting."""
    return "".join(r["text"] for r in runs)


@lru_cache(maxsize=1)
def _parser() -> Any:
    return markdown_parser()


@lru_cache(maxsize=32)
def markdown_tokens(markdown: str) -> list[Any]:
    """The tokens of a Markdown document, parsed once for the DOCX, JSON and HTML renderers
    (shared: read them, don't change them)."""
    tokens: list[Any] = _parser().parse(markdown)
    return tokens


def _fresh(value: Any) -> Any:
    """A copy of plain blocks: new dicts and lists, the same strings (deepcopy is far slower)."""
    if type(value) is dict:
        return {k: _fresh(v) for k, v in value.items()}
    if type(value) is list:
        return [_fresh(v) for v in value]
    return value


def parse_blocks(markdown: str) -> list[Block]:
    """Blocks of a Markdown document, in order (a fresh copy: callers may change it)."""
    blocks: list[Block] = _fresh(_parse_blocks(markdown))
    return blocks


def shared_blocks(markdown: str) -> list[Block]:
    """Blocks of a Markdown document, parsed once for every renderer: read them, don't change them."""
    return _parse_blocks(markdown)


@lru_cache(maxsize=32)
def _parse_blocks(markdown: str) -> list[Block]:
    tokens = markdown_tokens(markdown)
    blocks: list[Block] = []
    i = 0
    quote_depth = 0
    list_stack: list[Block] = []
    while i < len(tokens):
        tok = tokens[i]
        kind = tok.type
        if kind == "heading_open":
            blocks.append({"type": "heading", "level": int(tok.tag[1]), "text": plain(_runs(tokens[i + 1]))})
            i += 3
            continue
        if kind in ("bullet_list_open", "ordered_list_open"):
            lst: Block = {
                "type": "list",
                "ordered": kind == "ordered_list_open",
                "items": [],
                "level": len(list_stack),
            }
            list_stack.append(lst)
            blocks.append(lst)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
        elif kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind == "inline" and tokens[i - 1].type == "paragraph_open":
            runs = _runs(tok)
            if list_stack:
                list_stack[-1]["items"].append(runs)
            elif quote_depth:
                blocks.append({"type": "quote", "runs": runs})
            else:
                blocks.append({"type": "paragraph", "runs": runs})
        elif kind == "fence" or kind == "code_block":
            blocks.append({"type": "code", "lang": (tok.info or "").strip(), "text": tok.content})
        elif kind == "table_open":
            table: Block = {"type": "table", "header": [], "rows": []}
            j = i + 1
            row: list[list[Run]] = []
            in_head = False
            while tokens[j].type != "table_close":
                t = tokens[j]
                if t.type == "thead_open":
                    in_head = True
                elif t.type == "thead_close":
                    in_head = False
                elif t.type == "tr_open":
                    row = []
                elif t.type == "inline":
                    row.append(_runs(t))
                elif t.type == "tr_close":
                    (table["header"] if in_head else table["rows"]).append(row)
                j += 1
            table["header"] = table["header"][0] if table["header"] else []
            blocks.append(table)
            i = j
        i += 1
    for b in blocks:
        if b["type"] == "list":
            b["checklist"] = bool(b["items"]) and all(is_check_item(plain(item)) for item in b["items"])
    return [b for b in blocks if b["type"] != "list" or b["items"]]


CHECK_MARKS = ("☑", "☐")


def is_check_item(text: str) -> bool:
    """A checklist item starts with its own box (☑ met, ☐ not yet): it needs no bullet as well."""
    return text.lstrip().startswith(CHECK_MARKS)
