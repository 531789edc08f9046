"""What users ask, per built-in passage (issue 20, doc2query): every passage has questions in both
languages, written from its meaning (no figure or case name it lacks), indexed for BM25 so a
paraphrase finds the passage, and never quoted."""

from __future__ import annotations

import re

import pytest

from knowledge import ranking
from knowledge.pack import ASKS_DIR, PACK_DIR, asks, cite, load_pack
from knowledge.search import search
from knowledge.store import KnowledgeBase
from tests.knowledge.test_pack_en import CASE_NAMES

CJK = re.compile(r"[\u3400-\u9fff]")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def test_every_passage_has_asks_in_both_languages_and_none_is_orphaned() -> None:
    ids = {p.id for p in load_pack()}
    assert set(asks()) == ids, f"missing: {sorted(ids - set(asks()))}, orphaned: {sorted(set(asks()) - ids)}"
    assert {f.name for f in ASKS_DIR.glob("*.yaml")} == {f.name for f in PACK_DIR.glob("*.yaml")}


@pytest.mark.parametrize("passage", load_pack(), ids=lambda p: p.id)
def test_asks_are_short_questions_in_their_language(passage) -> None:  # type: ignore[no-untyped-def]
    en, zh = asks()[passage.id]["en"], asks()[passage.id]["zh"]
    assert 5 <= len(en) <= 8 and 4 <= len(zh) <= 6
    assert len(set(en)) == len(en) and len(set(zh)) == len(zh), "a repeated line"
    for line in en:
        assert line and not CJK.search(line) and len(line.split()) <= 20, line
    for line in zh:
        assert CJK.search(line) and len(line) <= 40, line


@pytest.mark.parametrize("passage", load_pack(), ids=lambda p: p.id)
def test_asks_bring_no_figure_or_case_name_the_passage_lacks(passage) -> None:  # type: ignore[no-untyped-def]
    for lang, text in (("en", passage.text_en), ("zh", passage.text)):
        lines = " ".join(asks()[passage.id][lang])
        extra = set(NUMBER.findall(lines)) - set(NUMBER.findall(text))
        assert not extra, f"{lang}: figures not in the passage: {extra}"
        for zh_name, en_name in CASE_NAMES.items():
            name = re.compile(rf"\b{re.escape(en_name)}\b" if lang == "en" else re.escape(zh_name), re.I)
            assert not name.search(lines) or name.search(text), f"{lang}: {name.pattern}"


def test_asks_are_never_quoted() -> None:
    lines = {line for langs in asks().values() for group in langs.values() for line in group}
    for passage in load_pack():
        for lang in ("zh", "en"):
            quote = cite(passage.id, quote_chars=10_000, lang=lang).quote
            assert not any(line in quote for line in lines), passage.id


PARAPHRASE = "our vendor keeps pushing the huge model for a simple job, the bill keeps growing"
"""A cost complaint in a project lead's words: the passage says "parameter count", "bigger model than
the task needs", "expensive"; none of the question's words but "model"."""


def test_a_paraphrase_finds_its_passage_through_the_asks(kb: KnowledgeBase, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    hits = search(kb.index, PARAPHRASE, k=3, scope="builtin", mode="lexical")
    assert hits[0].id == "pitfall-cost"
    assert hits[0].lang == "en" and hits[0].text.startswith("The problem: training and running LLMs")
    assert "pitfall-cost" in [h.id for h in kb.search(PARAPHRASE, k=3, scope="builtin")]
    monkeypatch.setitem(ranking.ASKS_WEIGHT, "en", 0.0)  # the same search without the asks
    assert search(kb.index, PARAPHRASE, k=3, scope="builtin", mode="lexical")[0].id != "pitfall-cost"
    assert "pitfall-cost" not in [h.id for h in kb.search(PARAPHRASE, k=3, scope="builtin")]
