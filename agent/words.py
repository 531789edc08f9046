"""The word lists a guided answer is read by (`knowledge/answer_words.yaml`), loaded once.

Data like the question bank and the rules: a word that should also mean "skip" or "no" is added there,
not in code. Every word must be a quoted string (YAML would read an unquoted `yes` as a boolean).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from agent.datafiles import load_yaml

WORDS_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "answer_words.yaml"


@cache
def _data() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = load_yaml(WORDS_FILE)
    return data


def word_list(section: str, name: str) -> tuple[str, ...]:
    """The words of `section.name` in file order; ValueError for a word that is not a string."""
    words = tuple(_data()[section][name])
    bad = [w for w in words if not isinstance(w, str)]
    if bad:
        raise ValueError(f"{WORDS_FILE.name}: {section}.{name}: quote {bad!r} (not read as text)")
    return words


def word_set(section: str, name: str) -> frozenset[str]:
    """The words of `section.name`, for membership tests."""
    return frozenset(word_list(section, name))


def word_values(section: str, name: str) -> dict[str, float]:
    """`section.name` as word -> number (numerals, units, scales)."""
    return {str(k): float(v) for k, v in _data()[section][name].items()}
