"""English readers see the source documents' sections in English: glossed headings, English titles."""

from __future__ import annotations

import re

from agent.citemarks import citation_for
from agent.deliverables.labels import citation_in, section_label
from agent.types import Passage
from graphs.asking import guided_answer
from knowledge.pack import cite, get_passage, load_pack, section_gloss

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_pack_section_has_an_english_gloss_and_every_english_title_is_english() -> None:
    unglossed = sorted({p.section for p in load_pack() if not section_gloss(p.section)})
    assert not unglossed, unglossed
    chinese = [p.title_en for p in load_pack() if CJK.search(p.title_en)]
    assert not chinese, chinese
    glosses = [section_gloss(p.section) for p in load_pack()]
    assert not [g for g in glosses if CJK.search(g)]


def test_a_users_copy_of_a_source_document_keeps_its_headings_with_their_glosses() -> None:
    path = (
        "大模型落地通用实施步骤与避坑要点总结 > 二、共通的落地避坑要点 > 避坑要点一：数据安全与隐私合规优先"
    )
    label = section_label(path, "en", "org")
    assert label.endswith(
        "避坑要点一：数据安全与隐私合规优先 (Pitfall 1: put data security and privacy compliance first)"
    )
    assert label.count(" > ") == 2 and label.count(" (") == 3
    assert section_label("采购制度 > 三家比价", "en", "org") == "采购制度 > 三家比价"  # no gloss known
    assert section_label(path, "zh", "org") == path


def test_english_guided_answer_names_and_cites_passages_in_english() -> None:
    builtin = get_passage("pitfall-data-security")
    assert builtin is not None
    org = Passage(
        id="abc#3",
        text="严格采用数据脱敏。",
        title="避坑要点一：数据安全与隐私合规优先",
        source="003_829d98c82b09c91c.txt",
        section="大模型落地通用实施步骤与避坑要点总结 > 二、共通的落地避坑要点 > 避坑要点一：数据安全与隐私合规优先",
        kb="org",
    )
    msg = guided_answer([builtin, org], "en")
    attributions = [line for line in msg.text.splitlines() if line.startswith("— ")]
    assert attributions[0] == (
        "— Put data security and privacy compliance first "
        "(LLM adoption cases: general implementation steps and pitfalls)"
    )
    assert "(Pitfall 1: put data security and privacy compliance first)" in attributions[1]
    # the built-in passage is quoted in English; the user's Chinese document as written, and said so
    assert attributions[1].endswith(", quoted in Chinese)")
    assert "desensitisation" in msg.text and "严格采用数据脱敏" in msg.text
    first, second = msg.citations
    assert first.title == "Put data security and privacy compliance first"
    assert first.section == "Pitfall 1: put data security and privacy compliance first"
    assert "(Pitfall 1: put data security" in second.section
    chinese = guided_answer([builtin], "zh").citations[0]
    assert chinese.title == builtin.title and chinese.section == builtin.section


def test_citations_are_unchanged_in_chinese_and_english_in_english() -> None:
    citation = cite("poc-steps")
    assert citation_in(citation, "zh") == citation
    english = citation_in(citation, "en")
    assert (english.title, english.section) == (
        "Steps of a proof of concept",
        "Implementation steps of a proof of concept",
    )
    assert english.quote == citation.quote  # the passage's own words are quoted as written
    org = citation_for(
        Passage(id="x#0", text="正文", title="采购制度", source="制度.docx", section="采购制度", kb="org")
    )
    assert citation_in(org, "en") == org
