"""Query expansion from the domain glossary (`knowledge/glossary.yaml`).

Users ask in everyday words; the guidance uses a consultant's vocabulary, in Chinese and in its English
text. When a query mentions a glossary variant ("胡编乱造", "proof of concept", "mistakes"), the entry's
guidance terms are added in the language of the text they will be matched against: `terms` ("幻觉",
"概念验证") for the Chinese text, `terms_en` ("hallucination", "pitfalls") for the English text. That
gives the lexical signal something to match and steers the embedding.

Two rules keep a word from speaking for a concept the question is not about:
- the longest mention wins: a variant inside a longer mention of another entry ("collaboration" in
  "cloud-edge collaboration", "cloud" in "cloud-edge") does not mention its own entry;
- an industry (`context: true`: hospital, bank, government…) says where the project is, not what the
  question asks: its entry expands only when the question mentions no other concept ("patient records
  cannot leave the hospital" is about data staying on premises, not about the medical cases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from agent.datafiles import load_yaml

GLOSSARY = Path(__file__).parent / "glossary.yaml"

TermLang = Literal["zh", "en", "both"]
"""The language of the guidance terms wanted: that of the text they will be matched against."""


@dataclass(frozen=True)
class _Entry:
    terms: dict[str, tuple[str, ...]]
    """Guidance terms per language of the text (`zh`, `en`)."""
    zh: tuple[str, ...]
    """Chinese variants (and terms), matched as substrings of the lower-cased query."""
    pattern: re.Pattern[str] | None
    """English variants, whole words (a trailing `*` any ending)."""
    own_zh: tuple[str, ...]
    """The entry's own Chinese terms: a query using one names the concept (it needs no expansion)."""
    own_pattern: re.Pattern[str] | None
    """The entry's own English terms, whole words (a plural `s` allowed)."""
    context: bool
    """An industry or setting, not a subject: expands only when nothing else is mentioned."""


_GAP = r"(?:\W+[\w'-]+){0,3}?\W+"
"""What ` ... ` in a variant stands for: up to three words in between ("person ... check*" matches "a
person still checks", "the person who checks")."""


def _word(variant: str) -> str:
    """One English variant as a regex: a trailing `*` is any ending, ` ... ` up to three words."""
    parts = [
        re.escape(p[:-1]) + r"[\w-]*" if p.endswith("*") else re.escape(p) for p in variant.split(" ... ")
    ]
    return _GAP.join(parts)


def _words(alternatives: list[str], plural: bool = False) -> re.Pattern[str] | None:
    if not alternatives:
        return None
    # longest first: the regex takes the first alternative that matches, and a mention is as long as it can be
    alts = [_word(v) for v in sorted(alternatives, key=len, reverse=True)]
    tail = r"s?(?![\w])" if plural else r"(?![\w])"
    return re.compile(r"(?<![\w])(?:" + "|".join(alts) + ")" + tail, re.IGNORECASE)


@cache
def _entries() -> tuple[_Entry, ...]:
    out = []
    for item in load_yaml(GLOSSARY) or []:
        terms = {
            "zh": tuple(str(t) for t in item.get("terms", [])),
            "en": tuple(str(t) for t in item.get("terms_en", [])),
        }
        variants = [str(v).lower() for v in (item.get("zh") or []) + (item.get("en") or [])]
        own = tuple(t.lower() for t in terms["zh"] + terms["en"])
        out.append(
            _Entry(
                terms=terms,
                # Chinese variants match as substrings; ASCII ones as whole words ("erp" not in "enterprise")
                zh=tuple(v for v in variants if not v.isascii()),
                pattern=_words([v for v in variants if v.isascii()]),
                own_zh=tuple(t for t in own if not t.isascii()),
                own_pattern=_words([t for t in own if t.isascii()], plural=True),
                context=bool(item.get("context", False)),
            )
        )
    return tuple(out)


def _spans(low: str, needles: tuple[str, ...], pattern: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """Where the (non-ASCII) substrings and the pattern's words occur in the lower-cased query."""
    out = [(m.start(), m.end()) for m in pattern.finditer(low)] if pattern else []
    for needle in needles:
        at = low.find(needle)
        while at >= 0:
            out.append((at, at + len(needle)))
            at = low.find(needle, at + 1)
    return out


@lru_cache(maxsize=512)
def mentioned(query: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Indexes of the glossary entries whose variants the query mentions (expansion applies to them),
    and of the industry entries it mentions beside another concept (set aside): a variant inside a
    longer mention of another entry does not count, and an industry entry counts only when no other
    entry is mentioned or named by one of its own terms."""
    low = query.lower()
    entries = _entries()
    variant_spans = [_spans(low, e.zh, e.pattern) for e in entries]
    own_spans = [_spans(low, e.own_zh, e.own_pattern) for e in entries]
    claims = [(s, e, i) for i, spans in enumerate(variant_spans + own_spans) for s, e in spans]

    def shadowed(i: int, start: int, end: int) -> bool:
        return any(
            j % len(entries) != i and s <= start and end <= e and e - s > end - start for s, e, j in claims
        )

    hits = [i for i, spans in enumerate(variant_spans) if any(not shadowed(i, s, e) for s, e in spans)]
    named = set(hits) | {i for i, spans in enumerate(own_spans) if spans}
    if any(not entries[i].context for i in named):
        return tuple(i for i in hits if not entries[i].context), tuple(i for i in hits if entries[i].context)
    return tuple(hits), ()


def expansion_terms(
    query: str, lang: TermLang = "zh", *, context: bool = False, per_entry: int | None = None
) -> list[str]:
    """Guidance terms (in `lang`) of every glossary entry the query mentions (`mentioned`), minus those
    already in it; `context=True`: those of the industry entries set aside instead; `per_entry`: only
    the first terms of each entry (the first names the concept).

    A query that already uses one of the entry's English terms needs no English expansion from it.
    """
    low = query.lower()
    langs = ("zh", "en") if lang == "both" else (lang,)
    entries = _entries()
    found: list[str] = []
    for i in mentioned(query)[1 if context else 0]:
        terms = entries[i].terms
        for code in langs:
            if code == "en" and any(_has_words(low, t) for t in terms["en"]):
                continue  # the query already uses the English text's own word for it: nothing to add
            found.extend(t for t in terms[code][:per_entry] if t.lower() not in low and t not in found)
    return found


def _has_words(low_query: str, term: str) -> bool:
    """Whether `term` occurs in the (lower-cased) query as whole words, a plural `s` allowed."""
    return re.search(r"(?<![\w])" + re.escape(term.lower()) + r"s?(?![\w])", low_query) is not None
