"""Whatever a user types, parsing answers or reports an error; it never raises."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from agent.parsing import looks_like_question, parse_answer
from agent.questions import load_bank
from agent.signals import scan

BANK = list(load_bank())
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60) | st.sampled_from(
    ["", "  ", "？", "跳过", "1,2,9", "１.５亿", "-3", "1e9", "7B", "不知道?", "是吗"]
)


@settings(max_examples=300, deadline=None)
@given(question=st.sampled_from(BANK), raw=TEXT)
def test_parse_never_raises(question, raw: str) -> None:  # type: ignore[no-untyped-def]
    r = parse_answer(question, raw, "zh")
    if r.ok:
        assert r.status != "answered" or r.value is not None
    else:
        assert r.error and "/" in r.error  # bilingual
    looks_like_question(raw, question)
    scan(raw)


@settings(max_examples=100, deadline=None)
@given(question=st.sampled_from([q for q in BANK if q.type in ("choice", "multi")]), data=st.data())
def test_every_option_is_reachable_by_number_label_and_value(question, data) -> None:  # type: ignore[no-untyped-def]
    i = data.draw(st.integers(min_value=0, max_value=len(question.options) - 1))
    opt = question.options[i]
    for raw, lang in ((str(i + 1), "zh"), (opt.value, "en"), (opt.zh, "zh"), (opt.en, "en")):
        r = parse_answer(question, raw, lang)  # type: ignore[arg-type]
        expected = opt.value if question.type == "choice" else [opt.value]
        assert r.ok and r.value == expected, (raw, r)
