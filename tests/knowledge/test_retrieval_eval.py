"""Regression guard on retrieval quality: the shipped hybrid configuration over the whole question set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eval.run_retrieval import QUESTIONS, QUESTIONS_EN, evaluate, find_seeds, load_questions, seed_hit
from knowledge.expansion import expansion_terms


@pytest.mark.slow
def test_hybrid_recall_at_3_on_pack_and_raw_seeds(pack_index_dir: Path) -> None:
    questions = load_questions(QUESTIONS)
    assert len(questions) >= 40
    seeds = find_seeds()
    if seeds is None and os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("the raw seed documents are missing: recall over them is part of the gate")
    results = evaluate(questions, ["hybrid"], seeds, prebuilt=pack_index_dir)
    # the bar (recall@3 >= 0.95 over pack and raw documents); measured 0.967 / 0.978
    assert results["pack"]["hybrid"]["all"]["r@3"] >= 0.95
    if seeds is not None:
        assert results["seeds"]["hybrid"]["all"]["r@3"] >= 0.95


@pytest.mark.slow
def test_english_questions_over_english_text_recall_as_well_as_chinese_over_chinese(
    pack_index_dir: Path,
) -> None:
    english_only = load_questions(QUESTIONS_EN)
    assert len(english_only) >= 50 and {q.lang for q in english_only} == {"en"}
    assert sum(q.split == "holdout" for q in english_only) >= len(english_only) // 4
    questions = load_questions(QUESTIONS) + english_only
    row = evaluate(questions, ["hybrid"], None, prebuilt=pack_index_dir)["pack"]["hybrid"]
    # measured (issue 20): dev r@3 1.000 in both languages; all questions en 0.976 (84), zh 0.985 (65)
    assert row["en-dev"]["r@3"] >= row["zh-dev"]["r@3"]
    assert row["en"]["r@3"] >= 0.95 and row["en"]["r@1"] >= row["zh"]["r@1"]
    # the English text is what answers them: over the Chinese text alone English recall is lower
    cross = evaluate(questions, ["hybrid-cross"], None, prebuilt=pack_index_dir)["pack"]["hybrid-cross"]
    assert cross["en"]["r@1"] < row["en"]["r@1"]


def test_seed_hit_matches_the_heading_path() -> None:
    targets = [("003_829d98c82b09c91c.txt", "需求分析与场景定位")]
    path = "总结 > 一、大模型落地通用实施步骤 > 需求分析与场景定位"
    assert seed_hit("003_829d98c82b09c91c.txt", path, targets)
    assert not seed_hit("000_62eaabb10f8e390a.txt", path, targets)
    assert not seed_hit("003_829d98c82b09c91c.txt", "总结 > 二、共通的落地避坑要点", targets)


def test_glossary_bridges_words_without_false_friends() -> None:
    assert "幻觉" in expansion_terms("模型老是胡编乱造怎么办")
    assert "概念验证" in expansion_terms("What should a proof of concept include?")
    assert "系统集成" not in expansion_terms("enterprise adoption")  # "erp" is a whole word only
    assert expansion_terms("如何降低大模型幻觉") == []  # already the guidance's own words
