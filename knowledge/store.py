"""The knowledge base: the built-in pack and the user's documents in Chroma, searched by meaning and words.

Layout under `COACH_HOME/kb/`: `chroma/` (a persistent Chroma client, one collection per knowledge base:
`builtin` and `org`) and `lexical/` (cached BM25 indexes). Vectors are computed by `knowledge.embeddings`
and passed to Chroma explicitly; Chroma's own embedding function is never used (it would download a
model). Each collection records the embedder `fingerprint`; a different embedder re-indexes the
collection (never mixing vectors) and says so in one line.

Filters: `stage` applies to built-in passages (user documents carry no stage, so their chunks still
compete under any stage filter); `kind` applies to both (user chunks are `guidance`).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from agent.config import Settings, coach_home, ensure_home, load_settings
from agent.errors import InputError, StorageError
from agent.types import Passage, Stage
from knowledge.embeddings import Embedder, get_embedder
from knowledge.lexical import BM25Index, cached
from knowledge.models import DocumentInfo, IngestReport
from knowledge.ranking import (
    EXPANSION_WEIGHT,
    LEXICAL_WEIGHT,
    VECTOR_WEIGHT,
    RetrievalMode,
    relative_score_fusion,
)
from knowledge.records import (
    INDEX_SCHEMA,
    digest,
    document_info,
    embed_text,
    pack_records,
    to_passage,
)

if TYPE_CHECKING:
    from knowledge.limits import IngestLimits

Scope = Literal["all", "builtin", "org"]
Progress = Callable[[int, int, str], None]
"""progress(done_chunks, total_chunks, label)"""

DEFAULT_MODE: RetrievalMode = "hybrid"
DEFAULT_TOKENIZER = "char"
_BATCH = 32


def _notice_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


notice: Callable[[str], None] = _notice_stderr
"""Where one-line notices (first indexing, re-indexing) go; a front may replace it."""


class _Corpus:
    """The searched collections' chunks in memory with one BM25 index over them (cached by content hash)."""

    def __init__(
        self, keys: list[tuple[str, str]], docs: list[str], metas: list[dict[str, Any]], tokenizer: str
    ):
        self.keys, self.docs, self.metas = keys, docs, metas
        texts = [embed_text(m, d) for d, m in zip(docs, metas, strict=True)]
        self.bm25 = BM25Index.build([f"{n}\x00{p}" for n, p in keys], texts, tokenizer)
        self.pos = {key: i for i, key in enumerate(keys)}


@dataclass
class _View:
    """What a search over some collections needs, kept between queries while the store is unchanged."""

    cols: list[tuple[str, Any]]
    """(name, collection handle) of the searched collections that hold chunks."""
    corpus: _Corpus | None
    per_base: Counter[str]
    allowed: dict[tuple[str | None, str | None], tuple[set[str], Counter[str]]] = field(default_factory=dict)
    """(stage, kind) -> the chunk keys passing that filter and their count per base."""


