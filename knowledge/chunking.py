"""Split a document into retrievable chunks along its headings and paragraphs.

Every reader (markdown/text, PDF, Word, HTML) turns a file into a list of `Block`s: headings with a
level, and paragraphs. `chunk_blocks` then packs paragraphs of one section into chunks of roughly
`min_chars`–`max_chars` characters (sizes that suit Chinese, where one character carries about as
much as an English word), splits over-long paragraphs at sentence ends with a small overlap, and keeps
the heading path as the chunk's `section`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import yaml

MAX_CHARS = 500
MIN_CHARS = 200
OVERLAP_CHARS = 60

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
# A paragraph that opens with a bold title line acts as a sub-heading ("1. **Step**", "**Title**").
_PSEUDO_HEADING = re.compile(r"^(?:\d{1,2}[.、)]\s*)?\*\*([^*]{2,60})\*\*\s*[:：]?\s*$")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=\.)\s+")


@dataclass
class Block:
    """A heading (`level` 1–7) or a paragraph (`level` 0) of a document."""

    kind: Literal["heading", "para"]
    text: str
    level: int = 0


@dataclass
class Chunk:
    """One retrievable unit of a document."""

    text: str
    section: str
    """Heading path, outermost first, joined by ' > ' (empty before the first heading)."""
    title: str
    """The innermost heading (or the document title)."""


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """A leading YAML front-matter block (`---` … `---`) as a dict, and the remaining text."""
    if not text.startswith("---"):
        return {}, text
    lines = text.splitlines(keepends=True)
    for i in range(1, min(len(lines), 60)):
        if lines[i].strip() == "---":
            try:
                data = yaml.safe_load("".join(lines[1:i]))
            except yaml.YAMLError:
                return {}, text
            if isinstance(data, dict):
                return data, "".join(lines[i + 1 :])
            return {}, text
    return {}, text


def clean_inline(text: str) -> str:
    """Drop markdown emphasis and code marks that carry no meaning for search or display."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    return text.strip()


def markdown_blocks(text: str) -> list[Block]:
    """Headings and blank-line separated paragraphs of markdown or plain text."""
    return list(iter_markdown_blocks(text))


def iter_markdown_blocks(text: str) -> Iterator[Block]:
    """`markdown_blocks` one block at a time, so a reader can stop at a limit without building them all."""
    para: list[str] = []
    depth = 0

    def flush() -> Iterator[Block]:
        lines = [ln.rstrip() for ln in para if ln.strip()]
        para.clear()
        if not lines:
            return
        m = _PSEUDO_HEADING.match(lines[0].strip())
        if m:
            yield Block("heading", clean_inline(m.group(1)), min(depth + 1, 7))
            lines = lines[1:]
        if lines:
            yield Block("para", clean_inline("\n".join(ln.strip() for ln in lines)))

    for line in text.splitlines():
        m = _HEADING.match(line)
        if m:
            yield from flush()
            depth = len(m.group(1))
            yield Block("heading", clean_inline(m.group(2)), depth)
        elif not line.strip() or _RULE.match(line):
            yield from flush()
        else:
            para.append(line)
    yield from flush()


def _sentences(text: str) -> list[str]:
    parts = [p for p in _SENTENCE_END.split(text) if p and p.strip()]
    out: list[str] = []
    for p in parts:
        while len(p) > MAX_CHARS:  # no sentence end for a long stretch: cut hard
            out.append(p[:MAX_CHARS])
            p = p[MAX_CHARS:]
        out.append(p)
    return out


def _tail(text: str, limit: int) -> str:
    """The last sentence of `text` if short enough, else its last `limit` characters."""
    sents = _sentences(text)
    last = sents[-1].strip() if sents else ""
    return last if 0 < len(last) <= limit else text[-limit:].strip()


def _pack(paragraphs: list[str], max_chars: int, min_chars: int, overlap: int) -> list[str]:
    """Greedy packing of paragraphs (and sentences of long ones) into chunks."""
    pieces: list[tuple[str, bool]] = []  # (text, continues the previous piece's paragraph)
    for para in paragraphs:
        if len(para) <= max_chars:
            pieces.append((para, False))
        else:
            pieces.extend((s, i > 0) for i, s in enumerate(_sentences(para)))
    chunks: list[str] = []
    cur = ""
    for text, cont in pieces:
        sep = "" if cont else "\n"
        if cur and len(cur) + len(sep) + len(text) > max_chars:
            chunks.append(cur)
            cur = _tail(cur, overlap) + sep + text if cont else text
        else:
            cur = cur + sep + text if cur else text
    if cur:
        if chunks and len(cur) < min_chars // 2 and len(chunks[-1]) + len(cur) <= max_chars * 1.2:
            chunks[-1] = chunks[-1] + "\n" + cur
        else:
            chunks.append(cur)
    return chunks


def chunk_blocks(
    blocks: list[Block],
    *,
    doc_title: str = "",
    max_chars: int = MAX_CHARS,
    min_chars: int = MIN_CHARS,
    overlap: int = OVERLAP_CHARS,
) -> list[Chunk]:
    """Chunks of a document, section by section; a section never shares a chunk with another."""
    chunks: list[Chunk] = []
    stack: list[tuple[int, str]] = []
    paras: list[str] = []

    def flush() -> None:
        nonlocal paras
        if paras:
            section = " > ".join(t for _, t in stack)
            title = stack[-1][1] if stack else doc_title
            chunks.extend(Chunk(t, section, title) for t in _pack(paras, max_chars, min_chars, overlap))
        paras = []

    for block in blocks:
        if block.kind == "heading":
            flush()
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, block.text))
        elif block.text.strip():
            paras.append(block.text.strip())
    flush()
    return chunks
