"""The number reader never guesses: a table of what people type, what is recorded, and what is
asked back (with the candidates the user is offered)."""

from __future__ import annotations

import pytest

from agent.numbers import NumberError, read_number

CLEAR = [
    # number words inside ordinary words, GPU and model names are not counts
    ("users", "全省一线运维人员约3000人", 3000),
    ("users", "第一阶段50人", 50),
    ("users", "一期覆盖两个分行，约800名柜员", 800),
    ("users", "三个厂区的一线班组长一共80人", 80),
    ("users", "单机两张A800跑Qwen2.5-32B，给全所约300名律师用", 300),
    ("users", "一万二千名员工", 12000),
    ("users", "1.5万名注册会员", 15000),
    ("users", "about 3,000 field engineers", 3000),
    ("users", "1.2M registered customers", 1_200_000),
    ("wan_cny", "单卡A100一张，约8万", 8),
    ("wan_cny", "两千五百万", 2500),
    ("wan_cny", "2亿", 20000),
    ("wan_cny", "1000000元", 100),
    ("wan_cny", "about 800k", 80),
    ("wan_cny", "买两台8卡H20服务器，预算400万", 400),
    ("months", "一年半", 18),
    ("months", "两个季度", 6),
    ("months", "a year and a half", 18),
    ("billion_params", "Qwen2.5-72B", 72),
    ("billion_params", "四张H20部署DeepSeek-R1-Distill-Qwen-32B", 32),
    ("billion_params", "单卡跑不了72B，所以选了Qwen2.5-14B", 14),
    ("billion_params", "70亿参数", 7),
    ("billion_params", "千亿", 100),
    ("percent", "九成二", 92),
    ("percent", "八成五以上", 85),
    ("percent", "千分之五", 0.5),
    ("percent", "百分之九十点五点", 90.5),  # a stray second 点 does not drop the decimals
    ("percent", "从现在的85%提到95%", 95),
    ("ms", "半秒", 500),
    ("ms", "P95不超过3秒", 3000),
    ("ms", "一分钟内出审查意见", 60000),
    ("qps", "高峰200左右，平时20", 200),
    ("qps", "每分钟600次", 10),
]


@pytest.mark.parametrize(("unit", "text", "value"), CLEAR)
def test_a_clear_answer_is_read(unit: str, text: str, value: float) -> None:
    reading = read_number(text, unit, fraction_as_percent=unit == "percent")
    assert reading.value == pytest.approx(value)


YEARLY = [
    ("每月2万", 24),
    ("每天token费用大约300元", 10.95),
    ("硬件一次性投入120万，之后每年运维30万", 30),
    ("about 20k a month for hosting", 24),  # an English period word followed by more words
    ("一年50万", 50),  # one year, one month: a period, not a span of time
    ("1个月5万", 60),
    ("每年50万，三年150万", 50),  # the amount with a period wins over the one for a span
    ("硬件一次性投入120万，之后每月运维3万", 36),
    ("三个月试点期间月均花费5万", 60),  # 月 in a span of time and again as a period
    ("试点三个月每天300元", 10.95),  # a period word right after a span
]


@pytest.mark.parametrize(("text", "value"), YEARLY)
def test_a_yearly_amount_is_converted_from_its_period(text: str, value: float) -> None:
    assert read_number(text, "wan_cny", per="year").value == pytest.approx(value)


def test_a_spoken_range_of_a_monthly_amount_offers_both_yearly_amounts() -> None:
    assert read_number("每月两三万", "wan_cny", per="year").candidates == [24, 36]


@pytest.mark.parametrize(
    "text", ["三个月的试点预算50万", "三个月的试点，预算50万", "半年20万", "a 6-month pilot costs 500k"]
)
def test_an_amount_for_a_span_of_time_is_asked_back_for_a_yearly_one(text: str) -> None:
    """The 月 of 三个月 is no monthly rate (it was read ×12: 600万 a year); nor is 50万 for three
    months a yearly cost."""
    reading = read_number(text, "wan_cny", per="year")
    assert reading.value is None and len(reading.candidates) == 1
    assert "每年" in reading.why_zh and "per year" in reading.why_en


