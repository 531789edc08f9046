"""UI strings in Chinese and English, read from `strings.yaml` (data, not code)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.cells import cell_len

from agent.i18n import Strings

_DIR = Path(__file__).resolve().parent
_STRINGS = Strings(_DIR / "strings.yaml", strict=False)
t = _STRINGS.t
"""The UI string `key` in `lang` (falling back to Chinese, then the key), formatted with `values`."""


def _strings() -> dict[str, dict[str, Any]]:
    return _STRINGS.table


def keys() -> list[str]:
    """Every string key, for the completeness test."""
    return list(_strings())


def help_markdown(lang: str, keys_table: str) -> str:
    """The help page in `lang`, with the current key bindings filled in."""
    name = "help.en.md" if lang == "en" else "help.zh.md"
    return (_DIR / name).read_text(encoding="utf-8").replace("{keys}", keys_table)


def shorten(text: str, cells: int) -> str:
    """`text` cut to `cells` terminal cells, with an ellipsis when cut (at least its first one)."""
    if cell_len(text) <= cells:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch) > max(1, cells - 1):
            break
        out += ch
    return out.rstrip() + "…"


def list_sep(lang: str) -> str:
    """Between the items of an inline list: "、" in Chinese, ", " in English."""
    return "、" if lang == "zh" else ", "


def shorten_words(text: str, cells: int) -> str:
    """`text` in `cells` cells, cut only between words (at spaces), with an ellipsis when cut;
    "" when not even the first word and the ellipsis fit (a Chinese title is one word)."""
    if cell_len(text) <= cells:
        return text
    words = text.split(" ")
    while words and cell_len(" ".join(words) + "…") > cells:
        words.pop()
    return " ".join(words) + "…" if words else ""


def stage_name(stage: str, lang: str) -> str:
    """A stage's short name (需求, Requirements), where the full title has no room."""
    return t(f"stage.short.{stage}", lang)
