"""Reader fixes found by the blind third dev batch (eval/answers_corpus/blind_dev3.yaml), each a rule of
how people write, tested on sentences of its own (not the batch's): list numbers and an enumeration's
last conjunction, a half after a unit, a duration ending in a date-like word, English compound
numbers, a share in a user count, a lack named after an option, event names that hold a numeral."""

from __future__ import annotations

import pytest

from agent.numbers import read_number
from agent.parsing import parse_answer
from agent.questions import load_bank

BANK = load_bank()


def _read(qid: str, text: str, lang: str = "zh") -> object:
    result = parse_answer(BANK.get(qid), text, lang)  # type: ignore[arg-type]
    assert result.ok, (text, result.error)
    return result.value


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("1、智能排班 2、票务问答 3、失物招领", ["智能排班", "票务问答", "失物招领"]),
        ("OA、ERP及费控系统", ["OA", "ERP", "费控系统"]),
        ("Workday, Jira, and the intranet", ["Workday", "Jira", "the intranet"]),
        ("人力资源和社保系统", ["人力资源和社保系统"]),  # one conjunction alone may be one name
        ("版本 2.0 升级，OA", ["版本 2.0 升级", "OA"]),  # a decimal is not an item number
    ],
)
def test_a_list_answer_is_split_into_the_items_the_user_named(text: str, items: list[str]) -> None:
    assert _read("int.systems", text) == items


@pytest.mark.parametrize(
    ("text", "months"), [("三个半月", 3.5), ("1个半月", 1.5), ("半年内见效", 6.0), ("3年内", 36.0)]
)
def test_durations_with_a_half_or_a_within_are_read(text: str, months: float) -> None:
    assert read_number(text, "months").value == months


@pytest.mark.parametrize("text", ["年底上线", "年内上线", "明年春节前"])
def test_a_date_is_still_asked_back(text: str) -> None:
    assert read_number(text, "months").value is None


@pytest.mark.parametrize(("text", "value"), [("eighty-five percent", 85.0), ("seventy two", 72.0)])
def test_english_compound_numbers_are_one_number(text: str, value: float) -> None:
    assert read_number(text, "percent").value == value


def test_a_share_in_a_user_count_is_asked_back_without_guessing_a_candidate() -> None:
    reading = read_number("会员300万，预计两成会用，大约10%是活跃用户", "users")
    assert reading.value is None and reading.candidates == []


def test_a_lack_named_after_an_option_deselects_it() -> None:
    assert _read("sel.resources", "资金到位了，算力还缺") == ["funds"]
    assert _read("sel.resources", "data and compute are assessed, talent is lacking", "en") == [
        "data",
        "compute",
    ]


def test_an_event_name_holding_a_numeral_is_not_a_number() -> None:
    assert read_number("双十一当天每秒峰值800次", "qps").value == 800
