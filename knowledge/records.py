"""How chunks are stored: the text given to the embedder, Chroma records and metadata, and back.

Pure functions shared by the store (`knowledge.store`) and the benchmark; no Chroma, no model.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from agent.types import Lang, Passage, Stage
from knowledge.models import DocumentInfo
from knowledge.pack import asks, section_gloss, text_lang

if TYPE_CHECKING:
    from knowledge.ingest import ParsedDocument

INDEX_SCHEMA = "3"
"""Bump when the text given to the embedder or the metadata layout changes: forces a re-index."""


def embed_text(meta: dict[str, Any], text: str) -> str:
    """The text the embedder (and BM25) sees: titles and section give a chunk its context.

    Built-in passages: in Chinese, the Chinese and English titles and the source section; in English,
    the English title and the section's English gloss (no Chinese, so the English record is ranked on
    English words). User chunks: the last two headings of the section path (a prefix shared by every chunk of a document only blurs the vectors:
    dev recall@1 0.88 with the whole path, 0.93 with the last two headings), else the document title.
    """
    if meta.get("kb") == "builtin" and meta.get("lang") == "en":
        head = "\n".join(str(x) for x in (meta.get("title_en"), meta.get("section_en")) if x)
    elif meta.get("kb") == "builtin":
        head = " / ".join(str(x) for x in (meta.get("title"), meta.get("title_en")) if x)
        section = str(meta.get("section") or "")
        if section and section not in head:
            head = f"{head}\n{section}" if head else section
    else:
        path = [p for p in str(meta.get("section") or "").split(" > ") if p]
        head = " > ".join(path[-2:]) if path else str(meta.get("doc_title") or "")
    return f"{head}\n{text}" if head else text


def digest(items: Sequence[str]) -> str:
    """SHA-256 over a sequence of strings."""
    h = hashlib.sha256()
    for item in items:
        h.update(item.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


EN_SUFFIX = "@en"
"""Record id suffix of a built-in passage's English text: `poc-steps@en` beside `poc-steps`."""


def passage_id(record_id: str) -> str:
    """The passage id of a record id (`poc-steps@en` → `poc-steps`)."""
    return record_id.removesuffix(EN_SUFFIX)


def pack_records() -> tuple[list[str], list[str], list[dict[str, Any]], str]:
    """Ids, texts and metadata of the built-in pack's records, and the pack's content hash.

    One record per passage and language: the Chinese text under the passage id, the English text
    under `<id>@en`, each with its `lang`, so a query ranks the text in its own language first and the
    passage is still found across languages.
    """
    from knowledge.pack import load_pack

    ids, docs, metas = [], [], []
    for p in load_pack():
        meta: dict[str, Any] = {
            "kb": "builtin",
            "title": p.title,
            "title_en": p.title_en,
            "source": p.source,
            "section": p.section,
            "kind": p.kind,
            "phase": p.phase.value if p.phase else "",
            "stages": ",".join(s.value for s in p.stages),
        }
        meta.update({f"stage_{s.value}": True for s in p.stages})
        ids.append(p.id)
        docs.append(p.text.strip())
        metas.append({**meta, "lang": "zh"})
        if p.text_en:
            ids.append(p.id + EN_SUFFIX)
            docs.append(p.text_en.strip())
            metas.append({**meta, "lang": "en", "section_en": section_gloss(p.section)})
    pack_hash = digest(
        [
            INDEX_SCHEMA,
            *(json.dumps([i, d, m], sort_keys=True) for i, d, m in zip(ids, docs, metas, strict=True)),
        ]
    )
    return ids, docs, metas, pack_hash


def asks_text(record_id: str, meta: dict[str, Any]) -> str:
    """What users ask that a built-in record answers, one a line, in the record's language ('' for the
    user's documents): the text of the BM25 asks field (`knowledge.indexing.Corpus`)."""
    if meta.get("kb") != "builtin":
        return ""
    lang: Lang = "en" if meta.get("lang") == "en" else "zh"
    return "\n".join(asks().get(passage_id(record_id), {}).get(lang, ()))


def asks_digest() -> str:
    """Content hash of every passage's asks: part of the cached BM25 corpus's key."""
    return digest([json.dumps([pid, list(q["zh"]), list(q["en"])]) for pid, q in sorted(asks().items())])


def to_passage(pid: str, text: str, meta: dict[str, Any], score: float) -> Passage:
    """A search hit as the shared `Passage` type."""
    stages = [Stage(s) for s in str(meta.get("stages") or "").split(",") if s]
    builtin = meta.get("kb") == "builtin"
    lang = meta.get("lang") or ("zh" if builtin else text_lang(text))
    return Passage(
        id=passage_id(pid) if builtin else pid,
        text=text,
        title=str(meta.get("title") or ""),
        title_en=str(meta.get("title_en") or ""),
        source=str(meta.get("source") or ""),
        section=str(meta.get("section") or ""),
        stages=stages,
        phase=meta.get("phase") or None,
        kind=meta.get("kind") or "guidance",
        kb=str(meta.get("kb") or "org"),
        score=round(float(score), 4),
        text_en=text if builtin and lang == "en" else "",
        lang="en" if lang == "en" else "zh",
    )


def document_info(doc_id: str, metas: list[dict[str, Any]], chars: int = 0) -> DocumentInfo:
    m = metas[0]
    return DocumentInfo(
        id=doc_id,
        name=str(m.get("source", "")),
        path=str(m.get("path", "")),
        title=str(m.get("doc_title", "")),
        chunks=len(metas),
        chars=chars or sum(int(x.get("chars", 0)) for x in metas),
        content_hash=str(m.get("content_hash", "")),
        added_at=str(m.get("added_at", "")),
    )


def document_records(parsed: ParsedDocument, now: str) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    ids, docs, metas = [], [], []
    for n, chunk in enumerate(parsed.chunks):
        cid = f"{parsed.doc_id}#{n}"
        ids.append(cid)
        docs.append(chunk.text)
        metas.append(
            {
                "kb": "org",
                "id": cid,
                "doc_id": parsed.doc_id,
                "source": parsed.name,
                "path": str(parsed.path),
                "doc_title": parsed.title,
                "title": chunk.title,
                "section": chunk.section,
                "kind": "guidance",
                "chunk": n,
                "chars": len(chunk.text),
                "content_hash": parsed.content_hash,
                "added_at": now,
            }
        )
    return ids, docs, metas
