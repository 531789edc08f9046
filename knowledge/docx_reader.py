"""Read a .docx as a stream: body paragraphs (with heading levels) and table rows, within `IngestLimits`.

A .docx is a zip of XML parts. python-docx loads the whole main part into one lxml tree, so a hostile
file (one 181 MiB text node, or millions of empty paragraphs) costs gigabytes before anything can be
checked. Here the entry count is read from the zip's end record before the archive is opened, every
part is read through a byte budget, and the main part is parsed incrementally (`lxml.etree.iterparse`),
each paragraph dropped from the tree once its text is taken; the limits are checked as it goes.

What is read matches python-docx's `Document.paragraphs` and `Document.tables`: body paragraphs (text of
their runs and hyperlinks; tabs and breaks kept; text boxes and deleted text left out) and table rows
(the distinct texts of their cells joined by " | "), now in document order.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from typing import IO, Any

from lxml import etree

from knowledge.chunking import Block
from knowledge.limits import MIB, IngestLimits, UnreadableFile, exceeded

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TR, _TC, _BODY = W + "p", W + "tr", W + "tc", W + "body"
_T, _TAB, _PTAB, _BR, _CR, _HYPHEN = W + "t", W + "tab", W + "ptab", W + "br", W + "cr", W + "noBreakHyphen"
_PPR, _PSTYLE, _VAL = W + "pPr", W + "pStyle", W + "val"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_OFFICE_DOCUMENT = "/officeDocument"
_SMALL_PART = 16 * MIB
"""Cap on the side parts read whole (relationships, styles, core properties)."""
_INVALID = "not a valid .docx file / 不是有效的 Word 文档"
_PURGE_EVERY = 4096
"""Elements between two purges of the body's finished children."""


class _Budget:
    """Bytes left to decompress; reading past it refuses the file."""

    def __init__(self, limits: IngestLimits) -> None:
        self.limits = limits
        self.left = limits.max_unpacked_bytes

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise exceeded(
                "unpacked .docx content", "Word 文档解压后", self.limits.max_unpacked_bytes, unit="MiB"
            )


class _BoundedReader(io.RawIOBase):
    """A zip member read through the budget (the bytes decompressed are counted, not the sizes declared)."""

    def __init__(self, raw: IO[bytes], budget: _Budget) -> None:
        self._raw = raw
        self._budget = budget

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size if size and size > 0 else 64 * 1024)
        self._budget.spend(len(data))
        return data


def _zip_entry_count(data: bytes) -> tuple[int, int] | None:
    """(entries, central directory size) from the zip's end record, read before the archive is opened."""
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if pos < 0 or pos + 22 > len(data):
        return None
    entries = int.from_bytes(data[pos + 10 : pos + 12], "little")
    cd_size = int.from_bytes(data[pos + 12 : pos + 16], "little")
    locator = pos - 20
    if (
        (entries == 0xFFFF or cd_size == 0xFFFFFFFF)
        and locator >= 0
        and data[locator : locator + 4] == b"PK\x06\x07"
    ):
        end64 = int.from_bytes(data[locator + 8 : locator + 16], "little")
        if data[end64 : end64 + 4] == b"PK\x06\x06":
            entries = int.from_bytes(data[end64 + 32 : end64 + 40], "little")
            cd_size = int.from_bytes(data[end64 + 40 : end64 + 48], "little")
    return entries, cd_size


def _open_zip(data: bytes, limits: IngestLimits) -> zipfile.ZipFile:
    counted = _zip_entry_count(data)
    if counted is None:
        raise UnreadableFile(_INVALID)
    entries, cd_size = counted
    # A central directory far larger than its entries need may hide more entries than it declares;
    # 1 KiB an entry is generous (a name and the fixed 46-byte header).
    if entries > limits.max_zip_entries or cd_size > limits.max_zip_entries * 1024:
        raise exceeded(
            "entries in the .docx archive", "Word 文档压缩包条目数", limits.max_zip_entries, got=entries
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise UnreadableFile(_INVALID) from exc
    if len(archive.infolist()) > limits.max_zip_entries:
        raise exceeded(
            "entries in the .docx archive",
            "Word 文档压缩包条目数",
            limits.max_zip_entries,
            got=len(archive.infolist()),
        )
    return archive


def _member(archive: zipfile.ZipFile, name: str, budget: _Budget) -> _BoundedReader | None:
    try:
        return _BoundedReader(archive.open(name), budget)
    except KeyError:
        return None
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError) as exc:
        raise UnreadableFile(f"damaged .docx ({exc}) / Word 文档已损坏") from exc


def _read_small(archive: zipfile.ZipFile, name: str, budget: _Budget) -> Any | None:
    """A side part (relationships, styles, properties) parsed whole, at most `_SMALL_PART` bytes; None if
    absent or unreadable (these parts only refine what is read)."""
    reader = _member(archive, name, budget)
    if reader is None:
        return None
    data = b""
    while chunk := reader.read(64 * 1024):
        data += chunk
        if len(data) > _SMALL_PART:
            return None
    try:
        return etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError:
        return None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _main_part(archive: zipfile.ZipFile, budget: _Budget) -> str:
    rels = _read_small(archive, "_rels/.rels", budget)
    if rels is not None:
        for rel in rels.iter(_REL_NS + "Relationship"):
            if str(rel.get("Type", "")).endswith(_OFFICE_DOCUMENT):
                return posixpath.normpath(str(rel.get("Target", "")).lstrip("/"))
    return "word/document.xml"


