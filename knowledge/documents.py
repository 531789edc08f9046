"""Documents: the user's files in the `org` collection — ingest (idempotent per content), list, remove."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.errors import InputError, StorageError
from knowledge.indexing import CollectionIndex
from knowledge.models import DocumentInfo, IngestFailure, IngestReport
from knowledge.records import INDEX_SCHEMA, digest, document_info, document_records

if TYPE_CHECKING:
    from knowledge.ingest import ParsedDocument


def doc_chunks(col: Any) -> dict[str, list[dict[str, Any]]]:
    """The metadata of every chunk in a collection, grouped by document id."""
    docs: dict[str, list[dict[str, Any]]] = {}
    for m in col.get(include=["metadatas"])["metadatas"]:
        docs.setdefault(str(m.get("doc_id")), []).append(dict(m))
    return docs


def list_documents(index: CollectionIndex) -> list[DocumentInfo]:
    """The user's ingested documents, by name."""
    return sorted(
        (document_info(d, ms) for d, ms in doc_chunks(index.org()).items()),
        key=lambda d: (d.name, d.path),
    )


def refresh_content_hash(index: CollectionIndex, col: Any) -> None:
    """Record the collection's content hash (from its documents' hashes): cached corpora key on it."""
    docs = doc_chunks(col)
    index.set_meta(
        col,
        schema=INDEX_SCHEMA,
        fingerprint=index.embedder.fingerprint,
        content_hash=digest(sorted(f"{d}:{ms[0].get('content_hash')}" for d, ms in docs.items())),
    )


def remove(index: CollectionIndex, doc: str) -> DocumentInfo:
    """Remove a document by id, file name or path; `InputError` if none or several match."""
    col = index.org()
    docs = doc_chunks(col)
    target = doc.strip()
    resolved = str(Path(target).expanduser().resolve()) if target else ""
    matches = [
        d
        for d, ms in docs.items()
        if target in (d, ms[0].get("source"), ms[0].get("path")) or resolved == ms[0].get("path")
    ]
    if not matches:
        raise InputError(
            f"No document '{doc}' in the knowledge base / 知识库中没有该文档",
            hint="`coach kb list` shows the ids and names",
        )
    if len(matches) > 1:
        raise InputError(
            f"'{doc}' matches {len(matches)} documents / 匹配到多个文档",
            hint="Use the id or full path shown by `coach kb list`",
        )
    info = document_info(matches[0], docs[matches[0]])
    try:
        col.delete(where={"doc_id": matches[0]})
        refresh_content_hash(index, col)
    finally:
        index.invalidate()
    return info


def add_paths(index: CollectionIndex, paths: list[Path], progress: Callable | None = None) -> IngestReport:
    """Ingest files and folders into the `org` base; a file whose content is unchanged is skipped."""
    from knowledge.ingest import UnreadableFile, collect_files, parse_file

    started = time.perf_counter()
    report = IngestReport()
    files, problems = collect_files([Path(p) for p in paths])
    report.failed.extend(IngestFailure(path=str(p), reason=r) for p, r in problems)
    col = index.org()
    existing = doc_chunks(col)
    todo: list[ParsedDocument] = []
    for path in files:
        try:
            parsed = parse_file(path)
        except UnreadableFile as exc:
            report.failed.append(IngestFailure(path=str(path), reason=str(exc)))
            continue
        old = existing.get(parsed.doc_id)
        if old and old[0].get("content_hash") == parsed.content_hash:
            report.unchanged.append(document_info(parsed.doc_id, old))
        else:
            todo.append(parsed)
    total = sum(len(d.chunks) for d in todo)
    done = 0
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for parsed in todo:
        ids, docs, metas = document_records(parsed, now)

        def step(n: int, _total: int, label: str, base: int = done) -> None:
            if progress:
                progress(base + n, total, label)

        vectors = index.embed_records(docs, metas, step, parsed.name)
        try:
            col.upsert(ids=ids, documents=docs, metadatas=metas, embeddings=vectors)
            stale = [m["id"] for m in existing.get(parsed.doc_id, []) if m.get("id") not in set(ids)]
            if stale:
                col.delete(ids=stale)
        except Exception as exc:
            raise StorageError(
                f"Cannot write to the knowledge store: {exc} / 写入知识库失败",
                hint="Check free disk space and that COACH_HOME is writable",
            ) from exc
        done += len(ids)
        info = document_info(parsed.doc_id, metas, parsed.chars)
        (report.replaced if parsed.doc_id in existing else report.added).append(info)
        report.chunks_added += len(ids)
    if todo:
        refresh_content_hash(index, col)
        index.invalidate()
    report.seconds = round(time.perf_counter() - started, 3)
    return report
