"""Forgiving parsing of what people type, in Chinese and English."""

from __future__ import annotations

import pytest

from agent.parsing import is_confirmation, looks_like_question, parse_answer
from agent.questions import load_bank

BANK = load_bank()


def parse(qid: str, raw: str, lang: str = "zh"):  # type: ignore[no-untyped-def]
    return parse_answer(BANK.get(qid), raw, lang)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1", "private"),
        ("２", "public_cloud"),
        ("B", "public_cloud"),
        ("c", "hybrid"),
        ("private", "private"),
        ("Private", "private"),
        ("私有化", "private"),
        ("本地", "private"),
        ("on-prem", "private"),
        ("ON-PREM", "private"),
        ("公有云", "public_cloud"),
        ("cloud_edge", "cloud_edge"),
        ("云边协同", "cloud_edge"),
        ("我们打算本地部署", "private"),
        ("Hybrid cloud.", "hybrid"),
    ],
)
def test_choice_forgives(raw: str, value: str) -> None:
    r = parse("sel.deployment", raw)
    assert r.ok and r.status == "answered" and r.value == value


def test_choice_rejects_nonsense_and_ambiguity_with_a_hint_in_the_screen_language() -> None:
    r = parse("sel.deployment", "moon base")
    assert not r.ok and r.error
    assert "私有化部署" in r.error and "Private (on-premises)" not in r.error, "one language per screen"
    assert "1=" in r.error
    r = parse("sel.deployment", "公有云还是私有化")
    assert not r.ok and "只能选一项" in (r.error or "")
    assert not parse("sel.deployment", "9").ok


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1,3", ["rag", "fine_tuning"]),
        ("1 3", ["rag", "fine_tuning"]),
        ("1，3", ["rag", "fine_tuning"]),
        ("RAG和Agent", ["rag", "agent"]),
        ("rag, agent", ["rag", "agent"]),
        ("agent、rag", ["rag", "agent"]),
        ("微调", ["fine_tuning"]),
        ("RAG and fine-tuning", ["rag", "fine_tuning"]),
        ("我们会用检索增强，再加上提示工程", ["rag", "prompt_engineering"]),
    ],
)
def test_multi_forgives(raw: str, value: list[str]) -> None:
    r = parse("sel.techniques", raw)
    assert r.ok and r.value == value


def test_multi_none_and_all() -> None:
    assert parse("dev.optimisation", "无").value == ["none"]
    assert parse("dev.optimisation", "none").value == ["none"]
    assert parse("dev.hallucination_controls", "没有").value == []
    assert parse("sel.resources", "全部").value == ["data", "compute", "funds", "talent"]
    assert not parse("sel.techniques", "blockchain").ok


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("是", True),
        ("否", False),
        ("有", True),
        ("没有", False),
        ("对", True),
        ("不", False),
        ("y", True),
        ("n", False),
        ("Yes", True),
        ("no", False),
        ("true", True),
        ("false", False),
        ("1", True),
        ("2", False),
        ("没有，我们还没想过", False),
        ("有的，客户身份证号", True),
        ("No, not yet.", False),
        ("不涉及", False),
    ],
)
def test_yesno_forgives(raw: str, value: bool) -> None:
    r = parse("dat.personal_data", raw)
    assert r.ok and r.value is value


def test_yesno_rejects_other_text() -> None:
    r = parse("dat.personal_data", "maybe later", "en")
    assert not r.ok and "yes/no" in (r.error or "")


@pytest.mark.parametrize(
    ("qid", "raw", "value"),
    [
        ("req.budget", "500万", 500),
        ("req.budget", "500", 500),
        ("req.budget", "1.5亿", 15000),
        ("req.budget", "3 million", 300),
        ("req.budget", "5,000,000元", 500),
        ("req.budget", "约３００万元", 300),
        ("req.timeline", "2 years", 24),
        ("req.timeline", "6个月", 6),
        ("req.timeline", "半年", 6),
        ("req.timeline", "一年半", 18),
        ("tst.accuracy_target", "30%", 30),
        ("tst.accuracy_target", "0.95", 95),
        ("tst.hallucination_target", "0.5", 0.5),
        ("tst.hallucination_target", "百分之五", 5),
        ("tst.latency_target", "2秒", 2000),
        ("tst.latency_target", "800ms", 800),
        ("sel.model_size", "7B", 7),
        ("sel.model_size", "千亿", 100),
        ("int.scale_users", "2万", 20000),
    ],
)
def test_numbers_with_units(qid: str, raw: str, value: float) -> None:
    r = parse(qid, raw)
    assert r.ok and r.value == pytest.approx(value)


def test_numbers_reject_words_and_out_of_range() -> None:
    r = parse("req.timeline", "很快")
    assert not r.ok and "6个月" in (r.error or "") and "6 months" not in (r.error or "")
    r = parse("tst.accuracy_target", "150%", "en")
    assert not r.ok and "at most 100" in (r.error or "")


@pytest.mark.parametrize(
    ("qid", "raw"),
    [
        ("sel.model_size", "大概几十个吧"),
        ("req.budget", "几百万"),
        ("int.scale_users", "十几个部门的人"),
        ("int.scale_users", "两三百"),
        ("int.scale_users", "hundreds of agents"),
    ],
)
def test_a_rough_range_is_asked_again_for_one_estimate(qid: str, raw: str) -> None:
    r = parse(qid, raw)
    assert not r.ok and "估计值" in (r.error or ""), "asks for one estimate (in the screen's language)"


