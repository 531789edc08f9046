"""The guided parser's words come from knowledge/answer_words.yaml, and every entry is read as text."""

from __future__ import annotations

import pytest

from agent import words
from agent.words import WORDS_FILE, word_list


def test_every_word_is_text_so_yes_and_no_are_not_booleans() -> None:
    data = words._data()
    for section, lists in data.items():
        for name, entries in lists.items():
            keys = entries.keys() if isinstance(entries, dict) else entries
            assert all(isinstance(w, str) for w in keys), f"{section}.{name} in {WORDS_FILE.name}"
    assert "yes" in word_list("answers", "yes") and "no" in word_list("answers", "no")
    assert "1" in word_list("answers", "yes") and "2" in word_list("answers", "no")


def test_an_unquoted_word_is_refused_with_its_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(words, "_data", lambda: {"answers": {"yes": ["是", True]}})
    with pytest.raises(ValueError, match=r"answers\.yes: quote \[True\]"):
        word_list("answers", "yes")
