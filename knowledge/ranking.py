"""Fusing the vector and the lexical rankings into one list.

Reciprocal-rank fusion (RRF) is used because cosine similarities and BM25 scores live on different
scales (and BM25 scores of two collections are not comparable either); ranks are. The fused score is
normalised so that a passage ranked first by every signal scores 1.0.
"""

from __future__ import annotations

from typing import Literal

RetrievalMode = Literal["hybrid", "vector", "lexical"]

RRF_K = 60
"""The usual RRF damping constant: a rank-1 hit is worth 1/61, a rank-10 hit 1/70."""

VECTOR_WEIGHT = 1.0
LEXICAL_WEIGHT = 1.0


def rrf(
    rankings: list[list[str]], weights: list[float] | None = None, k: int = RRF_K
) -> list[tuple[str, float]]:
    """Fuse ranked id lists; returns (id, score in 0..1) best first, ties kept in first-seen order."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + w / (k + rank)
    best = sum(w / (k + 1) for w in weights) or 1.0
    return sorted(((d, s / best) for d, s in scores.items()), key=lambda item: -item[1])
