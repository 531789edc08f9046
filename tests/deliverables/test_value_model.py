"""The value scorecard's value model: every input is an answer (its words kept), a value worked out
from two answers, the one stated assumption, or an open question — never a number the answers do not
hold; the result only when no input is open. Dimensions follow the sector and the audience: an internal
tool has no citizen, customer or public-opinion dimension. Checked over every example, zh and en."""

from __future__ import annotations

import re

import pytest

from agent.deliverables.registry import load_registry
from agent.deliverables.render_md import render_document
from agent.numbers import read_number
from agent.profile import Profile
from agent.snapshot import ProjectSnapshot
from tests.deliverables.checks import asks
from tests.deliverables.example_docs import EXAMPLES, LANGS, answer, doc, example_answers, tables

CASES = [(e, lang) for e in EXAMPLES for lang in LANGS]
SPEC = next(s for s in load_registry() if s.id == "value_scorecard")
MARKS = ("*待确认*", "*to be confirmed*")
INPUT_ROWS = {  # row title (zh, en) → the answer it shows
    "tasks_per_user_day": ("每人每天任务数", "Tasks per user a day", "requirements.tasks_per_user_day"),
    "users": ("使用人数", "Users", "integration.scale_users"),
    "hourly_cost": ("每小时人力成本（元）", "Cost of an hour (CNY)", "requirements.hourly_cost_cny"),
}
FORMULA_CONSTANTS = {"60", "10000", "12", "250"}
"""÷ 60 minutes, ÷ 10,000 (yuan → 万元), × 12 months, the 250 working days the table states as an
assumption."""


def value_section(example: str, lang: str) -> str:
    md = doc(example, lang, "value_scorecard").markdown
    return md.split("\n## 3. ", 1)[1].split("\n## 4. ", 1)[0]


def input_table(section: str) -> dict[str, list[str]]:
    return {row[0]: row for row in tables(section)[0][1:]}


def numbers_in_answers(example: str) -> set[str]:
    found: set[str] = set()
    for section in example_answers(example).values():
        for value in section.values() if isinstance(section, dict) else []:
            for n in re.findall(r"\d+(?:\.\d+)?", str(value)):
                found.add(str(float(n)).removesuffix(".0"))
    return found


def render(profile: dict, lang: str = "en") -> str:  # type: ignore[type-arg]
    snap = ProjectSnapshot(name="x", profile=Profile.model_validate(profile))
    return render_document(snap, SPEC, lang).markdown


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_each_input_is_the_answer_or_an_open_question(example: str, lang: str) -> None:
    section = value_section(example, lang)
    rows = input_table(section)
    md = doc(example, lang, "value_scorecard").markdown
    for zh, en, path in INPUT_ROWS.values():
        row = rows[en if lang == "en" else zh]
        given = answer(example, path)
        if given is None:
            assert row[1] in MARKS, row
            assert asks(md, path, lang) and "`" not in row[2], row
        else:
            assert row[1] == (f"{given:g}" if isinstance(given, float) else str(given)), row
            assert f"`{path}`" in row[2], row
    working_days = rows["每年工作日（天）" if lang == "zh" else "Working days a year"]
    assert working_days[1] == "250" and ("假设，待确认" in working_days[2] or "Assumption" in working_days[2])


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_time_saved_is_answered_worked_out_from_baseline_and_target_or_open(example: str, lang: str) -> None:
    row = input_table(value_section(example, lang))[
        "每次任务节省的时间（分钟）" if lang == "zh" else "Time saved per task (min)"
    ]
    baseline, target = answer(example, "requirements.baseline"), answer(example, "requirements.target")
    try:
        before = read_number(str(baseline), "minutes").value
        after = read_number(str(target), "minutes").value
    except ValueError:
        before = after = None
    if before is not None and after is not None:
        assert row[1] == f"{before - after:g}", row
        assert str(baseline) in row[2] and str(target) in row[2], row  # the user's words, both
    else:
        assert row[1] in MARKS, row


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_no_number_in_the_value_model_is_absent_from_the_answers(example: str, lang: str) -> None:
    section = value_section(example, lang)
    allowed = numbers_in_answers(example) | FORMULA_CONSTANTS
    results = re.findall(
        r"(?:约 |about |\| |；回收期 |\*\*)(\d+(?:\.\d+)?)(?: 万元/年| ×10k CNY a year| 个月\*\*| months\*\*)",
        section,
    )
    worked = set(results)
    rows = input_table(section)
    saved = rows["每次任务节省的时间（分钟）" if lang == "zh" else "Time saved per task (min)"][1]
    worked |= {saved} if saved not in MARKS else set()
    section = re.sub(r"还缺 \d+ 项输入|\d+ inputs? still open", "", section)  # how many are open: a count
    for n in re.findall(r"(?<![\w.`])\d+(?:\.\d+)?(?![\w`])", section.replace("requirements.", "")):
        assert n in allowed or n in worked, f"{example}: {n} is in no answer"


