"""What ingestion will read of one document, and the error a file that cannot be read raises.

Every limit is checked while the file is being read (bytes unpacked, zip entries, paragraphs, pages,
characters), so a hostile file (a zip bomb, millions of empty paragraphs, one giant text node) is refused
after a bounded amount of work and memory, with a one-line reason naming the limit and the way out.
The defaults let through any ordinary business document; `IngestLimits(...)` with smaller numbers is how
tests (and a cautious caller) lower them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIB = 1024 * 1024
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


class UnreadableFile(Exception):
    """A file that cannot be ingested; `str()` is a one-line, bilingual reason."""


@dataclass(frozen=True, kw_only=True)
class IngestLimits:
    """Per-document limits of `knowledge.ingest.parse_file` (defaults documented in the README)."""

    max_file_bytes: int = 50 * MIB
    """Size of the file on disk."""
    max_unpacked_bytes: int = 200 * MIB
    """Bytes decompressed from a .docx (its XML parts; pictures are never unpacked)."""
    max_zip_entries: int = 10_000
    """Entries in a .docx archive (a long report with pictures has a few hundred)."""
    max_paragraphs: int = 200_000
    """Paragraphs (and table rows) of one document; an 800-page report has about 30,000."""
    max_xml_elements: int = 2_000_000
    """XML elements in a .docx's main part (runs, properties, bookmarks…); an 800-page report has about
    750,000. Caps the parse tree an unended paragraph can hold (a few hundred MiB at most)."""
    max_pages: int = 5_000
    """Pages of a PDF."""
    max_tokens: int = 150_000
    """Estimated tokens to embed (`estimated_tokens`), i.e. the embedding work: the bundled model costs
    about 1 CPU-second per 400 tokens (`bench/bench_ingest.py`: ~430 tokens/s, about one 470-character
    Chinese chunk a second, on this 2-core machine at load 2.7), so the limit is about 5 minutes."""
    max_text_chars: int = 600_000
    """Characters of text taken from one document, checked before chunking so a file far over the token
    limit is refused at once (4 characters a token is the most any text gets; a 20 MB text file holds
    7-20 million characters)."""
    max_chunks: int = 20_000
    """Chunks of one document (the token limit usually comes first)."""
    max_html_bytes: int = 20 * MIB
    """Size of an HTML page (parsed whole, so it is held in memory several times over)."""


def exceeded(
    what_en: str, what_zh: str, limit: int, *, got: int | None = None, unit: str = ""
) -> UnreadableFile:
    """The one-line refusal for a limit: what went over, by how much when known, and what to do.

    `unit="MiB"` prints byte counts in MiB; otherwise counts are printed with thousands separators.
    """

    def fmt(n: int) -> str:
        return f"{n / MIB:.0f} MiB" if unit == "MiB" else f"{n:,}"

    if got is None:
        en, zh = f"more than {fmt(limit)} {what_en}", f"{what_zh}超过 {fmt(limit)}"
    else:
        en = zh = f"{fmt(got)} > {fmt(limit)}"
        en, zh = f"{what_en} {en}", f"{what_zh} {zh}"
    return UnreadableFile(
        f"too large: {en} (the limit per document); split it into smaller files / "
        f"文件过大：{zh}（单个文档的上限），请拆分为多个较小的文件"
    )


def estimated_tokens(text: str) -> int:
    """Tokens the embedding model will see, without its tokenizer: a CJK character is about one token,
    other text about four characters a token (the bundled model's measured cost is per token)."""
    cjk = len(text) - len(_CJK.sub("", text))
    return cjk + (len(text) - cjk + 3) // 4


DEFAULT_LIMITS = IngestLimits()
