"""Query expansion from the domain glossary (`knowledge/glossary.yaml`).

Users ask in everyday Chinese or in English; the guidance uses a consultant's Chinese vocabulary. When a
query mentions a glossary variant ("胡编乱造", "proof of concept"), the entry's guidance terms ("幻觉",
"概念验证") are added, which gives the lexical signal something to match and steers the embedding.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from agent.datafiles import load_yaml

GLOSSARY = Path(__file__).parent / "glossary.yaml"


@cache
def _entries() -> tuple[tuple[tuple[str, ...], tuple[str, ...], re.Pattern[str] | None], ...]:
    out = []
    for item in load_yaml(GLOSSARY) or []:
        terms = tuple(str(t) for t in item.get("terms", []))
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


def expansion_terms(query: str) -> list[str]:
    """Guidance terms of every glossary entry the query mentions, minus those already in it."""
    low = query.lower()
    found: list[str] = []
    for terms, zh, pattern in _entries():
        hit = any(v in low for v in zh) or bool(pattern and pattern.search(query))
        if not hit:
            hit = any(t.lower() in low for t in terms)
            if hit:
                continue  # already uses the guidance's own word
        if hit:
            found.extend(t for t in terms if t.lower() not in low and t not in found)
    return found
