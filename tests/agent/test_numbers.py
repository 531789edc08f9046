"""Numbers as people type them, in each question unit: the reading a user sees echoed back.

Each case pins a unit rule whose change would silently misread answers: a bare latency below 50 is
seconds ("2" is 2000 ms, not 2 ms), weeks and days are fractions of a month (not months), money words
scale to 万元, a bare fraction is a share only where the question says so.
"""

from __future__ import annotations

import pytest

from agent.numbers import NumberError, parse_number

CASES = [
    # latency (ms): a bare number below 30 is seconds, from 200 on milliseconds (30-199: asked)
    ("2", "ms", 2000),
    ("29", "ms", 29000),
    ("200", "ms", 200),
    ("800", "ms", 800),
    ("2秒", "ms", 2000),
    ("1.5 s", "ms", 1500),
    ("800毫秒", "ms", 800),
    ("300 ms", "ms", 300),
    ("2 seconds", "ms", 2000),
    ("3分钟", "ms", 180000),
    ("1 min", "ms", 60000),
    # durations (months): years x12, weeks x12/52, days x12/365
    ("6个月", "months", 6),
    ("6", "months", 6),
    ("1年", "months", 12),
    ("2 years", "months", 24),
    ("半年", "months", 6),
    ("一年半", "months", 18),
    ("3周", "months", 0.69),
    ("2 weeks", "months", 0.46),
    ("26 weeks", "months", 6),
    ("90天", "months", 2.96),
    ("30 days", "months", 0.99),
    ("3 months", "months", 3),
    # money (万元)
    ("500万", "wan_cny", 500),
    ("1.5亿", "wan_cny", 15000),
    ("3 million", "wan_cny", 300),
    ("300", "wan_cny", 300),
    ("200000元", "wan_cny", 20),
    ("5k", "wan_cny", 0.5),
    ("1,200万", "wan_cny", 1200),
    # model size (billion parameters)
    ("7B", "billion_params", 7),
    ("72b", "billion_params", 72),
    ("70 billion", "billion_params", 70),
    ("500m", "billion_params", 0.5),
    # percent
    ("95%", "percent", 95),
    ("百分之九十", "percent", 90),
    ("0.5", "percent", 0.5),
    # plain counts
    ("2万", "users", 20000),
    ("3k", "users", 3000),
    ("1,500", "users", 1500),
    ("三百", "users", 300),
]


@pytest.mark.parametrize(("raw", "unit", "expected"), CASES)
def test_number_in_the_question_unit(raw: str, unit: str, expected: float) -> None:
    assert parse_number(raw, unit) == pytest.approx(expected, abs=0.006)


def test_a_bare_fraction_is_a_share_only_where_the_question_says_so() -> None:
    assert parse_number("0.95", "percent", fraction_as_percent=True) == 95
    assert parse_number("0.95", "percent") == 0.95
    assert parse_number("95%", "percent", fraction_as_percent=True) == 95


@pytest.mark.parametrize("raw", ["几十", "十几个", "两三百", "dozens", "上百", "若干"])
def test_a_rough_quantity_is_asked_again_not_guessed(raw: str) -> None:
    with pytest.raises(NumberError) as err:
        parse_number(raw, "users")
    assert "估计" in err.value.zh and "estimate" in err.value.en


def test_no_number_is_refused_with_an_example_in_the_unit() -> None:
    with pytest.raises(NumberError) as err:
        parse_number("不清楚", "ms")
    assert "2秒" in err.value.zh and "800 ms" in err.value.en
