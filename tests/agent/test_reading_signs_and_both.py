"""Readings a user would be misled by: a negative amount read as positive, "yes and no" read as yes,
and a range whose first number lost the second's scale (1到2亿 offered as "1 万元 or 2 亿")."""

from __future__ import annotations

import pytest

from agent.parsing import parse_answer
from agent.questions import load_bank

BANK = {q.field: q for q in load_bank().questions}


@pytest.mark.parametrize("text", ["-5", "预算-5万", "− 20", "budget -300"])
def test_a_negative_amount_is_refused_not_read_as_positive(text: str) -> None:
    result = parse_answer(BANK["requirements.budget_wan"], text, "zh")
    assert not result.ok and result.value is None
    assert "负数" in (result.error or "")


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("requirements.budget_wan", "3-5万", None),  # a range, asked back
        ("requirements.budget_wan", "3 - 5万", None),
        ("selection.model_size_b", "Qwen2.5-72B", 72.0),
        ("requirements.budget_wan", "预算 50 万", 50.0),
    ],
)
def test_a_hyphen_in_a_name_or_a_range_is_no_minus_sign(field: str, text: str, value: float | None) -> None:
    result = parse_answer(BANK[field], text, "zh")
    assert result.value == value
    assert "负数" not in (result.error or "")


@pytest.mark.parametrize("text", ["是也不是", "有也没有", "yes and no", "Yes/No", "sort of", "对也不对"])
def test_yes_and_no_at_once_is_asked_back(text: str) -> None:
    result = parse_answer(BANK["data.personal_data"], text, "zh")
    assert not result.ok and result.uncertain and result.value is None


@pytest.mark.parametrize(
    ("text", "value"), [("是的", True), ("有，病历", True), ("没有", False), ("no", False)]
)
def test_plain_yes_and_no_still_read(text: str, value: bool) -> None:
    result = parse_answer(BANK["data.personal_data"], text, "zh")
    assert result.ok and result.value is value


@pytest.mark.parametrize(
    ("text", "candidates"),
    [("1到2亿", [10000.0, 20000.0]), ("两到三百万", [200.0, 300.0]), ("300到500万", [300.0, 500.0])],
)
def test_a_range_offers_both_ends_in_the_same_scale(text: str, candidates: list[float]) -> None:
    result = parse_answer(BANK["requirements.budget_wan"], text, "zh")
    assert result.uncertain and result.candidates == candidates
