"""Signals: profile values implied by free text, in Chinese and English (`knowledge/signals.yaml`).

`scan("我们是一家城商行，不涉及个人信息，打算私有化部署")` →
`{"project.sector": finance, "data.personal_data": False, "selection.deployment": private, …}`.
Matching is case- and width-insensitive; ASCII phrases match whole words only; a mention negated in
its own clause ("不需要处理任何的个人信息", "we won't be handling any personal data") yields the entry's
`negated` value or nothing; a turn ("不仅…还要处理个人信息") is no negation of what follows it, and a
mention after a doubt or a condition ("不知道是否涉及个人信息", "if we ever…") implies nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from agent.datafiles import load_yaml
from agent.fieldtypes import field_spec
from agent.words import word_list

SIGNALS_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "signals.yaml"

_CLAUSE_BREAK = re.compile(r"[，,。.;；!！?？\n:：、()（）]")
# Negators (knowledge/answer_words.yaml, `negation`): one negates a mention after it in its clause, unless
# it sits in a word that negates nothing (不仅, 识别, 不知道, "not sure") or a word between them ends its
# reach (还, 是否, "but", "whether"); a prefix (非, 无) or an English "no"/"without" reaches only the word
# or the few words after it.
_ZH_NEG = re.compile("|".join(map(re.escape, sorted(word_list("negation", "zh"), key=len, reverse=True))))
_ZH_PREFIX = frozenset(word_list("negation", "zh_prefix"))
_ZH_PREFIX_CHARS = 2
_ZH_NOT_NEG = word_list("negation", "zh_not")
_ZH_SCOPE_END = re.compile(
    "|".join(map(re.escape, word_list("negation", "zh_scope_end")))
    + r"|的[^的]{0,4}?[里中下内时]"  # a modifier of a place or time: "没有外网的环境里处理个人信息"
)
_EN_NEG = re.compile(r"\b(" + "|".join(map(re.escape, word_list("negation", "en"))) + r")\b|n't\b")
_EN_NOUN_NEG = frozenset(word_list("negation", "en_noun"))
_EN_NOT_NEG = word_list("negation", "en_not")
_EN_SCOPE_END = re.compile(r"\b(" + "|".join(map(re.escape, word_list("negation", "en_scope_end"))) + r")\b")
_EN_NOUN_WORDS = 4
_DOUBT = re.compile(
    "|".join(map(re.escape, word_list("negation", "doubt_zh")))
    + r"|\b(?:"
    + "|".join(map(re.escape, word_list("negation", "doubt_en")))
    + r")\b"
)


@dataclass(frozen=True)
class Signal:
    """One inferred value, the phrase that implied it and whether it was negated."""

    field: str
    value: Any
    phrase: str
    negated: bool = False


@dataclass(frozen=True)
class _Entry:
    field: str
    value: Any
    negated: Any
    has_negated: bool
    patterns: tuple[tuple[str, re.Pattern[str]], ...]


def normalise(text: str) -> str:
    """NFKC (full-width → ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def _pattern(phrase: str) -> re.Pattern[str]:
    p = normalise(phrase)
    body = re.escape(p)
    if p.isascii():
        return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")
    return re.compile(body)


@cache
def load_signals(path: Path = SIGNALS_FILE) -> tuple[_Entry, ...]:
    """The signal table, validated against the Profile (unknown field → ValueError naming it)."""
    entries: list[_Entry] = []
    for i, item in enumerate(load_yaml(path) or []):
        where = f"{path.name} entry {i + 1} ({item.get('field')})"
        try:
            spec = field_spec(item["field"])
        except KeyError:
            raise ValueError(f"{where}: unknown profile field") from None
        values = item["value"] if isinstance(item["value"], list) else [item["value"]]
        if spec.kind in ("choice", "multi") and any(v not in spec.choices for v in values):
            raise ValueError(f"{where}: value {item['value']!r} not in {list(spec.choices)}")
        entries.append(
            _Entry(
                field=item["field"],
                value=item["value"],
                negated=item.get("negated"),
                has_negated="negated" in item,
                patterns=tuple((str(ph), _pattern(str(ph))) for ph in item["phrases"]),
            )
        )
    return tuple(entries)


def is_negated(text: str, start: int) -> bool:
    """Whether the mention starting at `start` in normalised `text` is negated within its clause."""
    clause_start = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, start):
        clause_start = m.end()
    before = text[clause_start:start]
    zh = _governing(before, _ZH_NEG, _ZH_NOT_NEG)
    if (
        zh is not None
        and not _ZH_SCOPE_END.search(before, zh.end())
        and (zh.group(0) not in _ZH_PREFIX or len(before) - zh.end() <= _ZH_PREFIX_CHARS)
    ):
        return True
    en = _governing(before, _EN_NEG, _EN_NOT_NEG)
    if en is None or _EN_SCOPE_END.search(before, en.end()):
        return False
    return en.group(0) not in _EN_NOUN_NEG or len(before[en.end() :].split()) <= _EN_NOUN_WORDS


def is_doubted(text: str, start: int) -> bool:
    """Whether the mention starting at `start` in normalised `text` follows a doubt or a condition in
    its clause ("不知道是否涉及个人信息", "if we ever handle personal data"): it states nothing."""
    clause_start = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, start):
        clause_start = m.end()
    return _DOUBT.search(text, clause_start, start) is not None


def _governing(before: str, negators: re.Pattern[str], not_words: tuple[str, ...]) -> re.Match[str] | None:
    """The last negator in `before` that is one (not inside a word of `not_words`), or None."""
    inside = [(m.start(), m.end()) for w in not_words for m in re.finditer(re.escape(w), before)]
    found = [m for m in negators.finditer(before) if not any(s <= m.start() < e for s, e in inside)]
    return found[-1] if found else None


def scan(text: str) -> dict[str, Signal]:
    """Every field implied by `text`, keyed by dotted path.

    For a scalar field the earliest non-ignored mention wins; list fields merge all mentions.
    """
    norm = normalise(text or "")
    if not norm.strip():
        return {}
    hits: list[tuple[int, int, Signal]] = []
    for order, entry in enumerate(load_signals()):
        for phrase, pat in entry.patterns:
            for m in pat.finditer(norm):
                if is_doubted(norm, m.start()):
                    continue
                neg = is_negated(norm, m.start())
                if neg and not entry.has_negated:
                    continue
                value = entry.negated if neg else entry.value
                hits.append((m.start(), order, Signal(entry.field, value, phrase, neg)))
    hits.sort(key=lambda h: (h[0], h[1]))
    out: dict[str, Signal] = {}
    for _, _, sig in hits:
        kind = field_spec(sig.field).kind
        if kind == "multi":
            prev = out.get(sig.field)
            merged = list(prev.value) if prev else []
            merged += [v for v in sig.value if v not in merged]
            choices = field_spec(sig.field).choices
            merged.sort(key=choices.index)
            out[sig.field] = Signal(sig.field, merged, prev.phrase if prev else sig.phrase)
        elif sig.field not in out:
            out[sig.field] = sig
    return out


def inferred_values(text: str) -> dict[str, Any]:
    """`scan` reduced to field → value (what an AnswerRecord's `inferred` holds)."""
    return {k: s.value for k, s in scan(text).items()}
