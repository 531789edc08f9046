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
_STOP_WORDS = """a about again all already also am an and any anyone anything are as at be been being but by can
    could did do does doing each even every for from get gets got had has have he her here him his how i
    if in into is it its just let me more most much must my no nor not now of on one only or other our
    ours own really same she should so some something still such than that the their them then there
    these they thing things this those to too us very want wants was we were what when where whether
    which while who why will with would you your don doesn didn isn aren won wasn weren haven hasn
    shouldn wouldn couldn"""
_LATIN_STOP = frozenset(_STOP_WORDS.split())
"""Function words and a question's filler ("we want…", "at the same time", "still"): on a corpus of a
few hundred passages a rare filler word gets a high IDF and ranks passages that merely share it."""
_CJK_STOP = frozenset("的了是在和与及或等对为将把被也都而就中")
_CACHE_VERSION = 4
"""Bump when tokenisation or what is cached changes: a cached index built the old way is stale
(4: the corpus gained the asks index)."""
# fmt: off
_SUFFIXES = (
    "ational", "ization", "isation", "ations", "ements", "ation", "ement", "ments", "ingly",
    "ently", "ances", "ences", "ities", "ment", "ance", "ence", "ings", "edly", "ness", "able",
    "ible", "ity", "ing", "ers", "ive", "ed", "ly", "er",
)
# fmt: on
"""English derivational and inflectional endings `_stem` strips (the longest that leaves three letters)."""


def _latin(word: str) -> str:
    """One English word normalised: lower case, plural and acronym plural reduced ("policies" →
    "policy", "processes" → "process", "GPUs" → "gpu", "cases" → "case"; "ss"/"us"/"is" endings kept),
    then stemmed (`_stem`); an acronym is not stemmed."""
    if len(word) > 2 and word[-1] == "s" and word[:-1].isupper():  # LLMs, APIs, PoCs, KPIs
        return word[:-1].lower()
    if word.isupper():
        return word.lower()
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return _stem(word)


def _stem(word: str) -> str:
    """A light English stemmer: one ending of `_SUFFIXES`, then a final "e", a doubled consonant and a
    final "y" (→ "i"), so the forms of one word meet ("confidently"/"confidence" → "confid",
    "deployed"/"deployment" → "deploy", "update"/"updated"/"updating" → "updat", "planned" → "plan").
    Chinese needs none of this (character bigrams already match across a word's forms); English words
    did not, and an English question missed passages that use another form of its words."""
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]
    if len(word) > 3 and word.endswith("y"):
        word = word[:-1] + "i"
    return word


def _latin_tokens(run: str) -> list[str]:
    """A Latin run's tokens: the word, and for a hyphenated word ("cloud-edge", "go-live",
    "on-premises") also its parts, so "cloud edge" and "on premises" match it; no stop words, no
    single letters (the "s" of "department's", the "t" of "don't")."""
    out = []
    parts = run.split("-") if "-" in run.strip("-") else []
    for word in (run.strip("-"), *parts):
        if len(word) < 2:
            continue
        token = _latin(word)
        if word.isupper() or (token not in _LATIN_STOP and word.lower() not in _LATIN_STOP):
            out.append(token)  # an acronym is kept even when it spells a stop word: "IT department"
    return out


def char_tokens(text: str) -> list[str]:
    """CJK character unigrams + bigrams, Latin words (lower-cased, plural `s` dropped), numbers."""
    out: list[str] = []
    for m in _TOKEN_RE.finditer(text):
        run = m.group(0)
        if "\u3400" <= run[0] <= "\ufaff":
            out.extend(c for c in run if c not in _CJK_STOP)
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
        elif run[0].isdigit():
            out.append(run.lower())
        else:
            out.extend(_latin_tokens(run))
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
            if tok[0].isdigit():
                out.append(tok.lower())
                continue
            out.extend(_latin_tokens(tok))
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
        context: str = "",
        context_weight: float = 0.0,
        boost: np.ndarray | None = None,
    ) -> list[tuple[str, float]]:
        """The best `k` (id, score) pairs with a positive score, optionally restricted to `allowed` ids.

        `extra` (expansion terms) adds its tokens' scores times `extra_weight`, skipping tokens of `query`;
        `context` (terms of a setting, not the subject) likewise with `context_weight`; `boost` (one
        score per document, from another field's index) replaces the query's score where it is higher.
        """
        scores = self.scores(query)
        if boost is not None:
            np.maximum(scores, boost, out=scores)
        tokenize = TOKENIZERS[self.tokenizer]
        own = set(tokenize(query)) if extra or context else set()
        for text, weight in ((extra, extra_weight), (context, context_weight)):
            if not text or weight <= 0:
                continue
            for tok in set(tokenize(text)) - own:
                hit = self.postings.get(tok)
                if hit is not None:
                    scores[hit[0]] += weight * hit[1]
                    own.add(tok)  # a token in both counts once, at the first weight
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
