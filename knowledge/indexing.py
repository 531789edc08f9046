"""Indexing: the Chroma collections (`builtin`, `org`) kept current with the pack and the embedder.

Layout under `COACH_HOME/kb/`: `chroma/` (a persistent Chroma client, one collection per knowledge base)
and `lexical/` (cached BM25 indexes). Vectors are computed by `knowledge.embeddings` and passed to Chroma
explicitly; Chroma's own embedding function is never used (it would download a model). Each collection
records the embedder `fingerprint`; a different embedder re-indexes the collection (never mixing vectors)
and says so in one line through `notice`.

`CollectionIndex` also keeps, per set of searched collections, the handles, the chunks in memory and
their BM25 index (`View`), re-read only after a write to the store (by this or another process).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.locks import kb_write_lock
from knowledge.embeddings import Embedder
from knowledge.lexical import BM25Index, cached
from knowledge.records import INDEX_SCHEMA, asks_digest, asks_text, digest, embed_text, pack_records

Progress = Callable[[int, int, str], None]
"""progress(done_chunks, total_chunks, label)"""

DEFAULT_TOKENIZER = "char"
_BATCH = 32


def _notice_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


notice: Callable[[str], None] = _notice_stderr
"""Where one-line notices (first indexing, re-indexing) go; a front may replace it."""


def _say(message: str) -> None:
    # looked up at call time, so replacing `knowledge.indexing.notice` takes effect at once
    notice(message)


class Corpus:
    """The searched collections' chunks in memory with one BM25 index over them (cached by content hash)."""

    def __init__(
        self, keys: list[tuple[str, str]], docs: list[str], metas: list[dict[str, Any]], tokenizer: str
    ):
        self.keys, self.docs, self.metas = keys, docs, metas
        texts = [embed_text(m, d) for d, m in zip(docs, metas, strict=True)]
        ids = [f"{n}\x00{p}" for n, p in keys]
        self.bm25 = BM25Index.build(ids, texts, tokenizer)
        self.asks = BM25Index.build(
            ids, [asks_text(p, m) for (_, p), m in zip(keys, metas, strict=True)], tokenizer
        )
        """BM25 over what users ask each built-in record answers (`pack/asks/`); empty for the rest."""
        self.pos = {key: i for i, key in enumerate(keys)}


@dataclass
class View:
    """What a search over some collections needs, kept between queries while the store is unchanged."""

    cols: list[tuple[str, Any]]
    """(name, collection handle) of the searched collections that hold chunks."""
    corpus: Corpus | None
    per_base: Counter[str]
    allowed: dict[tuple[str | None, str | None, str | None], tuple[set[str], Counter[str]]] = field(
        default_factory=dict
    )
    """(stage, kind) -> the chunk keys passing that filter and their count per base."""