@pytest.mark.parametrize(
    ("qid", "raw", "value"),
    [
        ("tst.accuracy_target", "几乎100%", 100),
        ("sel.model_size", "7B，部署几张卡", 7),
        ("int.scale_users", "some 300", 300),
    ],
)
def test_a_number_beside_rough_words_is_still_read(qid: str, raw: str, value: float) -> None:
    r = parse(qid, raw)
    assert r.ok and r.value == pytest.approx(value)


@pytest.mark.parametrize("raw", ["skip", "跳过", "pass", "Skip", "跳过。"])
def test_skip(raw: str) -> None:
    r = parse("sel.deployment", raw)
    assert r.ok and r.status == "skipped" and r.value is None


@pytest.mark.parametrize(
    "raw", ["不知道", "不确定", "don't know", "unknown", "?", "？", "Not sure", "不知道？"]
)
def test_unknown(raw: str) -> None:
    for qid in ("sel.deployment", "req.pain_points", "req.budget", "dat.personal_data"):
        r = parse(qid, raw)
        assert r.ok and r.status == "unknown" and r.value is None


def test_text_keeps_words_and_infers_signals() -> None:
    r = parse("req.pain_points", "我们是城商行，客户信息分散，高峰期排队长")
    assert r.ok and r.value == "我们是城商行，客户信息分散，高峰期排队长"
    assert r.inferred["project.sector"] == "finance"
    assert r.inferred["data.personal_data"] is True


def test_text_list_is_split() -> None:
    r = parse("int.systems", "CRM、工单系统, core banking")
    assert r.value == ["CRM", "工单系统", "core banking"]


@pytest.mark.parametrize(
    ("qid", "raw"),
    [
        ("req.pain_points", "什么是RAG？"),
        ("req.pain_points", "what is a PoC?"),
        ("req.pain_points", "RAG是什么"),
        ("req.scenario", "How do other banks handle this?"),
        ("sel.deployment", "什么是私有化部署？"),
        ("sel.techniques", "RAG和Agent有什么区别？"),
        ("dat.personal_data", "什么算个人信息？"),
        ("req.budget", "预算怎么估算？"),
        ("dat.desensitisation", "What does differential privacy mean?"),
        ("dat.personal_data", "Which data counts as personal?"),
        ("req.sector", "哪些算金融行业？"),
    ],
)
def test_looks_like_question_true(qid: str, raw: str) -> None:
    assert looks_like_question(raw, BANK.get(qid))


@pytest.mark.parametrize(
    ("qid", "raw"),
    [
        ("req.pain_points", "客服高峰排队长，回复不一致，客户经常问：为什么我的贷款还没批？"),
        ("req.pain_points", "Our agents spend hours searching policies. Why? The documents are scattered."),
        ("req.pain_points", "回复慢？"),
        ("req.scenario", "坐席在通话中实时检索条款并生成答复"),
        ("sel.deployment", "私有化"),
        ("sel.deployment", "private?"),
        ("req.budget", "500万?"),
        ("dat.personal_data", "有"),
        ("dat.personal_data", "yes, customer records"),
        ("req.sector", "城商行"),
        ("req.pain_points", "不知道？"),
        ("req.pain_points", "?"),
    ],
)
def test_looks_like_question_false(qid: str, raw: str) -> None:
    assert not looks_like_question(raw, BANK.get(qid))


def test_typed_answer_with_a_reason_carries_signals() -> None:
    r = parse("sel.deployment", "私有化，因为涉及大量客户信息")
    assert r.value == "private" and r.inferred["data.personal_data"] is True
    assert "selection.deployment" not in r.inferred
    assert parse("sel.deployment", "私有化").inferred == {}


def test_signal_table_backs_up_the_options() -> None:
    assert parse("req.sector", "城商行").value == "finance"
    assert parse("req.sector", "a regional hospital", "en").value == "healthcare"
    assert parse("dat.personal_data", "We handle patient records", "en").value is True
    assert parse("dat.personal_data", "we keep no personal data", "en").value is False
    assert parse("sel.techniques", "检索增强生成").value == ["rag"]


def test_dont_know_selects_an_explicit_unknown_option() -> None:
    assert parse("req.precedents", "不知道").value == "unknown"
    assert parse("req.precedents", "unknown", "en").status == "answered"


@pytest.mark.parametrize("raw", ["9" * 5000, "1" * 4, "0"])
def test_a_digit_string_that_is_no_option_number_is_told_not_a_crash(raw: str) -> None:
    r = parse("sel.deployment", raw)
    assert not r.ok and r.error


@pytest.mark.parametrize(
    ("qid", "raw", "confirms"),
    [
        ("req.sector", "是", True),
        ("req.sector", " OK。", True),
        ("req.sector", "Yes", True),
        ("req.sector", "确认", True),
        ("req.sector", "金融", False),  # an answer of its own
        ("req.sector", "", False),  # Enter is told apart by the caller
        ("req.pain_points", "对", True),
        ("dat.personal_data", "是", False),  # 是/yes answer a yes/no question
        ("dat.personal_data", "yes", False),
        ("req.precedents", "是", False),  # an option's alias
        ("req.precedents", "确认", True),
    ],
)
def test_a_confirmation_word_confirms_unless_it_is_an_answer(qid: str, raw: str, confirms: bool) -> None:
    assert is_confirmation(BANK.get(qid), raw) is confirms
