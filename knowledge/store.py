"""The knowledge base: the built-in pack and the user's documents in Chroma, searched by meaning and words.

A facade over three modules, one responsibility each:
- `knowledge.indexing`: the Chroma collections under `COACH_HOME/kb/`, kept indexed with the current
  pack and embedder, and the cached in-memory views searches read;
- `knowledge.search`: hybrid (vector + BM25) search with stage/kind filters;
- `knowledge.documents`: the user's documents (ingest, list, remove).

The names this module exported before the split are re-exported, so `from knowledge.store import …`
keeps working.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from agent.config import Settings, coach_home, ensure_home, load_settings
from agent.errors import StorageError
from agent.locks import kb_write_lock
from agent.types import Lang, Passage, Stage
from knowledge import documents
from knowledge.embeddings import Embedder, get_embedder
from knowledge.indexing import DEFAULT_TOKENIZER, CollectionIndex, Progress, notice
from knowledge.models import DocumentInfo, IngestReport
from knowledge.ranking import RetrievalMode
from knowledge.records import INDEX_SCHEMA
from knowledge.search import DEFAULT_MODE, PackText, Scope, search

if TYPE_CHECKING:
    from knowledge.limits import IngestLimits

__all__ = [
    "DEFAULT_MODE",
    "DEFAULT_TOKENIZER",
    "INDEX_SCHEMA",
    "KnowledgeBase",
    "Progress",
    "Scope",
    "get_embedder",
    "notice",
]


class KnowledgeBase:
    """Built-in guidance plus the user's documents, searchable together or apart."""

    def __init__(
        self, client: object, embedder: Embedder, root: Path, index: CollectionIndex | None = None
    ) -> None:
        self.index = index or CollectionIndex(client, embedder, root)
        self.mode: RetrievalMode = DEFAULT_MODE
        self.expand_queries = True
        """Add the glossary's guidance terms to queries (`knowledge.expansion`); the eval turns it off."""
        self.pack_text_lang: PackText | None = None
        """Which built-in text a query is matched against: None (shipped) the text in the query's own
        language, else that language or both; the eval compares them."""

    @classmethod
    def open(cls, settings: Settings | None = None) -> KnowledgeBase:
        """Open (creating if needed) the knowledge base under COACH_HOME/kb, or the team's on the
        Chroma server of `COACH_CHROMA_URL` (`knowledge.remote`; COACH_HOME/kb then caches only)."""
        settings = settings or load_settings()
        ensure_home()
        root = coach_home() / "kb"
        if settings.chroma_url:
            from knowledge.remote import RemoteCollectionIndex, http_client

            client, embedder = http_client(settings), get_embedder(settings)
            index = RemoteCollectionIndex(client, embedder, root)
            index.url = settings.chroma_url
            return cls(client, embedder, root, index)
        try:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            (root / "chroma").mkdir(parents=True, exist_ok=True)
            with kb_write_lock(root):  # a fresh store is created (migrated) by one process at a time
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

    @property
    def embedder(self) -> Embedder:
        """The embedding model every vector of this base comes from."""
        return self.index.embedder

    @property
    def root(self) -> Path:
        """`COACH_HOME/kb`."""
        return self.index.root

    @property
    def tokenizer(self) -> str:
        """The BM25 tokenizer (`knowledge.lexical.TOKENIZERS`); the eval compares them."""
        return self.index.tokenizer

    @tokenizer.setter
    def tokenizer(self, value: str) -> None:
        self.index.tokenizer = value

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        stage: Stage | None = None,
        kind: str | None = None,
        scope: Scope = "all",
        lang: Lang | None = None,
    ) -> list[Passage]:
        """The `k` passages best matching `query`, best first, built-in text in `lang` (default: the
        query's language; see `knowledge.search.search`).

        A collection another process was swapping or writing as this one read it ("does not exist",
        or an index segment not yet on disk): wait for that writer (`kb_write_lock`), forget the
        cached handles and read once more, holding the lock so no writer moves it again."""

        def run() -> list[Passage]:
            return search(
                self.index,
                query,
                k=k,
                stage=stage,
                kind=kind,
                scope=scope,
                mode=self.mode,
                expand_queries=self.expand_queries,
                lang=lang,
                pack_text=self.pack_text_lang,
            )

        try:
            return run()
        except Exception as exc:
            if not _swapped_under_us(exc):
                raise
        with kb_write_lock(self.root):
            self.index.invalidate()
            self.index.forget_checks()
            return run()

    def ensure_builtin(self) -> int:
        """Index the built-in pack if needed; the number of passages indexed."""
        return self.index.ensure_builtin()

    def list_documents(self) -> list[DocumentInfo]:
        """The user's ingested documents, by name."""
        return documents.list_documents(self.index)

    def remove(self, doc: str) -> DocumentInfo:
        """Remove a document by id, file name or path; `InputError` if none or several match."""
        with kb_write_lock(self.root):
            self.index.invalidate()  # what another process wrote before this lock is read again
            return documents.remove(self.index, doc)

    def add_paths(
        self, paths: list[Path], progress: Progress | None = None, limits: IngestLimits | None = None
    ) -> IngestReport:
        """Ingest files and folders into the `org` base, file by file, within `limits`: a file that
        cannot be read is reported and the others go on (`knowledge.ingest_batch`)."""
        from knowledge.ingest_batch import add_paths  # reading files needs lxml, pypdf, bs4: only here

        with kb_write_lock(self.root):  # one writer at a time: two writers damage the store
            self.index.invalidate()
            return add_paths(self.index, paths, progress=progress, limits=limits)


_WRITTEN_UNDER_US = ("does not exist", "notfound", "nothing found on disk", "hnsw segment reader")
"""Chroma's errors for a collection deleted (swapped) by another process after we looked it up, and
for an index segment another process was writing as we opened it (seen with `kb add` and `kb search`
run at once on a loaded machine: "Error creating hnsw segment reader: Nothing found on disk")."""


def _swapped_under_us(exc: BaseException) -> bool:
    """Whether `exc` is another process's write met mid-way (read again after it), not a fault."""
    text = f"{type(exc).__name__}: {exc}".lower()
    return any(marker in text for marker in _WRITTEN_UNDER_US)
