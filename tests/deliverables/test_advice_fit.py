"""Advice that fits the project (issue 12): no statement recommends a deployment, model size or
technique the answers rule out, and no case of another sector is named where the pack has a closer one
— over every example's documents (zh and en) and every eval scenario's answers file."""

from __future__ import annotations

from functools import cache

import pytest

from agent import conditions
from agent.answers_schema import file_answers_to_records
from agent.case_fit import load_cases, unfit_cases
from agent.deliverables.render_md import render_all
from agent.profile import Profile
from agent.recommend import load_recommendations
from agent.snapshot import ProjectSnapshot
from eval.run_trust import load_scenarios
from tests.deliverables.example_docs import EXAMPLES, LANGS, doc, example_docs, example_snapshot

SCENARIOS = [s.name for s in load_scenarios()]


@cache
def scenario_snapshot(name: str) -> ProjectSnapshot:
    from cli.commands.run import evaluate

    sc = next(s for s in load_scenarios() if s.name == name)
    return evaluate(name, file_answers_to_records(sc.answers, warnings=[]), "zh")


@cache
def scenario_texts(name: str) -> tuple[str, ...]:
    """Every document, finding and recommendation of a scenario, in Chinese."""
    snap = scenario_snapshot(name)
    return (
        *(d.markdown for d in render_all(snap, "zh")),
        *(f.advice for f in snap.findings),
        *(r.advice for r in snap.recommendations),
    )


def _hosted(p: Profile) -> bool:
    return p.selection.deployment == "public_cloud" or p.selection.model_source in (
        "public_api",
        "vendor_closed",
    )


def _ruled_out(p: Profile) -> dict[str, tuple[str, ...]]:
    """What the project's own answers rule out, and the instructions that would recommend it anyway."""
    out: dict[str, tuple[str, ...]] = {}
    sensitive = bool(p.data.personal_data or p.data.confidential_data)
    cloud = p.selection.deployment in ("public_cloud", "hybrid") or p.integration.deployment_mode in (
        "public_cloud",
        "hybrid",
    )
    if sensitive and cloud:
        out["private deployment (a cloud was chosen)"] = (
            "**私有化部署 + RAG**",
            "**Private deployment with RAG**",
            "把模型和知识库部署在自有环境中",
            "Run the model and knowledge base in your own environment",
            "建议把模型和知识库放在自有环境中",
        )
    if _hosted(p):
        out["a model size of one's own (a hosted model)"] = (
            "7B 级模型起步",
            "Start with a 7B-class model",
            "先用 7B 级模型",
            "可以选 7B 或更小",
            "choose 7B or smaller",
            "**更小的量化模型**",
            "**A smaller, quantised model**",
            "简单任务可以考虑更小、经过量化的模型",
            "A simple task can use a smaller, quantised model",
            "资料建议采用量化、剪裁等轻量化技术",
            "可考虑更小的轻量化模型",
        )
    approach = p.development.approach
    if approach and "fine_tuning" not in approach:
        out["fine-tuning (not in the chosen approach)"] = (
            "**领域微调 + 知识增强**",
            "**Domain fine-tuning plus knowledge grounding**",
        )
    if p.selection.deployment in ("private", "public_cloud", "hybrid"):
        out["cloud-edge (another deployment was chosen)"] = ("**云边协同部署**", "**Cloud-edge deployment**")
    return out


def _principles_chosen_against(p: Profile) -> list[str]:
    """The titles and coach sentences of every principle the project chose against (data-driven)."""
    said: list[str] = []
    for rule in load_recommendations():
        if any(conditions.evaluate(o.when, p) for o in rule.otherwise):
            said += [f"**{rule.title['zh']}**", f"**{rule.title['en']}**"]
            said += [t for s in rule.advice if s.kind == "coach" for t in (s.zh, s.en)]
    return said


def _contradictions(texts: tuple[str, ...], p: Profile) -> list[str]:
    found = []
    for what, phrases in _ruled_out(p).items():
        found += [f"{what}: {ph!r}" for ph in phrases if any(ph in t for t in texts)]
    found += [
        f"principle chosen against: {ph[:40]!r}"
        for ph in _principles_chosen_against(p)
        if any(ph in t for t in texts)
    ]
    return found


