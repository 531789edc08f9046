"""Add files to the user's knowledge base one at a time: read within limits, embed and write in batches.

Each file is read (`knowledge.ingest.parse_file`, within `IngestLimits`), then embedded and written
`WRITE_BATCH` chunks at a time, so memory holds one document's text and one batch of vectors, and a
progress callback hears about every embedding batch. A file that cannot be read, whatever the reason, is
reported in one line and the batch goes on; a failing store or embedding model stops it (every later
file would fail the same way).

A document counts as already ingested only when every one of its stored chunks carries the file's
content hash and their number matches: a write cut short (Ctrl+C, a full disk) is redone next time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.errors import StorageError
from knowledge.documents import doc_chunks, refresh_content_hash
from knowledge.ingest import ParsedDocument, UnreadableFile, collect_files, parse_file
from knowledge.limits import DEFAULT_LIMITS, IngestLimits
from knowledge.models import IngestFailure, IngestReport
from knowledge.records import document_info, document_records

if TYPE_CHECKING:
    from knowledge.indexing import CollectionIndex

Progress = Callable[[int, int, str], None]
"""progress(done_chunks, total_chunks, label) for the file being written; label is 'name (i/n)'."""

WRITE_BATCH = 256
"""Chunks embedded and written together (well under Chroma's maximum batch)."""


def _failure(path: Path, exc: BaseException) -> IngestFailure:
    """One line for a file that could not be read, whatever went wrong inside the reader."""
    if isinstance(exc, UnreadableFile):
        reason = str(exc)
    elif isinstance(exc, MemoryError):
        reason = "not enough memory to read it; split it into smaller files / 内存不足，请拆分为较小的文件"
    else:
        detail = " ".join(str(exc).split())[:120]
        reason = (
            f"could not be read ({detail or type(exc).__name__}); check that it opens in its own "
            f"application, or save a fresh copy / 文件无法读取，请确认能正常打开或另存一份"
        )
    return IngestFailure(path=str(path), reason=reason)


def _unchanged(stored: list[dict[str, Any]], parsed: ParsedDocument) -> bool:
    return len(stored) == len(parsed.chunks) and all(
        m.get("content_hash") == parsed.content_hash for m in stored
    )


def write_document(
    index: CollectionIndex,
    col: Any,
    parsed: ParsedDocument,
    stored: list[dict[str, Any]],
    now: str,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict[str, Any]]:
    """Embed and write one document's chunks `WRITE_BATCH` at a time, then drop its chunks from an
    earlier version; returns the chunk metadata written."""
    ids, docs, metas = document_records(parsed, now)
    total = len(ids)
    if progress:
        progress(0, total)
    for start in range(0, total, WRITE_BATCH):
        end = min(start + WRITE_BATCH, total)

        def step(n: int, _total: int, _label: str, base: int = start) -> None:
            if progress and base + n < total:
                progress(base + n, total)

        vectors = index.embed_records(docs[start:end], metas[start:end], step)
        _write(
            col.upsert,
            ids=ids[start:end],
            documents=docs[start:end],
            metadatas=metas[start:end],
            embeddings=vectors,
        )
        if progress:
            progress(end, total)
    keep = set(ids)
    stale = [m["id"] for m in stored if m.get("id") not in keep]
    if stale:
        _write(col.delete, ids=stale)
    return metas


def _write(action: Callable[..., object], **kwargs: Any) -> None:
    try:
        action(**kwargs)
    except Exception as exc:
        raise StorageError(
            f"Cannot write to the knowledge store: {exc} / 写入知识库失败",
            hint="Check free disk space and that COACH_HOME is writable",
        ) from exc


def add_paths(
    index: CollectionIndex,
    paths: list[Path],
    *,
    progress: Progress | None = None,
    limits: IngestLimits | None = None,
) -> IngestReport:
    """Ingest files and folders into the `org` base, file by file; idempotent per file content."""
    limits = limits or DEFAULT_LIMITS
    started = time.perf_counter()
    report = IngestReport()
    files, problems = collect_files([Path(p) for p in paths])
    report.failed.extend(IngestFailure(path=str(p), reason=r) for p, r in problems)
    col = index.org()
    existing = doc_chunks(col)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    wrote = False
    try:
        for position, path in enumerate(files, start=1):
            try:
                parsed = parse_file(path, limits)
            except Exception as exc:  # whatever a reader raises stays with its file
                report.failed.append(_failure(path, exc))
                continue
            stored = existing.get(parsed.doc_id, [])
            if _unchanged(stored, parsed):
                report.unchanged.append(document_info(parsed.doc_id, stored))
                continue
            label = f"{parsed.name} ({position}/{len(files)})"
            wrote = True

            def step(done: int, total: int, label: str = label) -> None:
                if progress:
                    progress(done, total, label)

            metas = write_document(index, col, parsed, stored, now, step)
            info = document_info(parsed.doc_id, metas, parsed.chars)
            (report.replaced if stored else report.added).append(info)
            report.chunks_added += len(metas)
    finally:
        if wrote:
            refresh_content_hash(index, col)
            index.invalidate()
    report.seconds = round(time.perf_counter() - started, 3)
    return report
