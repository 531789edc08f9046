"""Cues in an answer's wording that change how it is read (`agent.parsing`): a don't-know phrase in
its first clause, an option negated after it is named ("钱和人还没"), a "no, but…", an option that
comes only "later", "all except…". Word lists live in `knowledge/answer_words.yaml`.
"""

from __future__ import annotations

import re

from agent.words import word_list, word_set

_UNKNOWN = word_set("answers", "unknown")
_UNKNOWN_PHRASES = word_list("answers", "unknown_phrases")
_FIRST_CLAUSE = re.compile(r"[，,;；。.!！?？:：—]")


# longer words first ("我们" before "我"); built at import, outside any function (see bench/survivors.md)
_HEDGES_BEFORE, _HEDGES_AFTER = (
    "|".join(map(re.escape, sorted(word_list("answers", name), key=len, reverse=True)))
    for name in ("hedges_before", "hedges_after")
)
_HEDGE = re.compile(f"^({_HEDGES_BEFORE})\\s*|\\s*({_HEDGES_AFTER})$")


def says_unknown(text: str, free_text: bool = False) -> bool:
    """Whether the (normalised) answer says the user does not know: its first clause holds a don't-know phrase
    ("不知道，要问法务", "not sure yet, the ops team decides"); for free text, the first clause must be
    nothing but such a phrase (a pain point may well start "员工不知道…")."""
    first = _FIRST_CLAUSE.split(text, maxsplit=1)[0].strip()
    if free_text:
        first = _HEDGE.sub("", _HEDGE.sub("", first)).strip()
        return first in _UNKNOWN or first in _UNKNOWN_PHRASES
    return any(
        re.search(rf"(?<![a-z]){re.escape(p)}(?![a-z])", first) if p.isascii() else p in first
        for p in _UNKNOWN_PHRASES
    )


EXCEPT = re.compile(r"除了.+(都|全)|\b(all|everything)\b.*\b(except|but|other than)\b")

_AFTER_NEG = word_list("negation", "after")
LATER = re.compile(
    r"\b(?:joins?|comes?|added|coming)\s+later\b|\blater\b|以后再加|以后加入|之后加入|后续加入"
)
_CONTRAST = word_list("negation", "contrast")
CLAUSE = re.compile(r"[，,。;；!！?？\n:：()（）]|(?<!\d)\.(?!\d)")


def negated_after(text: str, end: int) -> bool:
    """Whether the rest of the clause after a mention negates it ("钱和人还没", "no pruning yet")."""
    brk = CLAUSE.search(text, end)
    rest = text[end : brk.start() if brk else len(text)]
    return any(w in rest for w in _AFTER_NEG if not w.isascii()) or any(
        re.search(rf"\b{re.escape(w)}\b", rest) for w in _AFTER_NEG if w.isascii()
    )


def then_but(text: str) -> bool:
    """Whether a later clause opens with a contrast ("还没做，不过已经排期了"): not a plain no."""
    clauses = [c.strip() for c in CLAUSE.split(text)[1:]]
    return any(c.startswith(w) for c in clauses for w in _CONTRAST)
