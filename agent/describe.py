"""Readable renderings of profile values and of the answers behind them (zh/en)."""

from __future__ import annotations

from typing import Any

from agent.answers import Provenance
from agent.questions import QuestionBank
from agent.types import Lang

_NOT_ANSWERED = {"zh": "（尚未回答）", "en": "(not answered yet)"}
_QUOTE_CHARS = 40


def field_label(path: str, lang: Lang, bank: QuestionBank) -> str:
    """The short name of a field (from the question that fills it), or the path."""
    q = bank.by_field(path)
    return q.label[lang] if q else path


def value_text(path: str, value: Any, lang: Lang, bank: QuestionBank) -> str:
    """A value as the user would say it: option labels, 是/否, numbers with units, text."""
    if value is None:
        return _NOT_ANSWERED[lang]
    q = bank.by_field(path)
    if q is not None:
        return q.value_label(value, lang)
    if isinstance(value, list):
        return ("、" if lang == "zh" else ", ").join(map(str, value))
    return str(value)


def quote(text: str) -> str:
    """A short quote of the user's words."""
    text = " ".join(text.split())
    return text if len(text) <= _QUOTE_CHARS else text[:_QUOTE_CHARS] + "…"


def answer_summary(
    paths: list[str],
    values: dict[str, Any],
    provenance: dict[str, Provenance],
    lang: Lang,
    bank: QuestionBank,
) -> str:
    """ "行业 = 金融；个人信息 = 是（来自你的回答“客户信息很多”）" for the fields that are set."""
    parts: list[str] = []
    for path in paths:
        value = values.get(path)
        if value is None:
            continue
        part = f"{field_label(path, lang, bank)} = {value_text(path, value, lang, bank)}"
        prov = provenance.get(path)
        if prov is not None and prov.inferred and prov.record.raw:
            said = quote(prov.record.raw)
            part += f"（来自你的回答“{said}”）" if lang == "zh" else f" (from your answer '{said}')"
        parts.append(part)
    return ("；" if lang == "zh" else "; ").join(parts)
