"""Replacing a whole collection (`CollectionIndex.swap_in`): on the embedded store a failed rename is an
error; on a shared Chroma server another client's identical copy that took the name meanwhile is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from knowledge.indexing import CollectionIndex
from knowledge.remote import RemoteCollectionIndex
from tests.knowledge.kb_helpers import HashEmbedder


class RacingClient:
    """A Chroma client on which another client creates `name` again just after this one deleted it."""

    def __init__(self, real: Any, name: str) -> None:
        self.real, self.name = real, name

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.real, attr)

    def delete_collection(self, name: str) -> None:
        self.real.delete_collection(name)
        if name == self.name:
            self.real.create_collection(name, metadata={"by": "another client"}, embedding_function=None)


def _rows(embedder: HashEmbedder) -> tuple[list[str], list[str], list[dict[str, Any]], Any]:
    docs = ["first passage", "second passage"]
    return ["a", "b"], docs, [{"kb": "org"}, {"kb": "org"}], embedder.embed_passages(docs)


def _client(tmp_path: Path, racing: bool) -> Any:
    real = chromadb.PersistentClient(path=str(tmp_path), settings=ChromaSettings(anonymized_telemetry=False))
    real.create_collection("org", metadata={"by": "before"}, embedding_function=None)
    return RacingClient(real, "org") if racing else real


def test_the_embedded_store_replaces_the_collection_and_leaves_no_temporary_one(tmp_path: Path) -> None:
    embedder = HashEmbedder()
    index = CollectionIndex(_client(tmp_path, racing=False), embedder, tmp_path)
    col = index.swap_in("org", *_rows(embedder), {"content_hash": "x"})
    assert col.count() == 2 and col.metadata["content_hash"] == "x"
    assert sorted(c.name for c in index.client.list_collections()) == ["org"]


def test_a_name_taken_meanwhile_is_an_error_on_the_embedded_store(tmp_path: Path) -> None:
    embedder = HashEmbedder()
    index = CollectionIndex(_client(tmp_path, racing=True), embedder, tmp_path)
    with pytest.raises(Exception):  # noqa: B017 - whatever Chroma raises for a taken name
        index.swap_in("org", *_rows(embedder), {})


def test_a_shared_server_keeps_the_copy_another_client_wrote_first(tmp_path: Path) -> None:
    embedder = HashEmbedder()
    index = RemoteCollectionIndex(_client(tmp_path, racing=True), embedder, tmp_path)
    col = index.swap_in("org", *_rows(embedder), {})
    assert col.metadata == {"by": "another client"}
    assert [c.name for c in index.client.list_collections()] == ["org"]  # this client's copy dropped
