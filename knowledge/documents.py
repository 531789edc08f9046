"""Documents: the user's files in the `org` collection — ingest (idempotent per content), list, remove."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.errors import InputError
from knowledge.indexing import CollectionIndex
from knowledge.models import DocumentInfo
from knowledge.records import INDEX_SCHEMA, digest, document_info

if TYPE_CHECKING:
    pass


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
