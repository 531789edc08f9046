"""An answer the parser cannot read is explained in the screen's language only."""

from __future__ import annotations

import re

import pytest

from agent.parsing import parse_answer
from agent.questions import load_bank

CJK = re.compile(r"[\u4e00-\u9fff]")


def _number_question() -> object:
    return next(q for q in load_bank().questions if q.type == "number")


@pytest.mark.parametrize("raw", ["两三百", "好几个"])
def test_an_unreadable_number_is_explained_in_one_language(raw: str) -> None:
    q = _number_question()
    zh = parse_answer(q, raw, "zh")  # type: ignore[arg-type]
    en = parse_answer(q, raw, "en")  # type: ignore[arg-type]
    assert not zh.ok and not en.ok
    assert zh.error and en.error
    assert not re.search(r"[A-Za-z]{3,}", zh.error.replace(raw, "")), zh.error
    # the English message quotes what was typed (or a part of it) and nothing else in Chinese
    assert not CJK.search("".join(ch for ch in en.error if ch not in raw)), en.error


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_phase_advice_names_each_unmet_criterion_once(lang: str) -> None:
    """The welcome's phase advice listed the six unmet criteria, then listed them again."""
    from agent.answers import build_profile
    from agent.recommend import recommend

    recs = recommend(build_profile({}), lang)  # type: ignore[arg-type]
    phase = next(r for r in recs if r.advice.count("✗") >= 2)
    items = re.findall(r"✗ ([^；;。.]+)", phase.advice)
    assert items
    for item in items:
        name = re.sub(r"\s*[（(][^（()）]*[)）]$", "", item.strip())  # without "（教练归纳）"
        assert phase.advice.count(name) == 1, (name, phase.advice)
