"""Query expansion from the domain glossary (`knowledge/glossary.yaml`).

Users ask in everyday words; the guidance uses a consultant's vocabulary, in Chinese and in its English
text. When a query mentions a glossary variant ("胡编乱造", "proof of concept", "mistakes"), the entry's
guidance terms are added in the language of the text they will be matched against: `terms` ("幻觉",
"概念验证") for the Chinese text, `terms_en` ("hallucination", "pitfalls") for the English text. That
gives the lexical signal something to match and steers the embedding.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

from agent.datafiles import load_yaml

GLOSSARY = Path(__file__).parent / "glossary.yaml"

TermLang = Literal["zh", "en", "both"]
"""The language of the guidance terms wanted: that of the text they will be matched against."""


@cache
def _entries() -> tuple[tuple[dict[str, tuple[str, ...]], tuple[str, ...], re.Pattern[str] | None], ...]:
    out = []
    for item in load_yaml(GLOSSARY) or []:
        terms = {
            "zh": tuple(str(t) for t in item.get("terms", [])),
            "en": tuple(str(t) for t in item.get("terms_en", [])),
        }
        variants = [str(v).lower() for v in (item.get("zh") or []) + (item.get("en") or [])]
        # Chinese variants match as substrings; ASCII ones as whole words ("erp" not in "enterprise")
        zh = tuple(v for v in variants if not v.isascii())
        en = [v for v in variants if v.isascii()]
        pattern = None
        if en:
            alts = [re.escape(v[:-1]) + r"[\w-]*" if v.endswith("*") else re.escape(v) for v in en]
            pattern = re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])", re.IGNORECASE)
        out.append((terms, zh, pattern))
    return tuple(out)


def expansion_terms(query: str, lang: TermLang = "zh") -> list[str]:
    """Guidance terms (in `lang`) of every glossary entry the query mentions, minus those already in it.

    An entry is mentioned by one of its variants; a query that already uses one of the entry's own
    terms (in either language) needs no expansion from it.
    """
    low = query.lower()
    langs = ("zh", "en") if lang == "both" else (lang,)
    found: list[str] = []
    for terms, zh, pattern in _entries():
        if not (any(v in low for v in zh) or bool(pattern and pattern.search(query))):
            continue
        for code in langs:
            if code == "en" and any(_has_words(low, t) for t in terms["en"]):
                continue  # the query already uses the English text's own word for it: nothing to add
            found.extend(t for t in terms[code] if t.lower() not in low and t not in found)
    return found


def _has_words(low_query: str, term: str) -> bool:
    """Whether `term` occurs in the (lower-cased) query as whole words, a plural `s` allowed."""
    return re.search(r"(?<![\w])" + re.escape(term.lower()) + r"s?(?![\w])", low_query) is not None
