"""The guided parser's words come from knowledge/answer_words.yaml, and every entry is read as text."""

from __future__ import annotations

import pytest

from agent import words
from agent.numbers import read_number
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


# The reader's unit, scale and range tables are data (issue 11): what the file says is what an answer means.


def test_every_duration_word_of_the_file_is_read_in_months_as_the_file_says() -> None:
    for word, per_year in words.word_values("reading", "units_time_per_year").items():
        gap = "" if not word.isascii() else " "
        expected = 2 * 12 / per_year + (0.5 if word == "个半月" else 0.0)  # 2个半月 = 2.5 months
        got = read_number(f"2{gap}{word}", "months").value
        assert got == pytest.approx(round(expected, 2), abs=0.01), word


def test_every_latency_word_of_the_file_is_read_in_milliseconds_as_the_file_says() -> None:
    for word, ms in words.word_values("reading", "units_latency_ms").items():
        gap = "" if not word.isascii() else " "
        assert read_number(f"3{gap}{word}", "ms").value == 3 * ms, word


def test_scales_and_range_words_come_from_the_file() -> None:
    scales = words.word_values("numbers", "scales")
    assert read_number("2千亿", None).value == 2 * scales["千亿"]
    for join in word_list("reading", "range_joins"):
        reading = read_number(f"300 {join} 500", "users")
        assert reading.value is None and reading.candidates == [300, 500], join
