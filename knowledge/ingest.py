"""Read the user's documents (.md .txt .pdf .docx .html) into chunks, with a one-line reason on failure.

`collect_files` expands folders; `parse_file` returns a `ParsedDocument` or raises `UnreadableFile`
with a reason the CLI prints as is. The store (`knowledge.store`) embeds and writes the chunks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.chunking import Block, Chunk, chunk_blocks, markdown_blocks, split_front_matter

SUPPORTED = frozenset({".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm"})
MAX_BYTES = 50 * 1024 * 1024
PARSER_VERSION = b"1"
"""Part of each document's content hash: bump when reading or chunking changes, so files re-ingest."""


class UnreadableFile(Exception):
    """A file that cannot be ingested; `str()` is a one-line, bilingual reason."""


@dataclass
class ParsedDocument:
    """A document read and chunked, not yet embedded."""

    doc_id: str
    name: str
    path: Path
    title: str
    content_hash: str
    chunks: list[Chunk] = field(default_factory=list)

    @property
    def chars(self) -> int:
        return sum(len(c.text) for c in self.chunks)


def doc_id_for(path: Path) -> str:
    """Stable document id: a hash of the resolved path."""
    return hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:12]


def collect_files(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to ingest (folders recurse, hidden entries skipped) and (path, reason) for paths that fail."""
    files: list[Path] = []
    problems: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            problems.append((path, "no such file or folder / 文件或文件夹不存在"))
            continue
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            for p in found:
                if p.suffix.lower() in SUPPORTED:
                    if p.resolve() not in seen:
                        seen.add(p.resolve())
                        files.append(p)
                else:
                    problems.append((p, _unsupported(p)))
            continue
        if path.resolve() not in seen:
            seen.add(path.resolve())
            files.append(path)
    return files, problems


def _unsupported(path: Path) -> str:
    ext = path.suffix or "(none)"
    return f"unsupported file type {ext}; use .md .txt .pdf .docx .html / 不支持的文件类型"


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file, not text / 二进制文件，不是文本")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("not valid UTF-8 or GB18030 text / 文本编码无法识别")


def _read_text(path: Path, data: bytes) -> tuple[str, list[Block]]:
    front, body = split_front_matter(_decode(data).replace("\r\n", "\n"))
    title = str(front.get("title") or "")
    return title, markdown_blocks(body)


def _read_pdf(path: Path, data: bytes) -> tuple[str, list[Block]]:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs its repairs ("invalid pdf header", "EOF marker not found") as warnings, which Python
    # prints raw to stderr beside our one-line reason; the reason is what the user needs.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                unlocked = bool(reader.decrypt(""))
            except Exception:
                unlocked = False
            if not unlocked:
                raise UnreadableFile(
                    "encrypted PDF; save an unprotected copy / PDF 已加密，请另存为未加密副本"
                )
        blocks: list[Block] = []
        for n, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            if text.strip():
                blocks.append(Block("heading", f"p. {n}", 1))
                blocks.extend(b for b in markdown_blocks(text) if b.kind == "para")
        meta = reader.metadata
        title = str(meta.title) if meta and meta.title else ""
    except UnreadableFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableFile(f"damaged or unreadable PDF ({exc}) / PDF 文件损坏或无法读取") from exc
    return title, blocks


def _read_docx(path: Path, data: bytes) -> tuple[str, list[Block]]:
    import io
    import zipfile

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile("not a valid .docx file / 不是有效的 Word 文档") from exc
    title = document.core_properties.title or ""
    blocks: list[Block] = []
    for para in document.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        level = _heading_level(style)
        if style.lower() == "title":
            title = title or text
            blocks.append(Block("heading", text, 1))
        elif level:
            blocks.append(Block("heading", text, level))
        else:
            blocks.append(Block("para", text))
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                blocks.append(Block("para", " | ".join(dict.fromkeys(cells))))
    return title, blocks


def _heading_level(style: str) -> int:
    for prefix in ("heading", "标题"):
        if style.lower().startswith(prefix):
            digits = "".join(ch for ch in style if ch.isdigit())
            return min(int(digits), 6) if digits else 1
    return 0


def _read_html(path: Path, data: bytes) -> tuple[str, list[Block]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(data), "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "footer", "header", "template"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    blocks: list[Block] = []
    body = soup.body or soup
    for el in body.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "blockquote", "tr"]):
        if el.find_parent(["p", "li", "pre", "blockquote"]) is not None:
            continue  # nested inside a block we already take whole
        text = el.get_text(" " if el.name == "tr" else "", strip=True)
        if not text:
            continue
        if el.name and el.name[0] == "h" and el.name[1:].isdigit():
            blocks.append(Block("heading", text, int(el.name[1])))
        else:
            blocks.append(Block("para", text))
    if not blocks:
        text = body.get_text("\n", strip=True)
        blocks = markdown_blocks(text)
    return title, blocks


_READERS = {
    ".md": _read_text,
    ".markdown": _read_text,
    ".txt": _read_text,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".html": _read_html,
    ".htm": _read_html,
}


def parse_file(path: Path) -> ParsedDocument:
    """Read and chunk one file; raises `UnreadableFile` with a one-line reason."""
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableFile(_unsupported(path))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableFile(f"file too large ({size // 1_048_576} MB > 50 MB) / 文件过大")
        data = path.read_bytes()
    except PermissionError as exc:
        raise UnreadableFile("permission denied / 没有读取权限") from exc
    except IsADirectoryError as exc:
        raise UnreadableFile("is a folder / 这是文件夹") from exc
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror} / 无法读取") from exc
    if not data.strip():
        raise UnreadableFile("empty file / 空文件")
    title, blocks = reader(path, data)
    chunks = chunk_blocks(blocks, doc_title=title or path.stem)
    if not chunks:
        raise UnreadableFile("no text found (scanned or empty document?) / 未提取到文字（扫描件或空文档？）")
    return ParsedDocument(
        doc_id=doc_id_for(path),
        name=path.name,
        path=path.resolve(),
        title=title or path.stem,
        content_hash=hashlib.sha256(PARSER_VERSION + b"\x00" + data).hexdigest(),
        chunks=chunks,
    )
