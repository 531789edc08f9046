"""The one string lookup of every front end and of the engine: `Strings(path).t(key, lang, **values)`.

A strings file is YAML, `key: {zh: text, en: text}` (text with `str.format` placeholders), read once.
Chinese is the default language: a string missing in English is shown in Chinese. `pick` chooses
between two texts written inline (deliverable templates).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from agent.datafiles import load_yaml


class Strings:
    """The strings of one file (`graphs`' engine strings, the TUI's, the CLI's)."""

    def __init__(self, path: Path, *, strict: bool = True) -> None:
        self.path = path
        self.strict = strict
        """An unknown key raises KeyError (else the key itself is shown)."""

    @cached_property
    def table(self) -> dict[str, dict[str, Any]]:
        """Every entry, by key."""
        data: dict[str, dict[str, Any]] = load_yaml(self.path) or {}
        return data

    def t(self, key: str, lang: str, **values: Any) -> str:
        """The string `key` in `lang` (Chinese when missing in `lang`), its placeholders filled."""
        entry = self.table.get(key)
        if entry is None:
            if self.strict:
                raise KeyError(f"no string {key!r} in {self.path}")
            return key
        text = str(entry.get(lang) or entry.get("zh") or key)
        return text.format(**values) if values else text


def pick(lang: str, zh: str, en: str) -> str:
    """`zh` or `en`, whichever `lang` reads."""
    return en if lang == "en" else zh
