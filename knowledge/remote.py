"""Team mode knowledge: the organisation's knowledge base on a Chroma server (`COACH_CHROMA_URL`).

Everyone shares the collections, so a client never re-indexes them on its own: the store version
(`schema`), the embedding model (`fingerprint`) and the guidance pack (`pack_hash`) are kept in each
collection's metadata, and a client whose embedder or pack differs from the shared collection's is
refused with a message saying which and what to do. The first client to meet an empty server
indexes the built-in pack. The version that invalidates cached search views is read from the
collections' metadata and counts (the embedded store reads its SQLite file header instead).
`COACH_CHROMA_TOKEN` goes out as `Authorization: Bearer …` and `X-Chroma-Token` for a proxy in front
of the server (the server itself has no authentication).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from agent.config import Settings
from agent.errors import StorageError
from knowledge.indexing import CollectionIndex
from knowledge.records import INDEX_SCHEMA, pack_records


def token_headers(settings: Settings) -> dict[str, str]:
    """The headers carrying the token to the server's proxy (none without a token)."""
    if settings.chroma_token is None or not settings.chroma_token.get_secret_value():
        return {}
    token = settings.chroma_token.get_secret_value()
    return {"Authorization": f"Bearer {token}", "X-Chroma-Token": token}


def http_client(settings: Settings) -> Any:
    """A Chroma HttpClient for `settings.chroma_url`; StorageError when the server cannot be reached."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    url = settings.chroma_url or ""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    ssl = parts.scheme == "https"
    try:
        client = chromadb.HttpClient(
            host=parts.hostname or "localhost",
            port=parts.port or (443 if ssl else 8000),
            ssl=ssl,
            headers=token_headers(settings),
            settings=ChromaSettings(anonymized_telemetry=False),
        )
        client.heartbeat()
    except Exception as exc:
        raise StorageError(
            f"Cannot reach the Chroma server at {url}: {type(exc).__name__}: {str(exc)[:200]} "
            "/ 无法连接团队知识库服务器",
            hint="Check COACH_CHROMA_URL (and COACH_CHROMA_TOKEN behind a proxy), or unset it to use "
            "the personal store / 请检查地址和令牌，或取消该变量以使用本机知识库",
        ) from exc
    return client


class RemoteCollectionIndex(CollectionIndex):
    """The shared collections on a Chroma server: checked against this client, never re-indexed."""

    url: str = ""
    shared = True

    def _refuse(self, name: str, what: str, theirs: Any, ours: Any) -> StorageError:
        return StorageError(
            f"The shared knowledge base at {self.url} (collection '{name}') was built with {what} "
            f"{theirs}; this coach has {ours}. Not re-indexing everyone's data "
            f"/ 团队知识库的{_ZH[what]}与本机不同，已拒绝（不会重建共享索引）",
            hint="Use the same coach version and COACH_EMBEDDING_MODEL as your team, or ask the "
            "knowledge base's owner to re-index it / 请与团队使用相同版本和向量模型，或请管理员重建索引",
        )

    def _check(self, name: str, col: Any, *, pack: str | None) -> None:
        meta = self.meta(col)
        if meta.get("schema") and meta["schema"] != INDEX_SCHEMA:
            raise self._refuse(name, "store version", meta["schema"], INDEX_SCHEMA)
        if meta.get("fingerprint") and meta["fingerprint"] != self.embedder.fingerprint:
            raise self._refuse(name, "embedding model", meta["fingerprint"], self.embedder.fingerprint)
        if pack is not None and meta.get("pack_hash") and meta["pack_hash"] != pack:
            raise self._refuse(name, "guidance pack", meta["pack_hash"][:12], pack[:12])

    def builtin(self) -> Any:
        if "builtin" not in self._checked:
            self._check("builtin", self.collection("builtin"), pack=pack_records()[3])
        return super().builtin()

    def org(self) -> Any:
        if "org" not in self._checked:
            self._check("org", self.collection("org"), pack=None)
        return super().org()

    def store_version(self) -> tuple[int, ...]:
        """Changes when anyone writes to the shared collections: their metadata and counts."""
        parts: list[int] = []
        for col in self.client.list_collections():
            if col.name in ("builtin", "org"):
                meta = col.metadata or {}
                parts += [hash((col.name, meta.get("content_hash"), meta.get("fingerprint"))), col.count()]
        return tuple(parts)

    def rebuild_name(self, name: str) -> str:
        """This client's own temporary name: clients share the server."""
        return f"{name}__rebuild_{uuid.uuid4().hex[:8]}"


_ZH = {"store version": "存储版本", "embedding model": "向量模型", "guidance pack": "内置知识包版本"}
