"""The English text of the built-in pack: every passage has one, and it carries the same figures and
case names as the Chinese passage it stands beside (issue 20)."""

from __future__ import annotations

import re

import pytest

from knowledge.pack import EN_DIR, PACK_DIR, cite, english_texts, load_pack, localize, text_lang

CJK = re.compile(r"[\u3400-\u9fff]")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]+")

CASE_NAMES = {
    "蚂蚁": "Ant",
    "天津金城银行": "Tianjin Jincheng Bank",
    "支小助": "Zhixiaozhu",
    "言犀": "Yanxi",
    "九章云极": "Jiuzhang Yunji",
    "九章元识": "Jiuzhang Yuanshi",
    "慧政大模型": "Huizheng",
    "风乌": "Fengwu",
    "小布": "Xiaobu",
    "中公网校": "Zhonggong",
    "中国金茂": "China Jinmao",
    "众深科技": "Zhongshen Technology",
    "文修": "Wenxiu",
    "新华妙笔": "Xinhua Miaobi",
    "单晶炉": "single-crystal furnace",
    "智慧工业平台": "smart-industry platform",
    "智慧政务平台": "smart-government platform",
    "信息安全大模型平台": "information-security LLM platform",
    "制造业数字化转型平台": "manufacturing",
    "政策问答系统": "policy Q&A system",
    "医疗咨询": "medical-consultation",
    "金融风控": "risk-control",
}
"""Every case and company the pack names, in Chinese, and the English name the English text uses."""


def test_every_built_in_passage_has_english_text_and_no_english_text_is_orphaned() -> None:
    pack = load_pack()
    missing = [p.id for p in pack if not p.text_en]
    assert not missing, f"passages without English text: {missing}"
    orphans = set(english_texts()) - {p.id for p in pack}
    assert not orphans, f"English text for ids not in the pack: {sorted(orphans)}"
    assert {f.name for f in EN_DIR.glob("*.yaml")} == {f.name for f in PACK_DIR.glob("*.yaml")}


@pytest.mark.parametrize("passage", load_pack(), ids=lambda p: p.id)
def test_english_text_is_english_and_whole(passage) -> None:  # type: ignore[no-untyped-def]
    assert not CJK.search(passage.text_en), "Chinese characters in the English text"
    # a passage is one self-contained idea: the English is not a stub or a one-line gloss
    assert len(passage.text_en.split()) >= 40
    assert text_lang(passage.text_en) == "en" and text_lang(passage.text) == "zh"


@pytest.mark.parametrize("passage", load_pack(), ids=lambda p: p.id)
def test_figures_and_names_match_between_the_two_languages(passage) -> None:  # type: ignore[no-untyped-def]
    zh, en = passage.text, passage.text_en
    assert set(NUMBER.findall(en)) == set(NUMBER.findall(zh)), "numbers differ between zh and en"
    latin_missing = {w for w in LATIN.findall(zh) if w.lower() not in en.lower()}
    assert not latin_missing, (
        f"Latin-script names or terms of the Chinese text missing in English: {latin_missing}"
    )
    for name_zh, name_en in CASE_NAMES.items():
        if name_zh in zh:
            assert name_en.lower() in en.lower(), f"{name_zh} is named in Chinese but not as {name_en!r}"


def test_the_case_name_table_covers_every_case_figure_passage() -> None:
    """A case passage names its cases; each named case is in the table above (else the check is blind)."""
    for p in load_pack():
        if p.kind == "case":
            assert any(name in p.text for name in CASE_NAMES), p.id


def test_a_citation_quotes_the_text_of_its_language() -> None:
    zh, en = cite("pitfall-cost-case", lang="zh"), cite("pitfall-cost-case", lang="en")
    assert zh.passage_id == en.passage_id == "pitfall-cost-case"
    assert CJK.search(zh.quote) and not CJK.search(en.quote)
    assert en.quote.startswith("The case evidence") and en.title.startswith("Case evidence")


def test_localize_switches_built_in_text_and_keeps_a_users_document_as_written() -> None:
    p = next(p for p in load_pack() if p.id == "poc-steps")
    en = localize(p, "en")
    assert en.lang == "en" and en.text == p.text_en and en.id == p.id
    assert localize(en, "zh").text == p.text and localize(en, "zh").lang == "zh"
    user = p.model_copy(
        update={"id": "abc#0", "kb": "org", "text": "我们的数据留在本地机房。", "text_en": ""}
    )
    kept = localize(user, "en")
    assert kept.text == user.text and kept.lang == "zh"