class CollectionIndex:
    """The two Chroma collections, indexed with one embedder, and the cached views searches read."""

    shared = False
    """Whether other clients write to the same collections (a Chroma server, `knowledge.remote`)."""

    def __init__(self, client: Any, embedder: Embedder, root: Path) -> None:
        self.client = client
        self.embedder = embedder
        self.root = root
        self.tokenizer = DEFAULT_TOKENIZER
        """The BM25 tokenizer of the views built from now on (`knowledge.lexical.TOKENIZERS`)."""
        self._checked: set[str] = set()
        self._handles: dict[str, Any] = {}
        self._views: dict[tuple[str, ...], View] = {}
        self._version: tuple[int, ...] | None = None

    # ---- collections -------------------------------------------------------------------------
    def collection(self, name: str) -> Any:
        """The Chroma collection `name` as it is (created empty if missing; not checked)."""
        col = self._handles.get(name)
        if col is None:
            col = self.client.get_or_create_collection(
                name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
            self._handles[name] = col
        return col

    def store_version(self) -> tuple[int, ...]:
        """Changes whenever any process commits to the Chroma store (a few microseconds to read).

        SQLite's file change counter (header bytes 24-27, bumped by every commit in rollback-journal mode,
        which Chroma uses) plus the file's identity, size and modification time.
        """
        path = self.root / "chroma" / "chroma.sqlite3"
        try:
            st = os.stat(path)
            with path.open("rb") as fh:
                fh.seek(24)
                counter = int.from_bytes(fh.read(4), "big")
        except OSError:
            return ()
        return (st.st_ino, st.st_size, st.st_mtime_ns, counter)

    def invalidate(self) -> None:
        """Forget cached handles, counts and corpora: the next search reads the store again."""
        self._handles.clear()
        self._views.clear()
        self._version = None

    def view(self, names: list[str]) -> View:
        """Handles, chunk counts and corpus of the searched collections, re-read only after a write.

        The store is re-read when its version changed (a write by this or another process), so a search
        costs no Chroma round trip besides the vector query itself.
        """
        if self._version is None or self.store_version() != self._version:
            self.invalidate()
        key = (*names, self.tokenizer)
        view = self._views.get(key)
        if view is None:
            cols = [(n, self.builtin() if n == "builtin" else self.org()) for n in names]
            cols = [(n, c) for n, c in cols if c.count()]
            corpus = self._corpus(cols) if cols else None
            per_base = Counter(n for n, _ in corpus.keys) if corpus else Counter()
            view = self._views[key] = View(cols, corpus, per_base)
            self._version = self.store_version()  # after any indexing the checks above did
        return view

    @staticmethod
    def filtered(
        view: View, stage: str | None, kind: str | None, lang: str | None = None
    ) -> tuple[set[str], Counter[str]]:
        """Chunk keys (`base\x00id`) passing the stage/kind/built-in text language filter, and their
        count per base."""
        got = view.allowed.get((stage, kind, lang))
        if got is None:
            corpus = view.corpus
            assert corpus is not None
            allowed = {
                f"{n}\x00{p}"
                for (n, p), m in zip(corpus.keys, corpus.metas, strict=True)
                if (kind is None or m.get("kind", "guidance") == kind)
                and (stage is None or n != "builtin" or m.get(f"stage_{stage}"))
                and (lang is None or n != "builtin" or m.get("lang", "zh") == lang)
            }
            got = view.allowed[(stage, kind, lang)] = (
                allowed,
                Counter(k.split("\x00", 1)[0] for k in allowed),
            )
        return got

    @staticmethod
    def meta(col: Any) -> dict[str, Any]:
        """A collection's metadata (a copy)."""
        return dict(col.metadata or {})

    def set_meta(self, col: Any, **values: Any) -> None:
        """Update some of a collection's metadata keys."""
        meta = self.meta(col)
        meta.update(values)
        col.modify(metadata=meta)

    def fill(
        self,
        name: str,
        ids: list[str],
        docs: list[str],
        metas: list[dict[str, Any]],
        vectors: Any,
        extra: dict[str, Any],
    ) -> Any:
        """Create the collection `name` (cosine, this store's schema and embedder) holding the rows."""
        col = self.client.create_collection(
            name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"schema": INDEX_SCHEMA, "fingerprint": self.embedder.fingerprint, **extra},
        )
        for i in range(0, len(ids), 256):
            col.add(
                ids=ids[i : i + 256],
                documents=docs[i : i + 256],
                metadatas=metas[i : i + 256],
                embeddings=vectors[i : i + 256],
            )
        return col

    def swap_in(
        self,
        name: str,
        ids: list[str],
        docs: list[str],
        metas: list[dict[str, Any]],
        vectors: Any,
        extra: dict[str, Any],
    ) -> Any:
        """Write a whole collection under a temporary name, then replace `name` with it.

        On a shared server (`shared`) the temporary name is this client's own, and a name another client's
        identical copy took meanwhile is kept (this copy is dropped)."""
        tmp = self.rebuild_name(name)
        with contextlib.suppress(Exception):
            self.client.delete_collection(tmp)  # left by an interrupted rebuild
        col = self.fill(tmp, ids, docs, metas, vectors, extra)
        with contextlib.suppress(Exception):
            self.client.delete_collection(name)
        try:
            col.modify(name=name)
        except Exception:
            if not self.shared:
                raise
            self.client.delete_collection(tmp)  # another client's identical copy got there first
        return self.client.get_collection(name, embedding_function=None)

    def rebuild_name(self, name: str) -> str:
        """The temporary name a rebuilt collection is written under before it replaces `name`."""
        return f"{name}__rebuild"

    def embed_records(
        self, docs: list[str], metas: list[dict[str, Any]], progress: Progress | None = None, label: str = ""
    ) -> Any:
        """Vectors of the records' embedded texts, in batches, reporting progress after each."""
        import numpy as np

        texts = [embed_text(m, d) for d, m in zip(docs, metas, strict=True)]
        out = []
        for i in range(0, len(texts), _BATCH):
            out.append(self.embedder.embed_passages(texts[i : i + _BATCH]))
            if progress:
                progress(min(i + _BATCH, len(texts)), len(texts), label)
        return np.vstack(out) if out else np.zeros((0, self.embedder.dim), dtype=np.float32)

    def forget_checks(self) -> None:
        """Check the collections against the pack and the embedder again on next use."""
        self._checked.clear()

    def builtin(self) -> Any:
        """The built-in collection, indexed (or re-indexed when the pack or the embedder changed)."""
        col = self.collection("builtin")
        if "builtin" in self._checked:
            return col
        ids, docs, metas, pack_digest = pack_records()
        fingerprint = self.embedder.fingerprint

        def outdated(col: Any) -> bool:
            meta = self.meta(col)
            return bool(
                meta.get("pack_hash") != pack_digest
                or meta.get("fingerprint") != fingerprint
                or col.count() != len(ids)
            )

        if outdated(col):
            # one builder at a time; another process may have built it while this one waited
            with kb_write_lock(self.root):
                self._handles.pop("builtin", None)
                col = self.collection("builtin")
                if outdated(col):
                    col = self._build_builtin(col, ids, docs, metas, pack_digest)
        self._checked.add("builtin")
        return col

    def _build_builtin(
        self, col: Any, ids: list[str], docs: list[str], metas: list[dict[str, Any]], pack_digest: str
    ) -> Any:
        """(Re)index the built-in pack into a fresh collection swapped in for `builtin`."""
        meta = self.meta(col)
        fingerprint = self.embedder.fingerprint
        if meta.get("fingerprint") and meta.get("fingerprint") != fingerprint:
            _say(
                f"知识库：向量模型已变更，重建内置知识索引 / Embedding model changed "
                f"({meta.get('fingerprint')} → {fingerprint}): re-indexing the built-in pack"
            )
        elif not meta.get("pack_hash"):
            _say(
                f"知识库：首次使用，正在为内置知识包建立索引（{len(ids)} 段）/ "
                f"Indexing the built-in pack ({len(ids)} passages), first use only"
            )
        vectors = self._reuse_or_embed(col, meta, ids, docs, metas)
        col = self.swap_in(
            "builtin", ids, docs, metas, vectors, {"pack_hash": pack_digest, "content_hash": pack_digest}
        )
        self._handles["builtin"] = col
        return col

    def _reuse_or_embed(
        self, col: Any, meta: dict[str, Any], ids: list[str], docs: list[str], metas: list[dict[str, Any]]
    ) -> Any:
        """Vectors for the records, reusing stored ones whose embedded text is unchanged (same embedder)."""
        import numpy as np

        texts = [embed_text(m, d) for d, m in zip(docs, metas, strict=True)]
        known: dict[str, Any] = {}
        if meta.get("fingerprint") == self.embedder.fingerprint and col.count():
            old = col.get(include=["documents", "metadatas", "embeddings"])
            for d, m, v in zip(old["documents"], old["metadatas"], old["embeddings"], strict=True):
                known[embed_text(dict(m), d)] = v
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            # the vectors computed at build time for the bundled embedder (knowledge/shipped.py)
            from knowledge.shipped import shipped_vectors, text_digest

            shipped = shipped_vectors(self.embedder.fingerprint)
            for t in missing:
                if (v := shipped.get(text_digest(t))) is not None:
                    known[t] = v
            missing = [t for t in missing if t not in known]
        for i in range(0, len(missing), _BATCH):
            batch = missing[i : i + _BATCH]
            for t, v in zip(batch, self.embedder.embed_passages(batch), strict=True):
                known[t] = v
        return np.asarray([known[t] for t in texts], dtype=np.float32)

    def org(self) -> Any:
        """The user's collection; re-embedded when the embedder changed."""
        col = self.collection("org")
        if "org" in self._checked:
            return col
        meta = self.meta(col)
        fingerprint = self.embedder.fingerprint
        stale_schema = meta.get("fingerprint") == fingerprint and meta.get("schema") != INDEX_SCHEMA
        if col.count() and (meta.get("fingerprint") != fingerprint or stale_schema):
            with kb_write_lock(self.root):
                col = self._reindex_org(col, meta, stale_schema)
        elif not meta.get("fingerprint"):
            with kb_write_lock(self.root):
                self.set_meta(col, schema=INDEX_SCHEMA, fingerprint=fingerprint)
        self._checked.add("org")
        return col

    def _reindex_org(self, col: Any, meta: dict[str, Any], stale_schema: bool) -> Any:
        """Re-embed the user's chunks (embedder changed or index format upgraded)."""
        fingerprint = self.embedder.fingerprint
        if stale_schema:
            _say(
                f"知识库：索引格式已升级，重建文档索引 / Index format upgraded: "
                f"re-indexing {col.count()} chunks of your documents"
            )
        else:
            _say(
                f"知识库：向量模型已变更，重建文档索引 / Embedding model changed "
                f"({meta.get('fingerprint')} → {fingerprint}): re-indexing {col.count()} chunks of your documents"
            )
        got = col.get(include=["documents", "metadatas"])
        metas = [dict(m) for m in got["metadatas"]]
        vectors = self.embed_records(got["documents"], metas)
        col = self.swap_in(
            "org",
            got["ids"],
            got["documents"],
            metas,
            vectors,
            {"content_hash": meta.get("content_hash", "")},
        )
        self._handles["org"] = col
        return col

    def _corpus(self, cols: list[tuple[str, Any]]) -> Corpus:
        """Chunks and BM25 index of the collections searched together (memory, then disk, then built)."""
        hashes = [f"{n}:{self.meta(c).get('content_hash') or 'empty'}:{c.count()}" for n, c in cols]
        key = digest([*hashes, self.tokenizer, INDEX_SCHEMA, asks_digest()])
        name = "+".join(n for n, _ in cols) + f"-{self.tokenizer}"

        def build() -> Corpus:
            keys: list[tuple[str, str]] = []
            docs: list[str] = []
            metas: list[dict[str, Any]] = []
            for n, col in cols:
                got = col.get(include=["documents", "metadatas"])
                keys += [(n, pid) for pid in got["ids"]]
                docs += list(got["documents"])
                metas += [dict(m) for m in got["metadatas"]]
            return Corpus(keys, docs, metas, self.tokenizer)

        return cached(self.root / "lexical", name, key, build)

    def ensure_builtin(self) -> int:
        """Index the built-in pack if needed; the number of passages indexed."""
        return int(self.builtin().count())
