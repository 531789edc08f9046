"""Fitting prompts into a small context window (a private server's 4,096 tokens, say).

`fit_tokens` over-counts on purpose: a prompt that fits by this count fits the real tokenizer
of a small open model too (SmolLM2 / Llama-style BPE spend 1.7–1.9 tokens per Chinese character,
and ~1 per 2.5–3 characters of JSON or XML). `prompt_budget` is what a prompt may take of the
configured `context_tokens` once the reply cap is set aside. The helpers below cut the inputs a
prompt carries: clipped text, passages trimmed to their most relevant sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from agent.tokens import REPLY_TOKENS
from agent.types import Passage

SLACK = 0.9
"""Share of the context a prompt and its reply may use: the rest absorbs the chat template and
tokenizers that count even higher than `fit_tokens`."""
REFERENCE_CONTEXT = 4096
"""The context the default sizes below are tuned for; larger contexts scale them up."""

_SENTENCE = re.compile(r"(?<=[。！？；!?;])|(?<=\.)\s+|\n+")


def fit_tokens(text: str) -> int:
    """A deliberately high token count: 2 per non-ASCII character, 1 per 3 ASCII characters."""
    wide = sum(1 for ch in text if ord(ch) > 127)
    return wide * 2 + (len(text) - wide + 2) // 3


def prompt_budget(context_tokens: int) -> int:
    """Tokens a whole request (system and user messages, tool schemas) may take in `context_tokens`."""
    return max(256, int(context_tokens * SLACK) - REPLY_TOKENS)


def scaled(base: int, context_tokens: int) -> int:
    """`base` (a size tuned for a 4,096-token context) scaled to `context_tokens`, never below base/2."""
    return max(base // 2, base * context_tokens // REFERENCE_CONTEXT)


def clip(text: str, tokens: int) -> str:
    """`text` cut to about `tokens` (by `fit_tokens`), with an ellipsis when cut."""
    if fit_tokens(text) <= tokens:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits, leaving room for the ellipsis
        mid = (lo + hi + 1) // 2
        if fit_tokens(text[:mid]) <= tokens - 2:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def clip_value(value: Any, tokens: int) -> Any:
    """A profile value with its strings clipped (lists item by item, sharing `tokens`)."""
    if isinstance(value, str):
        return clip(value, tokens)
    if isinstance(value, list):
        share = max(8, tokens // max(1, len(value)))
        return [clip_value(v, share) for v in value]
    return value


def _grams(text: str) -> set[str]:
    text = "".join(text.lower().split())
    return {text[i : i + 2] for i in range(len(text) - 1)}


def sentences(text: str) -> list[str]:
    """`text` split into sentences (Chinese and Western punctuation, line breaks)."""
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def relevant_text(text: str, query: str, tokens: int) -> str:
    """The sentences of `text` most relevant to `query` (character-bigram overlap), in their
    original order, within `tokens`; gaps are marked with an ellipsis. The whole text if it fits."""
    if fit_tokens(text) <= tokens:
        return text.strip()
    parts = sentences(text)
    q = _grams(query)
    ranked = sorted(
        range(len(parts)),
        key=lambda i: (-(len(q & _grams(parts[i])) / (len(_grams(parts[i])) ** 0.5 or 1)), i),
    )
    chosen: list[int] = []
    seen: set[str] = set()
    used = 0
    for i in ranked:
        cost = fit_tokens(parts[i]) + 1
        if parts[i] not in seen and used + cost <= tokens:  # overlapping chunks repeat sentences
            chosen.append(i)
            seen.add(parts[i])
            used += cost
    if not chosen:  # one long sentence: its beginning
        return clip(parts[ranked[0]] if parts else text, tokens)
    out: list[str] = []
    last = -1
    for i in sorted(chosen):
        if out and i != last + 1:
            out.append("…")
        out.append(parts[i])
        last = i
    if chosen and min(chosen) > 0:
        out.insert(0, "…")
    return " ".join(out)


def trim_passages(passages: Sequence[Passage], query: str, *, k: int, tokens_each: int) -> list[Passage]:
    """The first `k` passages, each cut to its sentences most relevant to `query` within
    `tokens_each`. Copies keep their id, source and section, so [n] citations still resolve."""
    return [
        p.model_copy(update={"text": relevant_text(p.text, query, tokens_each)}) for p in list(passages)[:k]
    ]


def joined(values: Iterable[Any]) -> str:
    """Strings among `values` (recursively in lists), joined: a relevance query from a profile."""
    out: list[str] = []
    for v in values:
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, list):
            out.append(joined(v))
    return " ".join(out)
