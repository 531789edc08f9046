"""Read the user's documents (.md .txt .pdf .docx .html) into chunks, with a one-line reason on failure.

`collect_files` expands folders; `parse_file` returns a `ParsedDocument` or raises `UnreadableFile`
with a reason the CLI prints as is, within `IngestLimits` checked while reading (`knowledge.limits`).
`knowledge.ingest_batch` embeds and writes the chunks, file by file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.chunking import Block, Chunk, chunk_blocks, iter_markdown_blocks, split_front_matter
from knowledge.docx_reader import read_docx
from knowledge.limits import DEFAULT_LIMITS, IngestLimits, UnreadableFile, estimated_tokens, exceeded

__all__ = ["SUPPORTED", "IngestLimits", "ParsedDocument", "UnreadableFile", "collect_files", "parse_file"]

SUPPORTED = frozenset({".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm"})
PARSER_VERSION = b"2"
"""Part of each document's content hash: bump when reading or chunking changes, so files re-ingest."""


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


def _bounded(blocks: Iterable[Block], limits: IngestLimits, chars: int = 0) -> Iterator[Block]:
    """The blocks, refusing the document as soon as it passes the paragraph or character limit."""
    for n, block in enumerate(blocks, start=1):
        if n > limits.max_paragraphs:
            raise exceeded("paragraphs", "段落数", limits.max_paragraphs)
        chars += len(block.text)
        if chars > limits.max_text_chars:
            raise exceeded("characters of text", "文字字符数", limits.max_text_chars)
        yield block


def _text_of(data: bytes, limits: IngestLimits) -> str:
    text = _decode(data)
    if len(text) > limits.max_text_chars:
        raise exceeded("characters of text", "文字字符数", limits.max_text_chars, got=len(text))
    return text


def _read_text(path: Path, data: bytes, limits: IngestLimits) -> tuple[str, list[Block]]:
    front, body = split_front_matter(_text_of(data, limits).replace("\r\n", "\n"))
    title = str(front.get("title") or "")
    return title, list(_bounded(iter_markdown_blocks(body), limits))


def _read_pdf(path: Path, data: bytes, limits: IngestLimits) -> tuple[str, list[Block]]:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

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
        if len(reader.pages) > limits.max_pages:
            raise exceeded("pages", "页数", limits.max_pages, got=len(reader.pages))

        def pages() -> Iterator[Block]:
            for n, page in enumerate(reader.pages, start=1):
                text = page.extract_text() or ""
                if text.strip():
                    yield Block("heading", f"p. {n}", 1)
                    yield from (b for b in iter_markdown_blocks(text) if b.kind == "para")

        blocks = list(_bounded(pages(), limits))
        meta = reader.metadata
        title = str(meta.title) if meta and meta.title else ""
    except UnreadableFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, IndexError, AttributeError) as exc:
        raise UnreadableFile(
            f"damaged or unreadable PDF ({str(exc)[:120]}) / PDF 文件损坏或无法读取"
        ) from exc
    return title, blocks


def _read_docx(path: Path, data: bytes, limits: IngestLimits) -> tuple[str, list[Block]]:
    return read_docx(data, limits)


def _read_html(path: Path, data: bytes, limits: IngestLimits) -> tuple[str, list[Block]]:
    from bs4 import BeautifulSoup

    # html.parser builds the whole tree (several times the page's size in memory): pages are capped
    # by size before parsing; the paragraph and character limits apply to what is taken from it.
    if len(data) > limits.max_html_bytes:
        raise exceeded("HTML page", "HTML 页面", limits.max_html_bytes, got=len(data), unit="MiB")
    soup = BeautifulSoup(_text_of(data, limits), "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "footer", "header", "template"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    body = soup.body or soup

    def elements() -> Iterator[Block]:
        for el in body.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "blockquote", "tr"]):
            if el.find_parent(["p", "li", "pre", "blockquote"]) is not None:
                continue  # nested inside a block we already take whole
            text = el.get_text(" " if el.name == "tr" else "", strip=True)
            if not text:
                continue
            if el.name and el.name[0] == "h" and el.name[1:].isdigit():
                yield Block("heading", text, int(el.name[1]))
            else:
                yield Block("para", text)

    blocks = list(_bounded(elements(), limits))
    if not blocks:
        blocks = list(_bounded(iter_markdown_blocks(body.get_text("\n", strip=True)), limits))
    return title, blocks


_Reader = Callable[[Path, bytes, IngestLimits], tuple[str, list[Block]]]
_READERS: dict[str, _Reader] = {
    ".md": _read_text,
    ".markdown": _read_text,
    ".txt": _read_text,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".html": _read_html,
    ".htm": _read_html,
}


def parse_file(path: Path, limits: IngestLimits = DEFAULT_LIMITS) -> ParsedDocument:
    """Read and chunk one file within `limits`; raises `UnreadableFile` with a one-line reason."""
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableFile(_unsupported(path))
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise exceeded("file", "文件大小", limits.max_file_bytes, got=size, unit="MiB")
        data = path.read_bytes()
    except PermissionError as exc:
        raise UnreadableFile("permission denied / 没有读取权限") from exc
    except IsADirectoryError as exc:
        raise UnreadableFile("is a folder / 这是文件夹") from exc
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror} / 无法读取") from exc
    if not data.strip():
        raise UnreadableFile("empty file / 空文件")
    title, blocks = reader(path, data, limits)
    chunks = chunk_blocks(blocks, doc_title=title or path.stem)
    if not chunks:
        raise UnreadableFile("no text found (scanned or empty document?) / 未提取到文字（扫描件或空文档？）")
    if len(chunks) > limits.max_chunks:
        raise exceeded("chunks to embed", "需向量化的文本段数", limits.max_chunks, got=len(chunks))
    tokens = sum(estimated_tokens(c.text) for c in chunks)
    if tokens > limits.max_tokens:
        raise exceeded(
            "text to embed (estimated tokens, about 5 minutes of embedding at the limit)",
            "需向量化的文字（估计词元数，上限约为 5 分钟的向量化）",
            limits.max_tokens,
            got=tokens,
        )
    return ParsedDocument(
        doc_id=doc_id_for(path),
        name=path.name,
        path=path.resolve(),
        title=title or path.stem,
        content_hash=hashlib.sha256(PARSER_VERSION + b"\x00" + data).hexdigest(),
        chunks=chunks,
    )