class KnowledgeBase:
    """Built-in guidance plus the user's documents, searchable together or apart."""

    def __init__(self, client: Any, embedder: Embedder, root: Path) -> None:
        self._client = client
        self.embedder = embedder
        self.root = root
        self.mode: RetrievalMode = DEFAULT_MODE
        self.tokenizer = DEFAULT_TOKENIZER
        self.expand_queries = True
        """Add the glossary's guidance terms to queries (`knowledge.expansion`); the eval turns it off."""
        self._checked: set[str] = set()
        self._handles: dict[str, Any] = {}
        self._views: dict[tuple[str, ...], _View] = {}
        self._version: tuple[int, ...] | None = None

    @classmethod
    def open(cls, settings: Settings | None = None) -> KnowledgeBase:
        """Open (creating if needed) the knowledge base under COACH_HOME/kb."""
        settings = settings or load_settings()
        ensure_home()
        root = coach_home() / "kb"
        try:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            (root / "chroma").mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(
                path=str(root / "chroma"),
                settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
            )
        except StorageError:
            raise
        except Exception as exc:
            raise StorageError(
                f"Cannot open the knowledge store at {root / 'chroma'}: {exc} / 无法打开知识库",
                hint="Check the folder is writable; if it is corrupt, delete it and run `coach kb add` again",
            ) from exc
        return cls(client, get_embedder(settings), root)

    # ---- collections -------------------------------------------------------------------------
    def _collection(self, name: str) -> Any:
        col = self._handles.get(name)
        if col is None:
            col = self._client.get_or_create_collection(
                name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
            self._handles[name] = col
        return col

    def _store_version(self) -> tuple[int, ...]:
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

    def _invalidate(self) -> None:
        """Forget cached handles, counts and corpora: the next search reads the store again."""
        self._handles.clear()
        self._views.clear()
        self._version = None

    def _view(self, names: list[str]) -> _View:
        """Handles, chunk counts and corpus of the searched collections, re-read only after a write.

        The store is re-read when its version changed (a write by this or another process), so a search
        costs no Chroma round trip besides the vector query itself.
        """
        if self._version is None or self._store_version() != self._version:
            self._invalidate()
        key = (*names, self.tokenizer)
        view = self._views.get(key)
        if view is None:
            cols = [(n, self._builtin() if n == "builtin" else self._org()) for n in names]
            cols = [(n, c) for n, c in cols if c.count()]
            corpus = self._corpus(cols) if cols else None
            per_base = Counter(n for n, _ in corpus.keys) if corpus else Counter()
            view = self._views[key] = _View(cols, corpus, per_base)
            self._version = self._store_version()  # after any indexing the checks above did
        return view

    def _filtered(self, view: _View, stage: str | None, kind: str | None) -> tuple[set[str], Counter[str]]:
        """Chunk keys (`base\x00id`) passing the stage/kind filter, and their count per base."""
        got = view.allowed.get((stage, kind))
        if got is None:
            corpus = view.corpus
            assert corpus is not None
            allowed = {
                f"{n}\x00{p}"
                for (n, p), m in zip(corpus.keys, corpus.metas, strict=True)
                if (kind is None or m.get("kind", "guidance") == kind)
                and (stage is None or n != "builtin" or m.get(f"stage_{stage}"))
            }
            got = view.allowed[(stage, kind)] = (allowed, Counter(k.split("\x00", 1)[0] for k in allowed))
        return got

    def _meta(self, col: Any) -> dict[str, Any]:
        return dict(col.metadata or {})

    def _set_meta(self, col: Any, **values: Any) -> None:
        meta = self._meta(col)
        meta.update(values)
        col.modify(metadata=meta)

    def _swap_in(
        self,
        name: str,
        ids: list[str],
        docs: list[str],
        metas: list[dict[str, Any]],
        vectors: Any,
        extra: dict[str, Any],
    ) -> Any:
        """Write a whole collection under a temporary name, then replace `name` with it."""
        tmp = f"{name}__rebuild"
        with contextlib.suppress(Exception):
            self._client.delete_collection(tmp)
        col = self._client.create_collection(
            tmp,
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
        with contextlib.suppress(Exception):
            self._client.delete_collection(name)
        col.modify(name=name)
        return self._client.get_collection(name, embedding_function=None)

    def _embed_records(
        self, docs: list[str], metas: list[dict[str, Any]], progress: Progress | None = None, label: str = ""
    ) -> Any:
        import numpy as np

        texts = [embed_text(m, d) for d, m in zip(docs, metas, strict=True)]
        out = []
        for i in range(0, len(texts), _BATCH):
            out.append(self.embedder.embed_passages(texts[i : i + _BATCH]))
            if progress:
                progress(min(i + _BATCH, len(texts)), len(texts), label)
        return np.vstack(out) if out else np.zeros((0, self.embedder.dim), dtype=np.float32)

    def _builtin(self) -> Any:
        """The built-in collection, indexed (or re-indexed when the pack or the embedder changed)."""
        col = self._collection("builtin")
        if "builtin" in self._checked:
            return col
        ids, docs, metas, digest = pack_records()
        meta = self._meta(col)
        fingerprint = self.embedder.fingerprint
        if (
            meta.get("pack_hash") != digest
            or meta.get("fingerprint") != fingerprint
            or col.count() != len(ids)
        ):
            if meta.get("fingerprint") and meta.get("fingerprint") != fingerprint:
                notice(
                    f"知识库：向量模型已变更，重建内置知识索引 / Embedding model changed "
                    f"({meta.get('fingerprint')} → {fingerprint}): re-indexing the built-in pack"
                )
            elif not meta.get("pack_hash"):
                notice(
                    f"知识库：首次使用，正在为内置知识包建立索引（{len(ids)} 段）/ "
                    f"Indexing the built-in pack ({len(ids)} passages), first use only"
                )
            vectors = self._reuse_or_embed(col, meta, ids, docs, metas)
            col = self._swap_in(
                "builtin", ids, docs, metas, vectors, {"pack_hash": digest, "content_hash": digest}
            )
            self._handles["builtin"] = col
        self._checked.add("builtin")
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

    def _org(self) -> Any:
        """The user's collection; re-embedded when the embedder changed."""
        col = self._collection("org")
        if "org" in self._checked:
            return col
        meta = self._meta(col)
        fingerprint = self.embedder.fingerprint
        stale_schema = meta.get("fingerprint") == fingerprint and meta.get("schema") != INDEX_SCHEMA
        if col.count() and (meta.get("fingerprint") != fingerprint or stale_schema):
            if stale_schema:
                notice(
                    f"知识库：索引格式已升级，重建文档索引 / Index format upgraded: "
                    f"re-indexing {col.count()} chunks of your documents"
                )
            else:
                notice(
                    f"知识库：向量模型已变更，重建文档索引 / Embedding model changed "
                    f"({meta.get('fingerprint')} → {fingerprint}): re-indexing {col.count()} chunks of your documents"
                )
            got = col.get(include=["documents", "metadatas"])
            metas = [dict(m) for m in got["metadatas"]]
            vectors = self._embed_records(got["documents"], metas)
            col = self._swap_in(
                "org",
                got["ids"],
                got["documents"],
                metas,
                vectors,
                {"content_hash": meta.get("content_hash", "")},
            )
            self._handles["org"] = col
        elif not meta.get("fingerprint"):
            self._set_meta(col, schema=INDEX_SCHEMA, fingerprint=fingerprint)
        self._checked.add("org")
        return col

    def _corpus(self, cols: list[tuple[str, Any]]) -> _Corpus:
        """Chunks and BM25 index of the collections searched together (memory, then disk, then built)."""
        hashes = [f"{n}:{self._meta(c).get('content_hash') or 'empty'}:{c.count()}" for n, c in cols]
        key = digest([*hashes, self.tokenizer, INDEX_SCHEMA])
        name = "+".join(n for n, _ in cols) + f"-{self.tokenizer}"

        def build() -> _Corpus:
            keys: list[tuple[str, str]] = []
            docs: list[str] = []
            metas: list[dict[str, Any]] = []
            for n, col in cols:
                got = col.get(include=["documents", "metadatas"])
                keys += [(n, pid) for pid in got["ids"]]
                docs += list(got["documents"])
                metas += [dict(m) for m in got["metadatas"]]
            return _Corpus(keys, docs, metas, self.tokenizer)

        return cached(self.root / "lexical", name, key, build)

    # ---- search ------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        k: int = 5,
        stage: Stage | None = None,
        kind: str | None = None,
        scope: Literal["all", "builtin", "org"] = "all",
    ) -> list[Passage]:
        """The `k` passages best matching `query`, best first, score in `Passage.score` (0..1).

        Hybrid by default: the query with its glossary terms is embedded once and searched in Chroma (ids
        and distances only), and scored with BM25 over the cached corpus; the two rankings are fused by
        relative score (`knowledge.ranking`). Texts and metadata come from the in-memory corpus, so a
        search makes one Chroma call per searched base and nothing else (see `_view`).
        """
        query = query.strip()
        if not query:
            raise InputError("Empty search query / 查询内容为空", hint="Type a question or keywords")
        if k < 1:
            raise InputError(f"k must be at least 1, got {k} / k 至少为 1")
        names = {"all": ["builtin", "org"], "builtin": ["builtin"], "org": ["org"]}[scope]
        view = self._view(names)
        corpus = view.corpus
        if corpus is None:
            return []
        depth = max(4 * k, 20)
        stage_value = Stage(stage).value if stage else None
        terms: list[str] = []
        if self.expand_queries:
            from knowledge.expansion import expansion_terms

            terms = expansion_terms(query)
        qvecs = self._query_vector(query, terms) if self.mode != "lexical" else None
        vectors: list[list[tuple[float, str, str]]] = [[]]
        allowed: set[str] | None = None  # None: no filter, every chunk competes
        per_base = view.per_base
        if kind is not None or stage_value is not None:
            allowed, per_base = self._filtered(view, stage_value, kind)
            if not allowed:
                return []
        for name, col in view.cols if qvecs is not None else []:
            n_allowed = per_base[name]
            if not n_allowed:
                continue
            res = col.query(
                query_embeddings=[v.tolist() for v in qvecs],  # type: ignore[union-attr]
                n_results=min(depth, n_allowed),
                where=self._where(name, stage_value, kind),
                include=["distances"],
            )
            for i, (ids, dists) in enumerate(zip(res["ids"], res["distances"], strict=True)):
                vectors[i].extend(
                    (1.0 - float(d), name, pid)
                    for pid, d in zip(ids, dists, strict=True)
                    if (name, pid) in corpus.pos  # written since the view was read: next search has it
                )
        lexical: list[tuple[float, str, str]] = []
        if self.mode != "vector":
            hits = corpus.bm25.search(
                query, depth, allowed, extra=" ".join(terms), extra_weight=EXPANSION_WEIGHT
            )
            for key, score in hits:
                n, p = key.split("\x00", 1)
                lexical.append((score, n, p))
        rankings: list[list[tuple[float, str, str]]] = []
        weights: list[float] = []
        if self.mode != "lexical":
            rankings += [sorted(v, key=lambda t: -t[0]) for v in vectors]
            weights += [VECTOR_WEIGHT / len(vectors)] * len(vectors)
        if self.mode != "vector":
            rankings.append(sorted(lexical, key=lambda t: -t[0]))
            weights.append(LEXICAL_WEIGHT)
        if len(rankings) == 1:
            top = max((t[0] for t in rankings[0]), default=1.0) if self.mode == "lexical" else 1.0
            ranked = [((n, p), s / top) for s, n, p in rankings[0]]
        else:
            keyed = [[(f"{n}\x00{p}", s) for s, n, p in r] for r in rankings]
            fused = relative_score_fusion(keyed, weights)
            ranked = [(tuple(key.split("\x00", 1)), s) for key, s in fused]  # type: ignore[misc]
        out: list[Passage] = []
        for (name, pid), score in ranked[:k]:
            i = corpus.pos[(name, pid)]
            out.append(to_passage(pid, corpus.docs[i], corpus.metas[i], score))
        return out

    def _query_vector(self, query: str, terms: list[str]) -> Any:
        """The query's vector (one row): one embedding per query, the user's words first, then the terms."""
        return self.embedder.embed_queries([f"{query} {' '.join(terms)}" if terms else query])

    @staticmethod
    def _where(name: str, stage: str | None, kind: str | None) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if stage and name == "builtin":
            clauses.append({f"stage_{stage}": True})
        if kind:
            clauses.append({"kind": kind})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def ensure_builtin(self) -> int:
        """Index the built-in pack if needed; the number of passages indexed."""
        return int(self._builtin().count())

    # ---- documents ---------------------------------------------------------------------------
    def _doc_chunks(self, col: Any) -> dict[str, list[dict[str, Any]]]:
        docs: dict[str, list[dict[str, Any]]] = {}
        for m in col.get(include=["metadatas"])["metadatas"]:
            docs.setdefault(str(m.get("doc_id")), []).append(dict(m))
        return docs

    def list_documents(self) -> list[DocumentInfo]:
        """The user's ingested documents, by name."""
        return sorted(
            (document_info(d, ms) for d, ms in self._doc_chunks(self._org()).items()),
            key=lambda d: (d.name, d.path),
        )

    def _refresh_content_hash(self, col: Any) -> None:
        docs = self._doc_chunks(col)
        self._set_meta(
            col,
            schema=INDEX_SCHEMA,
            fingerprint=self.embedder.fingerprint,
            content_hash=digest(sorted(f"{d}:{ms[0].get('content_hash')}" for d, ms in docs.items())),
        )

    def remove(self, doc: str) -> DocumentInfo:
        """Remove a document by id, file name or path; `InputError` if none or several match."""
        col = self._org()
        docs = self._doc_chunks(col)
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
            self._refresh_content_hash(col)
        finally:
            self._invalidate()
        return info

    def add_paths(
        self, paths: list[Path], progress: Progress | None = None, limits: IngestLimits | None = None
    ) -> IngestReport:
        """Ingest files and folders into the `org` base, file by file, within `limits`: a file that
        cannot be read is reported and the others go on (`knowledge.ingest_batch`)."""
        from knowledge.ingest_batch import add_paths  # reading files needs lxml, pypdf, bs4: only here

        return add_paths(self, paths, progress=progress, limits=limits)