def test_the_energy_example_computes_value_and_payback_from_its_answers() -> None:
    # 20 min saved (35 → 15) ÷ 60 × 0.2 orders a day × 2000 staff × 250 days × 120 CNY ÷ 10000
    section = value_section("energy_field_maintenance_agent", "en")
    assert "**Annual value**: about 400 ×10k CNY a year" in section
    assert "the working days are an assumption" in section
    net = next(r for r in tables(section)[1] if r[0].startswith("Net annual value"))
    payback = next(r for r in tables(section)[1] if r[0].startswith("Payback"))
    assert net[1] == "280 ×10k CNY a year"  # 400 − 120 running cost
    assert payback[1] == "**21.4 months**"  # 500 budget ÷ 280 × 12


def test_no_result_while_an_input_is_open_and_no_payback_without_budget() -> None:
    hospital = value_section("hospital_guideline_qa", "zh")
    assert "**年化价值**：尚不能计算" in hospital and "万元/年" not in hospital
    retail = value_section("retail_marketing_copy", "en")  # 30 min × 6 × 60 × 250 × 80: no budget
    assert "**Annual value**: about 360 ×10k CNY a year" in retail
    assert "months**" not in retail


def test_a_negative_net_value_says_the_time_saved_does_not_pay_back() -> None:
    md = render(
        {
            "requirements": {
                "minutes_saved_per_task": 1,
                "tasks_per_user_day": 1,
                "hourly_cost_cny": 120,
                "budget_wan": 100,
            },
            "integration": {"scale_users": 10},
            "selection": {"cost_estimate_wan": 50},
        }
    )
    assert "**Annual value**: about 0.5 ×10k CNY a year" in md  # 1 ÷ 60 × 1 × 10 × 250 × 120 ÷ 10000
    assert "| **None** |" in md and "does not cover the yearly running cost" in md


def scorecard_rows(md: str) -> dict[str, int]:
    table = md.split("## 2. ", 1)[1].split("## 3. ", 1)[0]
    return {d: int(w) for d, w in re.findall(r"^\| ([^|]+) \| (\d+)% \|", table, flags=re.M)}


PUBLIC_DIMENSIONS = ("群众满意度", "客户满意度", "社会评价", "用户/群众满意度")
PUBLIC_DIMENSIONS_EN = (
    "Citizen satisfaction",
    "Customer satisfaction",
    "Social evaluation",
    "User / public satisfaction",
)


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_dimensions_follow_the_audience_and_weights_sum_to_100(example: str, lang: str) -> None:
    rows = scorecard_rows(doc(example, lang, "value_scorecard").markdown)
    assert sum(rows.values()) == 100
    public = PUBLIC_DIMENSIONS_EN if lang == "en" else PUBLIC_DIMENSIONS
    staff = "Staff satisfaction and adoption" if lang == "en" else "员工满意度与采纳"
    users = answer(example, "requirements.target_users")
    if users == "internal":
        assert not set(rows) & set(public), rows
        assert staff in rows
    elif users == "both":
        assert staff in rows and set(rows) & set(public[:2]), rows
    elif users == "external":
        assert staff not in rows and set(rows) & set(public[:2]), rows


def test_a_public_government_service_is_judged_by_citizens_and_an_internal_one_is_not() -> None:
    public = scorecard_rows(
        render({"project": {"sector": "government"}, "requirements": {"target_users": "external"}})
    )
    assert max(public, key=lambda k: public[k]) == "Citizen satisfaction" and "Social evaluation" in public
    internal = scorecard_rows(
        render({"project": {"sector": "government"}, "requirements": {"target_users": "internal"}})
    )
    assert not set(internal) & set(PUBLIC_DIMENSIONS_EN) and sum(internal.values()) == 100
    # the regulatory audience answers the question when target users is not answered
    staff_only = render(
        {"project": {"sector": "government"}, "requirements": {"audience": ["internal_staff"]}}
    )
    assert "Citizen satisfaction" not in staff_only and "Staff satisfaction and adoption" in staff_only
    unknown = render({"project": {"sector": "government"}})
    assert asks(unknown, "requirements.target_users", "en")  # who it serves is asked, not assumed


def test_the_value_model_inputs_are_read_in_their_units() -> None:
    assert read_number("大约8分钟", "minutes").value == 8
    assert read_number("30秒", "minutes").value == 0.5
    assert read_number("15分钟，一年内", "minutes").value == 15
    assert read_number("每人每天约20次", "per_day").value == 20
    assert read_number("约150元", "cny_per_hour").value == 150
