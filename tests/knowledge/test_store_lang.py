"""Retrieval by language (issue 20): the store holds each built-in passage in Chinese and English; a
query is answered with the text of the asked language, and a question in either language finds the
passage."""

from __future__ import annotations

import re
from pathlib import Path

from knowledge.store import KnowledgeBase
from tests.knowledge.kb_helpers import write_doc

CJK = re.compile(r"[\u3400-\u9fff]")


def test_an_english_query_returns_english_text(kb: KnowledgeBase) -> None:
    hits = kb.search("How do we reduce hallucinations in a legal assistant?", k=3, scope="builtin")
    assert hits[0].id in {"pitfall-hallucination", "pitfall-hallucination-case"}
    for hit in hits:
        assert hit.lang == "en" and not CJK.search(hit.text), hit.id
    assert "hallucinat" in hits[0].text


def test_a_chinese_query_returns_chinese_text(kb: KnowledgeBase) -> None:
    hits = kb.search("如何降低大模型幻觉", k=3, scope="builtin")
    assert hits[0].id in {"pitfall-hallucination", "pitfall-hallucination-case"}
    for hit in hits:
        assert hit.lang == "zh" and CJK.search(hit.text), hit.id


def test_each_passage_comes_back_once_though_it_is_indexed_twice(kb: KnowledgeBase) -> None:
    hits = kb.search("proof of concept steps", k=10, scope="builtin")
    ids = [h.id for h in hits]
    assert len(ids) == len(set(ids)) == 10
    assert not any(i.endswith("@en") for i in ids)


def test_cross_lingual_queries_find_the_passage_in_the_asked_language(kb: KnowledgeBase) -> None:
    # a Chinese question on an English screen: found through the Chinese text, quoted in English
    hits = kb.search("概念验证的实施步骤有哪些", k=3, scope="builtin", lang="en")
    assert "poc-steps" in [h.id for h in hits]
    step = next(h for h in hits if h.id == "poc-steps")
    assert step.lang == "en" and step.text.startswith("A proof of concept usually moves through")
    # and the other way round
    hits = kb.search("What are the steps of a proof of concept?", k=3, scope="builtin", lang="zh")
    step = next(h for h in hits if h.id == "poc-steps")
    assert step.lang == "zh" and "概念验证一般按以下环节推进" in step.text


def test_filters_apply_to_both_languages(kb: KnowledgeBase) -> None:
    for query in ("monitoring in production", "上线后的监控"):
        hits = kb.search(query, k=5, stage="operations", scope="builtin")
        assert hits and all("operations" in [s.value for s in h.stages] for h in hits)


def test_a_users_document_keeps_its_language_on_an_english_search(kb: KnowledgeBase, tmp_path: Path) -> None:
    doc = write_doc(
        tmp_path,
        "数据规定.md",
        "# 数据规定\n\n客户的身份证号码和银行卡号属于敏感个人信息，必须在本行机房内处理，不得上传公有云。\n",
    )
    kb.add_paths([doc])
    hits = kb.search(
        "sensitive personal information must stay in our data centre", k=3, scope="org", lang="en"
    )
    assert hits and hits[0].source == "数据规定.md"
    assert hits[0].lang == "zh" and CJK.search(hits[0].text)
