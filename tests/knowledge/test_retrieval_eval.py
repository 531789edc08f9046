"""Regression guard on retrieval quality: the shipped hybrid configuration over the whole question set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.datafiles import load_yaml
from eval.run_retrieval import (
    QUESTIONS,
    QUESTIONS_BLIND,
    QUESTIONS_EN,
    QUESTIONS_EN_DEV2,
    evaluate,
    find_seeds,
    load_questions,
    seed_hit,
)
from knowledge.expansion import GLOSSARY, expansion_terms
from knowledge.lexical import char_tokens
from knowledge.pack import pack_index


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
    # measured (issue 20): dev r@3 1.000 in both languages; all questions r@3 en 0.988 (84), zh 1.000
    # (65); r@1 en 0.929, zh 0.938 with the asks (session 6; before them 0.905 and 0.877: both rose,
    # Chinese more, so English r@1 is held to its own floor rather than to Chinese r@1)
    assert row["en-dev"]["r@3"] >= row["zh-dev"]["r@3"]
    assert row["en"]["r@3"] >= 0.95 and row["en"]["r@1"] >= 0.92 and row["zh"]["r@1"] >= 0.92
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


def test_english_queries_expand_into_the_english_texts_words() -> None:
    # "mistakes" is how a project lead says it; the English text says "pitfalls"
    assert "pitfalls" in expansion_terms("top mistakes companies make with LLM projects", "en")
    assert "避坑要点" in expansion_terms("top mistakes companies make with LLM projects", "zh")
    # a query already in the English text's words gets no English expansion from that entry
    assert expansion_terms("what are the common pitfalls", "en") == []
    # over-broad variants no longer fire: a chatbot is not a digital human, training data is not fine-tuning
    assert "digital human" not in expansion_terms("IT built a chatbot nobody uses", "en")
    assert "fine-tuning" not in expansion_terms("how do we clean the training data", "en")
    both = expansion_terms(
        "what should our trial run include", "both"
    )  # BM25 also scores Chinese user documents
    assert "概念验证" in both and "proof of concept" in both


def test_an_industry_word_does_not_outvote_the_questions_subject() -> None:
    # the hospital is where the project is; the question is about data staying on premises
    question = "where should the model run if patient records cannot leave the hospital?"
    terms = expansion_terms(question, "en")
    assert "private deployment" in terms and "data security" in terms
    assert "medical" not in terms and "drug research" not in terms
    # the industry's terms are set aside (BM25 weighs them less), not lost
    assert "medical" in expansion_terms(question, "en", context=True)
    zh_terms = expansion_terms("医院的病历数据不能出内网", "zh")
    assert "私有化部署" in zh_terms and "数据安全" in zh_terms and "医疗" not in zh_terms
    assert expansion_terms("回答不能出错", "zh") == []  # "cannot leave" is not "must not err"
    # the same for every industry: a bank, a school, a government client
    assert "bank" not in expansion_terms("our insurer worries about data leaks", "en")
    assert "education" not in expansion_terms("a school wants to pilot it first", "en")
    assert "government" not in expansion_terms("a municipal chatbot makes things up", "en")
    # an industry alone is what the question is about: it still expands
    assert "medical" in expansion_terms("what have hospitals done with LLMs", "en")
    assert "金融" in expansion_terms("银行怎么用大模型", "zh")


def test_a_word_inside_a_longer_mention_does_not_speak_for_its_own_entry() -> None:
    # "collaboration" in "cloud-edge collaboration" is not teams working together; "cloud" not a public cloud
    terms = expansion_terms("what is cloud-edge collaboration good for", "both")
    assert "cross-functional team" not in terms and "跨部门协同" not in terms
    assert "public cloud" not in terms
    assert "cross-functional team" in expansion_terms("how do we get business and IT to collaborate", "en")
    # 除了挣钱 is "beyond money", not ROI itself
    terms = expansion_terms("除了挣钱，还能从哪些方面说明项目有价值", "zh")
    assert "超越ROI" in terms and "投资收益率" not in terms


def test_a_variant_may_leave_room_for_words_in_between() -> None:
    # "person ... check*": the words people put between the two are their own
    for question in ("which outputs should a person still check", "the person who is to check them"):
        assert "human review" in expansion_terms(question, "en"), question
    assert "human review" not in expansion_terms("a person in the team that later checks the logs", "en")
    # and the longer mention wins over a shorter one inside it: flagging wrong answers is feedback
    terms = expansion_terms("users flag wrong answers - how do we put that to use?", "en")
    assert "user feedback" in terms and "hallucination" not in terms
    assert "hallucination" in expansion_terms("it gives wrong answers with confidence", "en")


def test_everyday_phrasings_reach_the_guidance_words() -> None:
    expected = {
        "the chatbot keeps making things up": "hallucination",
        "it makes stuff up about our products": "hallucination",
        "did the pilot pay for itself": "ROI",
        "how long until we recoup the spend": "ROI",
        "how do we persuade the executives it's worth trying": "feasible",
        "the line needs answers in real time, heavy processing can sit remotely": "cloud-edge collaboration",
        "who will teach the call-centre staff to use it": "train and support users",
        "people keep asking what else it could do": "new application scenarios",
        "the assistant could expose customer records": "data security",
        "the files must never leave our site": "private deployment",
        "should we go live for employees and customers together": "roll out gradually",
        "what must the pilot demonstrate before we expand": "next phase",
    }
    for question, term in expected.items():
        assert term in expansion_terms(question, "en"), question
    # a result is not business impact, a shop floor is not an edge deployment
    assert "business impact" not in expansion_terms("pilot results are close but not quite there", "en")
    assert "cloud-edge collaboration" not in expansion_terms("nobody on the shop floor uses it", "en")
    # teaching the model is not training its users; exposing an API is not a leak
    assert "train and support users" not in expansion_terms("can we teach the model our terminology", "en")
    assert "data security" not in expansion_terms("we expose the model through an internal API", "en")
    # remote teams are not remote compute, instant replies are not edge computing, internal data is not a
    # roll-out to internal users
    assert "cloud-edge collaboration" not in expansion_terms("our remote teams need the same assistant", "en")
    assert "cloud-edge collaboration" not in expansion_terms("it should respond instantly to customers", "en")
    assert "roll out gradually" not in expansion_terms(
        "internal and external data sources for training", "en"
    )
    assert "步骤" in expansion_terms("上线分几步走", "zh")


def test_an_entry_can_give_just_the_name_of_its_concept() -> None:
    # the English query's vector gets each concept's name, BM25 every word the English text uses for it
    question = "the chatbot makes things up when users ask about their data"
    assert "make up facts" in expansion_terms(question, "en")
    named = expansion_terms(question, "en", per_entry=1)
    assert "hallucination" in named and "make up facts" not in named and "hallucinate" not in named


def test_every_glossary_entry_names_its_concept_in_both_texts() -> None:
    entries = load_yaml(GLOSSARY)
    missing = [e["terms"] for e in entries if not e.get("terms") or not e.get("terms_en")]
    assert not missing, f"glossary entries without terms or terms_en: {missing}"


def test_english_tokens_match_across_plurals_hyphens_and_acronyms() -> None:
    assert char_tokens("LLMs, APIs and PoCs") == ["llm", "api", "poc"]
    assert char_tokens("policies processes cases") == char_tokens("policy process case")
    assert {"cloud", "edge"} <= set(char_tokens("cloud-edge or on-premises"))
    assert set(char_tokens("on premises")) <= set(char_tokens("on-premises"))
    # fillers and contractions are not words to match on; an acronym that spells one is kept
    assert char_tokens("we want it at the same time, don't we") == ["time"]
    assert char_tokens("the IT department's view") == ["it", *char_tokens("department view")]
    assert char_tokens("analysis status") == ["analysis", "status"]  # not plurals
    assert char_tokens("7B 降低幻觉") == ["7b", "降", "低", "幻", "觉", "降低", "低幻", "幻觉"]


def test_english_tokens_meet_across_the_forms_of_a_word() -> None:
    # "confidently" in a question, "with full confidence" in the text: one token (Chinese bigrams match
    # across a word's forms already, English words did not)
    assert char_tokens("confidently") == char_tokens("confidence")
    assert char_tokens("deployed") == char_tokens("deployment") == char_tokens("deploying")
    assert char_tokens("updated") == char_tokens("updates") == char_tokens("updating")
    assert char_tokens("planned") == char_tokens("plans")
    # acronyms and short words are left alone; different words stay apart
    assert char_tokens("RAG IT GPUs") == ["rag", "it", "gpu"]
    assert char_tokens("cost") == ["cost"] and char_tokens("test") != char_tokens("text")
    assert char_tokens("monitoring") != char_tokens("money")


def test_blind_sets_are_written_over_the_pack_in_one_language_each() -> None:
    ids = set(pack_index())
    for group, files in QUESTIONS_BLIND.items():
        for path in files:
            questions = load_questions(path, group=group)
            lang = path.stem.rsplit("_", 1)[-1]
            assert len(questions) >= {"blind": 40, "blind3": 50, "blind4": 70, "blind5": 60}.get(group, 20), (
                path.name
            )
            held_out = ("blind4", "blind5")  # marked held out in their files
            split = "holdout" if group in held_out else "dev"
            assert {q.lang for q in questions} == {lang} and {q.split for q in questions} == {split}
            unknown = [r for q in questions for r in q.relevant if r not in ids]
            assert not unknown and all(q.relevant for q in questions), path.name


def test_blind5_spreads_over_every_passage_in_the_asked_style_mix() -> None:
    # written in session 6 after blind4 was spent: each language labels every pack passage at least once
    # and keeps about 30 % direct questions (the guidance's own words), the rest paraphrases; no question
    # repeats one of the earlier sets
    ids = set(pack_index())
    earlier_files = [QUESTIONS, QUESTIONS_EN, QUESTIONS_EN_DEV2]
    earlier_files += [f for g, fs in QUESTIONS_BLIND.items() if g != "blind5" for f in fs]
    for path in QUESTIONS_BLIND["blind5"]:
        questions = load_questions(path, group="blind5")
        assert {r for q in questions for r in q.relevant} == ids, path.name
        assert {q.style for q in questions} == {"direct", "paraphrase"}, path.name
        direct = sum(q.style == "direct" for q in questions) / len(questions)
        assert 0.27 <= direct <= 0.33, (path.name, direct)
        assert len({q.q for q in questions}) == len(questions), path.name
        earlier = {q.q.lower().strip(" ?？") for f in earlier_files for q in load_questions(f)}
        assert not [q.q for q in questions if q.q.lower().strip(" ?？") in earlier], path.name


@pytest.mark.slow
def test_blind_english_questions_find_the_english_text(pack_index_dir: Path) -> None:
    questions = [q for g, fs in QUESTIONS_BLIND.items() for f in fs for q in load_questions(f, group=g)]
    row = evaluate(questions, ["hybrid"], None, prebuilt=pack_index_dir)["pack"]["hybrid"]
    # measured (issue 20, session 4): blind en r@3 0.941 (68; 0.868 before), zh 0.981 (54; 0.926);
    # session 5: blind en 0.956, zh 0.981; blind2 (never tuned on) en 1.000, zh 1.000; blind3 (never
    # tuned on, run once) en 0.887 (53; 0.868 on main before), zh 0.944 (54); session 6, blind3 a dev
    # set now: blind en 1.000, zh 0.981; blind3 en 1.000, zh 1.000
    assert row["en-blind"]["r@3"] >= 0.97 and row["zh-blind"]["r@3"] >= 0.96
    assert row["en-blind2"]["r@3"] >= 0.95 and row["zh-blind2"]["r@3"] >= 0.95
    assert row["en-blind3"]["r@3"] >= 0.96 and row["zh-blind3"]["r@3"] >= 0.96
    # session 6: blind4 (run once before the asks) en 0.821, zh 0.911; with the asks (not clean) en 0.881,
    # zh 0.911; blind5 (run once, after the asks) en 0.875, zh 0.819
    assert row["en-blind4"]["r@3"] >= 0.86 and row["zh-blind4"]["r@3"] >= 0.89
    assert row["en-blind5"]["r@3"] >= 0.85 and row["zh-blind5"]["r@3"] >= 0.8
