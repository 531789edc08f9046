"""Answer reading (`agent.parsing`) on the short answers people type and on what they are told back when
an answer cannot be read as it stands: each yes-word, each don't-know word, "no, but…", "none" and a
negated option in a multiple choice, and the ask-back wording in the user's language."""

from __future__ import annotations

import pytest

from agent.parsing import parse_answer
from agent.questions import load_bank


def _parse(qid: str, text: str, lang: str = "zh"):  # type: ignore[no-untyped-def]
    return parse_answer(load_bank().get(qid), text, lang)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "lang"), [("会", "zh"), ("涉及", "zh"), ("包含", "zh"), ("需要", "zh"), ("yeah", "en")]
)
def test_each_yes_word_alone_is_yes(text: str, lang: str) -> None:
    r = _parse("dat.personal_data", text, lang)
    assert (r.ok, r.value, r.status) == (True, True, "answered")


@pytest.mark.parametrize("text", ["不确定", "不清楚", "不知道"])
def test_a_dont_know_word_is_unknown_not_no(text: str) -> None:
    r = _parse("dat.personal_data", text)
    assert (r.ok, r.value, r.status) == (True, None, "unknown")


def test_no_but_is_asked_back_in_the_users_language() -> None:
    zh = _parse("dat.personal_data", "没有，但是明年会有")
    en = _parse("dat.personal_data", "no, but later", "en")
    assert not zh.ok and zh.uncertain and "答案里既有“否”也有“但是”，请确认" in (zh.error or "")
    assert not en.ok and en.uncertain and "the answer says no, then 'but'" in (en.error or "")


def test_an_unreadable_yes_no_lists_the_accepted_answers_in_the_users_language() -> None:
    zh = _parse("dat.personal_data", "随便")
    en = _parse("dat.personal_data", "maybe", "en")
    assert not zh.ok and "请回答 是/否" in (zh.error or "")
    assert not en.ok and "answer yes/no, y/n" in (en.error or "")


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [
        ("没有", "zh", ["none"]),
        ("都没有", "zh", ["none"]),
        ("none", "en", ["none"]),
        ("显式和隐式", "zh", ["explicit", "implicit"]),
        ("显式，没有隐式", "zh", ["explicit"]),
        ("explicit, not implicit", "en", ["explicit"]),
    ],
)
def test_none_and_a_negated_option_in_a_multiple_choice(text: str, lang: str, value: list[str]) -> None:
    r = _parse("req.content_labels", text, lang)
    assert (r.ok, r.value, r.uncertain) == (True, value, False)


def test_a_range_is_asked_back_with_its_candidates_in_the_users_language() -> None:
    zh = _parse("req.budget", "两三百万")
    en = _parse("req.budget", "200-300万", "en")
    assert not zh.ok and zh.uncertain and "这是一个范围，请给一个估计值" in (zh.error or "")
    assert not en.ok and en.uncertain and "that is a range; please give one estimate" in (en.error or "")
    assert zh.candidates == en.candidates == [200.0, 300.0]


@pytest.mark.parametrize(
    ("qid", "text", "lang", "told"),
    [
        (
            "dat.personal_data",
            "没有，但是明年会有",
            "zh",
            "无法理解“没有,但是明年会有”：答案里既有“否”也有“但是”，请确认（也可以回答 跳过 / 不知道）",
        ),
        (
            "dat.personal_data",
            "no, but later",
            "en",
            "Could not read 'no, but later': the answer says no, then 'but' (or answer skip / don't know)",
        ),
        ("dat.personal_data", "随便", "zh", "无法理解“随便”：请回答 是/否, y/n（也可以回答 跳过 / 不知道）"),
        (
            "dat.personal_data",
            "maybe",
            "en",
            "Could not read 'maybe': answer yes/no, y/n (or answer skip / don't know)",
        ),
        ("dat.personal_data", "", "zh", "无法理解“”：答案为空（也可以回答 跳过 / 不知道）"),
        (
            "dat.personal_data",
            "  ",
            "en",
            "Could not read '': the answer is empty (or answer skip / don't know)",
        ),
        (
            "req.target_users",
            "火星人",
            "zh",
            "无法理解“火星人”：请回答选项编号或名称：1=内部员工，2=外部客户或群众，3=两者都有（也可以回答 跳过 / 不知道）",
        ),
        (
            "req.target_users",
            "martians",
            "en",
            "Could not read 'martians': answer with an option number or name: 1=Internal staff, 2=External customers or citizens, 3=Both (or answer skip / don't know)",
        ),
        (
            "req.budget",
            "两三百万",
            "zh",
            "无法理解“两三百万”：这是一个范围，请给一个估计值（也可以回答 跳过 / 不知道）",
        ),
        (
            "req.budget",
            "200-300万",
            "en",
            "Could not read '200-300万': that is a range; please give one estimate (or answer skip / don't know)",
        ),
    ],
)
def test_what_the_user_is_told_back_word_for_word(qid: str, text: str, lang: str, told: str) -> None:
    assert _parse(qid, text, lang).error == told