@pytest.mark.parametrize("example", EXAMPLES)
def test_no_document_of_an_example_recommends_what_its_answers_rule_out(example: str) -> None:
    for lang in LANGS:
        snap = example_snapshot(example, lang)
        texts = tuple(d.markdown for d in example_docs(example, lang))
        texts += tuple(r.advice for r in snap.recommendations) + tuple(f.advice for f in snap.findings)
        assert not _contradictions(texts, snap.profile), (example, lang)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_scenario_recommends_what_its_answers_rule_out(scenario: str) -> None:
    snap = scenario_snapshot(scenario)
    assert not _contradictions(scenario_texts(scenario), snap.profile)


def test_the_contrary_advice_becomes_a_caution_that_names_the_choice() -> None:
    """The hospital chose a public-cloud API with patients' data: it hears the egress risk and what
    would make its choice acceptable, and the provider's tier instead of a 7B model."""
    snap = example_snapshot("hospital_guideline_qa", "zh")
    recs = {r.id: r for r in snap.recommendations}
    private = recs["rec-private-rag"]
    assert private.kind == "caution" and private.title.startswith("敏感数据经云端处理")
    assert "你们选择了云端的部署方式" in private.advice and "数据处理协议" in private.advice
    assert "部署方式 = 公有云" in private.reasoning  # the choice, in the user's answer
    assert recs["rec-medium-7b"].kind == "caution" and "档位" in recs["rec-medium-7b"].advice
    grounding = recs["rec-domain-finetune-grounding"]
    assert grounding.kind == "caution" and "供应商" in grounding.advice
    notes = doc("hospital_guideline_qa", "zh", "architecture_notes").markdown
    assert "**敏感数据经云端处理：出域风险与可接受的前提**" in notes
    en = {r.id: r for r in example_snapshot("hospital_guideline_qa", "en").recommendations}
    assert "You chose a cloud deployment" in en["rec-private-rag"].advice
    # a bank that hosts its own model keeps the principle itself
    bank = {r.id: r for r in example_snapshot("bank_customer_service", "zh").recommendations}
    assert bank["rec-private-rag"].kind == "principle" and "天津金城银行" in bank["rec-private-rag"].advice


def test_the_ruled_out_check_catches_a_contrary_instruction() -> None:
    """The check above is not vacuous: the principle's own text in a public-cloud hospital's
    document is reported."""
    snap = example_snapshot("hospital_guideline_qa", "zh")
    planted = "- **私有化部署 + RAG**：把模型和知识库部署在自有环境中，数据在本地处理。"
    assert _contradictions((planted,), snap.profile)


def _unfit(texts: tuple[str, ...], p: Profile) -> dict[str, int]:
    found: dict[str, int] = {}
    for t in texts:
        for case in unfit_cases(t, p):
            found[case] = found.get(case, 0) + 1
    return found


@pytest.mark.parametrize("example", EXAMPLES)
def test_an_examples_documents_name_only_cases_that_fit_it(example: str) -> None:
    for lang in LANGS:
        snap = example_snapshot(example, lang)
        texts = tuple(d.markdown for d in example_docs(example, lang))
        texts += tuple(f.advice for f in snap.findings) + tuple(r.advice for r in snap.recommendations)
        assert not _unfit(texts, snap.profile), (example, lang, snap.profile.project.sector)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_scenarios_documents_name_only_cases_that_fit_it(scenario: str) -> None:
    snap = scenario_snapshot(scenario)
    assert not _unfit(scenario_texts(scenario), snap.profile), snap.profile.project.sector


def test_a_hospital_hears_its_own_sectors_cases_and_a_bank_its_own() -> None:
    hospital = "\n".join(d.markdown for d in example_docs("hospital_guideline_qa", "zh"))
    assert "金城银行" not in hospital and "蚂蚁" not in hospital and "支小助" not in hospital
    assert "文修" not in hospital
    assert "医疗咨询类案例" in hospital  # the pack's closest case: guidelines cited through RAG
    bank = "\n".join(d.markdown for d in example_docs("bank_customer_service", "zh"))
    assert "金城银行" in bank and "ChatDD" not in bank


def test_the_case_catalogue_names_cases_the_guidance_names() -> None:
    """Every catalogued case is named somewhere in the built-in guidance (a misspelt name would
    never be caught), and a case that fits a sector is named to that sector."""
    from pathlib import Path

    knowledge = Path(__file__).resolve().parents[2] / "knowledge"
    text = "\n".join(
        p.read_text(encoding="utf-8")
        for p in [
            *knowledge.glob("*.yaml"),
            *(knowledge / "templates").glob("*.j2"),
            *(knowledge / "pack").glob("*.yaml"),
        ]
        if p.name != "case_fit.yaml"
    )
    for case in load_cases():
        assert any(n in text for n in case.names), case.id
