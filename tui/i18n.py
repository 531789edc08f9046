"""UI strings in Chinese and English, read from `strings.yaml` (data, not code)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from rich.cells import cell_len

_DIR = Path(__file__).resolve().parent


@cache
def _strings() -> dict[str, dict[str, str]]:
    data = yaml.safe_load((_DIR / "strings.yaml").read_text(encoding="utf-8"))
    return {str(k): {str(lang): str(text) for lang, text in v.items()} for k, v in data.items()}


def t(key: str, lang: str, **values: Any) -> str:
    """The UI string `key` in `lang` (falling back to Chinese, then the key), formatted with `values`."""
    entry = _strings().get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get("zh") or key
    return text.format(**values) if values else text


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