def _style_names(archive: zipfile.ZipFile, main: str, budget: _Budget) -> dict[str, str]:
    """Paragraph style id -> style name ('Heading1' -> 'heading 1'), from the styles part."""
    styles = _read_small(archive, posixpath.join(posixpath.dirname(main), "styles.xml"), budget)
    names: dict[str, str] = {}
    if styles is not None:
        for style in styles.iter(W + "style"):
            name = style.find(W + "name")
            style_id = style.get(W + "styleId")
            if style_id and name is not None and name.get(_VAL):
                names[style_id] = str(name.get(_VAL))
    return names


def _core_title(archive: zipfile.ZipFile, budget: _Budget) -> str:
    core = _read_small(archive, "docProps/core.xml", budget)
    node = core.find(_DC_TITLE) if core is not None else None
    return (node.text or "").strip() if node is not None else ""


def paragraph_text(p: Any) -> str:
    """A paragraph's text as python-docx gives it: runs and hyperlinks, tabs and breaks; no text boxes
    (their paragraphs sit inside a run) and no deleted text (`w:delText` is not `w:t`)."""
    parts: list[str] = []
    stack = list(reversed(p))
    while stack:
        node = stack.pop()
        tag = node.tag
        if not isinstance(tag, str) or tag in (_P, _PPR):
            continue
        if tag == _T:
            parts.append(node.text or "")
        elif tag in (_TAB, _PTAB):
            parts.append("\t")
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag == _HYPHEN:
            parts.append("-")
        else:
            stack.extend(reversed(node))
    return "".join(parts)


def _heading_level(style: str) -> int:
    for prefix in ("heading", "标题"):
        if style.lower().startswith(prefix):
            digits = "".join(ch for ch in style if ch.isdigit())
            return min(int(digits), 6) if digits else 1
    return 0


def _drop(el: Any) -> None:
    """Free a handled element: its content, and its place in the parent (so the tree stays small)."""
    el.clear()
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def _purge(el: Any) -> None:
    """Free the body's finished children (bookmarks, section breaks, handled tables…) from the element
    just parsed: every one but the last, which holds `el` or is `el`."""
    body = next(el.iterancestors(_BODY), None)
    if body is not None and len(body) > 1:
        del body[:-1]


def _events(reader: _BoundedReader) -> Any:
    return etree.iterparse(
        reader,
        events=("end",),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
    )


def read_docx(data: bytes, limits: IngestLimits) -> tuple[str, list[Block]]:
    """The document's title (core properties) and its blocks; raises `UnreadableFile` with the reason."""
    archive = _open_zip(data, limits)
    budget = _Budget(limits)
    main = _main_part(archive, budget)
    styles = _style_names(archive, main, budget)
    title = _core_title(archive, budget)
    reader = _member(archive, main, budget)
    if reader is None:
        raise UnreadableFile(_INVALID)
    blocks: list[Block] = []
    paragraphs = chars = elements = 0
    try:
        for _event, el in _events(reader):
            # every element counts: the tree holds each until its body-level ancestor ends and is freed
            elements += 1
            if elements > limits.max_xml_elements:
                raise exceeded("XML elements", "XML 元素数", limits.max_xml_elements)
            tag = el.tag
            if tag != _P and tag != _TR:
                if elements % _PURGE_EVERY == 0:
                    _purge(el)
                continue
            paragraphs += 1
            if paragraphs > limits.max_paragraphs:
                raise exceeded("paragraphs", "段落数", limits.max_paragraphs)
            parent = el.getparent()
            if tag == _P:
                if parent is None or parent.tag != _BODY:
                    continue  # a cell's or a text box's paragraph: read with its row, or not at all
                block, is_title = _paragraph_block(el, styles)
                title = title or (block.text if block is not None and is_title else "")
                _drop(el)
            else:
                cells = [
                    "\n".join(t for p in tc.iterchildren(_P) if (t := paragraph_text(p).strip()))
                    for tc in el.iterchildren(_TC)
                ]
                cells = [c for c in cells if c]
                block = Block("para", " | ".join(dict.fromkeys(cells))) if cells else None
                _drop(el)
            if block is None:
                continue
            chars += len(block.text)
            if chars > limits.max_text_chars:
                raise exceeded("characters of text", "文字字符数", limits.max_text_chars)
            blocks.append(block)
    except etree.XMLSyntaxError as exc:
        if "text node" in str(exc).lower():  # libxml2: "huge text node" / "Text node too long"
            raise exceeded("characters in one run of text", "单段连续文字", 10_000_000) from exc
        raise UnreadableFile(f"damaged .docx ({str(exc)[:120]}) / Word 文档已损坏") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise UnreadableFile(f"damaged .docx ({str(exc)[:120]}) / Word 文档已损坏") from exc
    return title, blocks


def _paragraph_block(p: Any, styles: dict[str, str]) -> tuple[Block | None, bool]:
    """The paragraph as a block (None when blank), and whether it is in the Title style."""
    text = paragraph_text(p).strip()
    if not text:
        return None, False
    style_el = p.find(f"{_PPR}/{_PSTYLE}")
    style_id = str(style_el.get(_VAL)) if style_el is not None and style_el.get(_VAL) else ""
    style = styles.get(style_id, style_id)
    if style.lower() == "title":
        return Block("heading", text, 1), True
    level = _heading_level(style)
    return (Block("heading", text, level) if level else Block("para", text)), False
