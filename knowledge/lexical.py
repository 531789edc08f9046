"""The lexical signal: BM25 over tokens that suit Chinese and English alike.

Chinese has no spaces, so the default tokeniser emits character unigrams and bigrams for CJK runs and
lower-cased words for Latin text (no dictionary, no model, robust to domain terms). `jieba` word
segmentation is available as an alternative (`tokenizer="jieba"`); the retrieval eval compares both.

The store builds an index over the collections it searches (one IDF over all of them, so scores of the
built-in pack and of the user's documents compare) and caches it in memory and on disk by content hash,
so a query costs a few dictionary look-ups and one numpy accumulation.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import re
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

import numpy as np

Tokenizer = Literal["char", "jieba"]
T = TypeVar("T")

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN_RE = re.compile(rf"[{_CJK}]+|[a-zA-Z][a-zA-Z0-9\-+]*|\d+(?:\.\d+)?[a-zA-Z%]*")
_LATIN_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "should",
        "that",
        "the",
        "this",
        "to",
        "we",
        "what",
        "when",
        "which",
        "who",
        "why",
        "will",
        "with",
        "our",
        "my",
        "your",
    ]
)
_CJK_STOP = frozenset("的了是在和与及或等对为将把被也都而就中")
_CACHE_VERSION = 1


def _latin(word: str) -> str:
    word = word.lower()
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def char_tokens(text: str) -> list[str]:
    """CJK character unigrams + bigrams, Latin words (lower-cased, plural `s` dropped), numbers."""
    out: list[str] = []
    for m in _TOKEN_RE.finditer(text):
        run = m.group(0)
        if "\u3400" <= run[0] <= "\ufaff":
            out.extend(c for c in run if c not in _CJK_STOP)
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            word = _latin(run)
            if word not in _LATIN_STOP:
                out.append(word)
    return out


def jieba_tokens(text: str) -> list[str]:
    """jieba search-mode segmentation; Latin words normalised as in `char_tokens`."""
    import jieba

    jieba.setLogLevel(60)
    out: list[str] = []
    for tok in jieba.lcut_for_search(text):
        tok = tok.strip()
        if not tok or not _TOKEN_RE.search(tok):
            continue
        if tok.isascii():
            tok = _latin(tok)
            if tok in _LATIN_STOP:
                continue
        elif len(tok) == 1 and tok in _CJK_STOP:
            continue
        out.append(tok)
    return out


TOKENIZERS: dict[str, Callable[[str], list[str]]] = {"char": char_tokens, "jieba": jieba_tokens}


@dataclass
class BM25Index:
    """An inverted index with Okapi BM25 scoring (k1=1.2, b=0.75)."""

    ids: list[str]
    tokenizer: str = "char"
    postings: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """token -> (document positions, BM25 term weight per position, idf included)."""

    @classmethod
    def build(
        cls, ids: list[str], texts: list[str], tokenizer: str = "char", k1: float = 1.2, b: float = 0.75
    ) -> BM25Index:
        """Index `texts` (parallel to `ids`)."""
        tokenize = TOKENIZERS[tokenizer]
        counts = [Counter(tokenize(t)) for t in texts]
        lengths = np.array([sum(c.values()) for c in counts], dtype=np.float32)
        avg = float(lengths.mean()) if len(lengths) and lengths.mean() > 0 else 1.0
        raw: dict[str, tuple[list[int], list[int]]] = {}
        for pos, c in enumerate(counts):
            for tok, tf in c.items():
                docs, tfs = raw.setdefault(tok, ([], []))
                docs.append(pos)
                tfs.append(tf)
        n = len(texts)
        postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for tok, (docs, tfs) in raw.items():
            idf = math.log(1.0 + (n - len(docs) + 0.5) / (len(docs) + 0.5))
            d = np.array(docs, dtype=np.int32)
            freq = np.array(tfs, dtype=np.float32)
            norm = k1 * (1.0 - b + b * lengths[d] / avg)
            postings[tok] = (d, (idf * freq * (k1 + 1.0) / (freq + norm)).astype(np.float32))
        return cls(ids=list(ids), tokenizer=tokenizer, postings=postings)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for `query` (zeros when nothing matches)."""
        out = np.zeros(len(self.ids), dtype=np.float32)
        for tok in set(TOKENIZERS[self.tokenizer](query)):
            hit = self.postings.get(tok)
            if hit is not None:
                out[hit[0]] += hit[1]  # positions within one posting list are unique
        return out

    def search(
        self,
        query: str,
        k: int,
        allowed: set[str] | None = None,
        *,
        extra: str = "",
        extra_weight: float = 0.5,
    ) -> list[tuple[str, float]]:
        """The best `k` (id, score) pairs with a positive score, optionally restricted to `allowed` ids.

        `extra` (expansion terms) adds its tokens' scores times `extra_weight`, skipping tokens of `query`.
        """
        scores = self.scores(query)
        if extra:
            tokenize = TOKENIZERS[self.tokenizer]
            own = set(tokenize(query))
            for tok in set(tokenize(extra)) - own:
                hit = self.postings.get(tok)
                if hit is not None:
                    scores[hit[0]] += extra_weight * hit[1]
        order = np.argsort(-scores, kind="stable")
        out: list[tuple[str, float]] = []
        for pos in order:
            s = float(scores[pos])
            if s <= 0:
                break
            doc_id = self.ids[pos]
            if allowed is None or doc_id in allowed:
                out.append((doc_id, s))
                if len(out) >= k:
                    break
        return out


_MEMORY: dict[tuple[str, str], object] = {}


def cached(cache_dir: Path, name: str, content_hash: str, build: Callable[[], T]) -> T:
    """`build()`'s result for `(name, content_hash)`: from memory, else the disk cache, else built and saved."""
    key = (name, content_hash)
    if key in _MEMORY:
        return _MEMORY[key]  # type: ignore[return-value]
    path = cache_dir / f"{name}-{content_hash[:24]}-v{_CACHE_VERSION}.pkl"
    value: T | None = None
    if path.exists():
        try:
            with path.open("rb") as fh:
                value = pickle.load(fh)
        except Exception:  # a corrupt or stale cache is rebuilt, never fatal
            value = None
    if value is None:
        value = build()
        _write_cache(cache_dir, name, path, value)
    _MEMORY[key] = value
    return value


def _write_cache(cache_dir: Path, name: str, path: Path, value: object) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob(f"{name}-*.pkl"):
            with contextlib.suppress(OSError):
                old.unlink()
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # the cache is an optimisation; a read-only disk just means rebuilding per process