def test_a_period_word_changes_nothing_where_no_yearly_amount_is_asked() -> None:
    assert read_number("三个月的试点预算50万", "wan_cny").value == 50


ASKED = [
    ("users", "两三百人吧", [200, 300]),
    ("users", "300到500人", [300, 500]),
    ("users", "between 200 and 400", [200, 400]),
    ("users", "先试点50人，明年推广到全省5000人", [50, 5000]),
    ("users", "两个分公司，每个分公司150人", [150]),
    ("users", "面向全市市民，常住人口1200万", [12_000_000]),
    ("users", "单位一半的员工，总共大约1600人", [1600]),
    ("users", "each branch has 150 staff", [150]),
    ("wan_cny", "三-五百万", [300, 500]),  # a dash after a Chinese numeral joins a range: no minus
    ("wan_cny", "0到50万", [0, 50]),
    ("wan_cny", "500k to 800k", [50, 80]),
    ("wan_cny", "大约50万美元", []),
    ("wan_cny", "硬件50万，软件和服务150万", [50, 150]),
    ("months", "2027年底", []),
    ("months", "三到六个月", [3, 6]),
    ("months", "两到三周", [0.46, 0.69]),  # both ends in the second's unit: weeks, not 2 months
    ("months", "6个月，其中一半用来准备数据", [6]),
    ("billion_params", "7B和14B都在测", [7, 14]),
    ("percent", "90-95%", [90, 95]),
    ("ms", "首字1秒内，完整回答10秒内", [1000, 10000]),
    ("ms", "100", [100, 100000]),
    ("ms", "30", [30, 30000]),
    ("ms", "1到2秒", [1000, 2000]),
    ("qps", "日均10万次调用", [100000]),
]


@pytest.mark.parametrize(("unit", "text", "candidates"), ASKED)
def test_an_uncertain_answer_is_asked_back_with_its_candidates(
    unit: str, text: str, candidates: list[float]
) -> None:
    reading = read_number(text, unit)
    assert reading.value is None
    assert reading.candidates == pytest.approx(candidates)
    assert reading.why_zh and reading.why_en


@pytest.mark.parametrize("text", ["越高越好", "GPT-4o via the API", "很多"])
def test_no_number_at_all_is_an_error_that_says_what_to_type(text: str) -> None:
    with pytest.raises(NumberError) as exc:
        read_number(text, "billion_params")
    assert "7B" in exc.value.zh and "7B" in exc.value.en


def test_a_bare_small_latency_is_read_as_seconds_and_says_so() -> None:
    reading = read_number("3", "ms")
    assert (reading.value, reading.why_zh, reading.why_en) == (3000, "按 3 秒理解", "read as 3 seconds")


@pytest.mark.parametrize(
    ("qid", "typed", "value"),
    [("req.budget", "1e3", 1000.0), ("req.budget", "1.5e3", 1500.0), ("int.scale_users", "2E3", 2000.0)],
)
def test_a_number_in_scientific_notation_is_read_whole(qid: str, typed: str, value: float) -> None:
    """'1e3' typed (or left as text by YAML in an answers file) is a thousand, not 1."""
    from agent.parsing import parse_answer
    from agent.questions import load_bank

    result = parse_answer(load_bank().get(qid), typed, "zh")
    assert result.ok and result.value == value


def test_a_share_of_a_budget_is_asked_back_for_the_whole_figure_not_a_head_count() -> None:
    from agent.parsing import parse_answer
    from agent.questions import load_bank

    bank = load_bank()
    budget = parse_answer(bank.get("req.budget"), "一半给硬件，共两百万", "zh")
    assert not budget.ok and "完整的数字" in (budget.error or "") and "人数" not in (budget.error or "")
    assert budget.candidates == [200.0]
    users = parse_answer(bank.get("int.scale_users"), "half of our 4000 staff", "en")
    assert not users.ok and "number of users" in (users.error or "")
