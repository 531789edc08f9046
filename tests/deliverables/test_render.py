"""Templates filled from a hand-built snapshot: structure, citations, open questions, escaping."""

from __future__ import annotations

import re

import pytest

from agent.deliverables.registry import load_registry
from agent.deliverables.render_md import render_all, render_document, render_stage_markdown
from agent.deliverables.staleness import input_hashes, stale_deliverables
from agent.profile import Profile
from agent.snapshot import ProjectSnapshot
from agent.types import Stage

from .checks import asks, check_citations, open_questions, split_sources
from .fixtures import bank_snapshot

PRODUCT_TABLE = {
    "requirements": 2,
    "selection": 2,
    "data": 1,
    "development": 1,
    "integration": 1,
    "testing": 2,
    "operations": 1,
    "across": 5,
}


def test_registry_has_every_deliverable_of_the_product_table() -> None:
    specs = load_registry()
    per_stage: dict[str, int] = {}
    for spec in specs:
        per_stage[spec.stage] = per_stage.get(spec.stage, 0) + 1
    assert per_stage == PRODUCT_TABLE
    assert len({s.id for s in specs}) == len(specs) == 15


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_document_renders_with_resolving_citations(lang: str) -> None:
    for doc in render_all(bank_snapshot(), lang):
        assert doc.markdown.startswith(f"# {doc.title}\n"), doc.spec.id
        check_citations(doc.markdown)
        assert doc.sources and all(s.passage_id for s in doc.sources)


def test_documents_carry_the_projects_answers_and_list_what_rests_on_them() -> None:
    docs = {d.spec.id: d for d in render_all(bank_snapshot(), "zh")}
    assert "信用卡客服高峰期排队超过15分钟" in docs["requirement_spec"].markdown
    assert "信用卡账单问答" in docs["scenario_priority"].markdown
    assert "Qwen2.5-72B" in docs["model_selection"].markdown
    assert "核心银行系统" in docs["integration_deployment"].markdown
    assert "## 本文依据的回答" in docs["requirement_spec"].markdown
    assert "`requirements.pain_points`" in docs["requirement_spec"].markdown


def test_unknown_inputs_become_open_questions_never_invented_text() -> None:
    snap = bank_snapshot()
    doc = render_document(snap, next(s for s in load_registry() if s.id == "requirement_spec"), "zh")
    questions = open_questions(doc.markdown)
    # The bank fixture has no budget: the question-bank text of the open question is used.
    assert any("项目预算是多少" in q for q in questions)
    assert asks(doc.markdown, "requirements.strategic_intent")
    assert "*待确认*" in doc.markdown
    # Answered fields are not asked again.
    assert not asks(doc.markdown, "requirements.pain_points")


def test_an_empty_project_still_yields_complete_documents_made_of_open_questions() -> None:
    snap = ProjectSnapshot(name="空项目")
    for doc in render_all(snap, "en"):
        check_citations(doc.markdown)
        if doc.spec.inputs:
            assert open_questions(doc.markdown), doc.spec.id


def test_templates_read_only_declared_inputs_and_cite_only_declared_passages() -> None:
    for doc in render_all(bank_snapshot(), "zh") + render_all(ProjectSnapshot(name="x"), "zh"):
        # (a document's own questions — a cost model's inputs `cost.*`, the runbook's outage fallback
        # `runbook.*` — are asked under keys no profile field holds)
        used = {o.field for o in doc.open_items if o.field.split(".")[0] not in ("cost", "runbook")} | {
            a[0] for a in doc.answers
        }
        assert used <= set(doc.spec.inputs), (doc.spec.id, used - set(doc.spec.inputs))
        cited = {s.passage_id for s in doc.sources}
        finding_ids = {c.passage_id for f in bank_snapshot().findings for c in f.citations} | {
            c.passage_id for r in bank_snapshot().recommendations for c in r.citations
        }
        assert cited - finding_ids <= set(doc.spec.cites), (doc.spec.id, cited - set(doc.spec.cites))


def test_english_documents_are_in_english() -> None:
    for doc in render_all(bank_snapshot(), "en"):
        body, _ = split_sources(doc.markdown)
        # Only the user's own (Chinese) answers and the project name may carry CJK characters.
        stripped = body
        for value in ["星河银行智能客服助手", "星河银行", "信用卡客服高峰期排队超过15分钟，坐席流失率高"]:
            stripped = stripped.replace(value, "")
        for text in ["信用卡账单与分期业务的智能问答", "首次解决率", "信用卡账单问答", "分期办理引导"]:
            stripped = stripped.replace(text, "")
        stripped = re.sub(
            r"核心银行系统|投诉工单摘要|决策者未参与概念验证|请分管副行长参加试点评审会。", "", stripped
        )
        stripped = re.sub(
            r"模型规模可能过大|评估 7B–14B 模型加量化。|私有化部署 \+ RAG|敏感客户数据留在行内。",
            "",
            stripped,
        )
        stripped = re.sub(r"涉及个人信息且为金融行业|项目预算是多少（万元）？", "", stripped)
        assert not re.search(r"[\u4e00-\u9fff]", stripped), (
            doc.spec.id,
            re.findall(r".{0,20}[\u4e00-\u9fff]+.{0,5}", stripped)[:3],
        )
        assert "## Open questions" in doc.markdown and "## Sources" in doc.markdown


def test_user_text_cannot_break_the_markdown_or_forge_citations() -> None:
    snap = bank_snapshot()
    snap.profile.requirements.pain_points = "坏 | 表格 [99] <script>alert(1)</script> **粗** `x`\n# 标题"
    doc = render_document(snap, next(s for s in load_registry() if s.id == "requirement_spec"), "zh")
    check_citations(doc.markdown)
    assert "<script>" not in doc.markdown
    assert "\n# 标题" not in doc.markdown


def test_model_drafted_paragraphs_are_inserted_and_marked() -> None:
    snap = bank_snapshot(mode="llm", narratives={"requirement_spec.overview": "本项目面向信用卡中心。"})
    doc = render_document(snap, next(s for s in load_registry() if s.id == "requirement_spec"), "zh")
    assert "本项目面向信用卡中心。" in doc.markdown
    assert "模型起草" in doc.markdown
    assert doc.narratives == ["requirement_spec.overview"]
    guided = render_document(
        bank_snapshot(), next(s for s in load_registry() if s.id == "requirement_spec"), "zh"
    )
    assert "模型起草" not in guided.markdown


def test_architecture_diagram_is_drawn_from_the_profile() -> None:
    doc = next(d for d in render_all(bank_snapshot(), "zh") if d.spec.id == "architecture_notes")
    mermaid = doc.markdown.split("```mermaid", 1)[1].split("```", 1)[0]
    assert "Qwen2.5-72B" in mermaid and "私有化部署" in mermaid and "CRM" in mermaid
    assert "知识库" in mermaid  # RAG → retriever and knowledge base
    assert "智能体" not in mermaid  # no agent technique was chosen
    p = bank_snapshot().profile
    p.selection.techniques = ["agent"]
    p.data.knowledge_base = False
    doc2 = render_document(
        bank_snapshot(profile=p), next(s for s in load_registry() if s.id == "architecture_notes"), "zh"
    )
    assert "智能体" in doc2.markdown.split("```mermaid", 1)[1].split("```", 1)[0]


def test_scorecard_weights_follow_the_sector() -> None:
    def first_row(sector: str) -> str:
        p = Profile()
        p.project.sector = sector  # type: ignore[assignment]
        doc = render_document(
            ProjectSnapshot(name="x", profile=p),
            next(s for s in load_registry() if s.id == "value_scorecard"),
            "zh",
        )
        table = doc.markdown.split("## 2. 计分卡", 1)[1]
        return re.findall(r"^\| ([^|]+) \| (\d+)% \|", table, flags=re.M)[0][0]

    assert first_row("government") == "用户/群众满意度"
    assert first_row("education") in ("公平性", "用户/群众满意度")
    assert first_row("manufacturing") == "投资收益率（ROI）"
    # energy and legal put risk (operational safety, professional liability) first
    assert first_row("energy") == first_row("legal") == "风险识别与控制"
    assert first_row("retail") in ("投资收益率（ROI）", "用户/群众满意度")


def test_stage_preview_holds_that_stages_deliverables() -> None:
    text = render_stage_markdown(bank_snapshot(), Stage.testing, lang="zh")
    assert "# 测试方案与验收标准" in text and "# 迭代计划" in text and "# 运营手册" not in text


def test_a_deliverable_goes_stale_only_when_its_inputs_change() -> None:
    snap = bank_snapshot()
    before = input_hashes(snap)
    assert stale_deliverables(snap, before) == []
    snap.profile.testing.accuracy_target = 90
    stale = set(stale_deliverables(snap, before))
    assert {"test_plan", "operations_runbook", "dev_eval_plan"} <= stale
    assert "scenario_priority" not in stale and "value_scorecard" not in stale
    assert set(stale_deliverables(snap, {})) == {s.id for s in load_registry()}


def test_bilingual_data_entries_have_exactly_zh_and_en() -> None:
    from agent.deliverables.labels import TEMPLATES_DIR, load_yaml

    labels = load_yaml(TEMPLATES_DIR / "labels.yaml")
    scorecard = load_yaml(TEMPLATES_DIR / "scorecard.yaml")
    entries = [*labels["fields"].values(), *labels["values"].values(), *labels["sources"].values()]
    entries += [e for options in labels["field_values"].values() for e in options.values()]
    entries += [d[k] for d in scorecard["dimensions"].values() for k in ("title", "measure")]
    entries += [s.title for s in load_registry()]
    for entry in entries:
        assert set(entry) == {"zh", "en"} and all(isinstance(v, str) and v for v in entry.values()), entry
    for weights in scorecard["weights"].values():
        assert sum(weights.values()) == 100 and set(weights) <= set(scorecard["dimensions"])


def test_every_declared_narrative_section_is_used_by_its_template() -> None:
    keys = [k for spec in load_registry() for k in spec.narrative_keys()]
    assert len(keys) == 14
    snap = bank_snapshot(mode="llm", narratives={k: f"段落 {k}" for k in keys})
    for doc in render_all(snap, "zh"):
        assert doc.narratives == doc.spec.narrative_keys(), doc.spec.id
        for key in doc.narratives:
            assert f"段落 {key}" in doc.markdown


@pytest.mark.parametrize(
    ("lang", "kb", "ingest"),
    [("en", "no update cadence", "clean, not desensitised"), ("zh", "未定更新频率", "清洗入库（未脱敏）")],
)
def test_architecture_says_what_is_missing_in_words(lang: str, kb: str, ingest: str) -> None:
    from agent.deliverables.architecture import build_architecture

    p = Profile.model_validate(
        {
            "selection": {"techniques": ["rag"]},
            "data": {"kb_update_cadence": "none", "desensitisation": ["none"]},
        }
    )
    arch = build_architecture(p, lang)
    assert {c.id: c.detail for c in arch.components}["kb"] == kb  # was "updated: None"
    assert [c.label for c in arch.connections if (c.source, c.target) == ("data_tbc", "kb")] == [ingest]


@pytest.mark.parametrize(
    ("lang", "question"), [("zh", "具体考虑哪一个或哪几个模型？"), ("en", "Which model or models")]
)
def test_an_input_not_yet_asked_is_listed_as_its_question(lang: str, question: str) -> None:
    # base model undecided: the model-name question did not apply yet, so it is not among the
    # interview's open questions; the document still asks it as a question (was "模型名称：尚未确认。")
    snap = bank_snapshot()
    snap.profile.selection.base_model = "undecided"
    snap.profile.selection.model_name = None
    doc = render_document(snap, next(s for s in load_registry() if s.id == "model_selection"), lang)
    asked = [q for q in open_questions(doc.markdown) if q.startswith(question)]
    assert len(asked) == 1
    assert (
        next(o for o in doc.open_items if o.field == "selection.model_name").question_id == "sel.model_name"
    )


@pytest.mark.parametrize("doc_id", ["model_selection", "integration_deployment"])
def test_gpu_question_is_open_only_when_it_applies_to_the_deployment(doc_id: str) -> None:
    def gpu_open(deployment: str) -> bool:
        p = Profile()
        p.selection.deployment = deployment  # type: ignore[assignment]
        spec = next(s for s in load_registry() if s.id == doc_id)
        md = render_document(ProjectSnapshot(name="x", profile=p), spec, "zh").markdown
        return asks(md, "selection.has_gpu")

    # a public-cloud API needs no GPUs of its own: the interview never asks, the documents don't either
    assert not gpu_open("public_cloud")
    assert gpu_open("private")


def test_professional_domain_row_asks_for_both_fine_tuning_and_grounding() -> None:
    def status(techniques: list[str]) -> str:
        p = Profile()
        p.development.professional_domain = True
        p.selection.techniques = techniques  # type: ignore[assignment]
        spec = next(s for s in load_registry() if s.id == "model_selection")
        md = render_document(ProjectSnapshot(name="x", profile=p), spec, "zh").markdown
        return next(line for line in md.splitlines() if line.startswith("| 专业性 |")).split("|")[-2].strip()

    assert status(["rag", "fine_tuning"]) == "符合"
    assert "未做领域微调" in status(["rag", "prompt_engineering"])
    assert "缺少知识增强" in status(["fine_tuning"])
    assert "缺失" in status(["prompt_engineering"])


def test_architecture_sends_retrieved_context_only_with_retrieval() -> None:
    from agent.deliverables.architecture import build_architecture

    def to_llm(profile: dict) -> list[str]:  # type: ignore[type-arg]
        arch = build_architecture(Profile.model_validate(profile), "zh")
        return [c.label for c in arch.connections if (c.source, c.target) == ("app", "llm")]

    # a prompt-only copy generator has no retriever: the diagram must not draw retrieved context
    assert to_llm(
        {"selection": {"techniques": ["prompt_engineering"]}, "data": {"knowledge_base": False}}
    ) == ["提示"]
    assert to_llm({"selection": {"techniques": ["rag"]}}) == ["提示+检索上下文"]


def test_both_says_both_of_what() -> None:
    from agent.deliverables.labels import format_value

    # "战略意图：两者兼有" left the reader asking: both of what?
    assert format_value("both", "zh", "requirements.strategic_intent") == "内部优化与对外变革兼有"
    assert format_value("both", "en", "requirements.target_users") == "Internal and external users"
    assert format_value(["internal", "external"], "zh", "data.sources") == "内部、外部"
    # a cadence of "none" was shown as "None" (read as a missing value)
    assert format_value("none", "en", "operations.model_update_cadence") == "No regular updates"


def test_no_two_fields_share_a_label() -> None:
    from agent.deliverables.labels import TEMPLATES_DIR, load_yaml

    # "部署方式 = 私有化部署；部署模式 = 混合云": two fields, near-identical names, reader confused
    fields = load_yaml(TEMPLATES_DIR / "labels.yaml")["fields"]
    for lang in ("zh", "en"):
        names = [entry[lang] for entry in fields.values()]
        assert len(set(names)) == len(names), lang
    assert fields["integration.deployment_mode"]["zh"].startswith("上线")


@pytest.mark.parametrize(("users", "external_step"), [("internal", False), ("both", True), (None, True)])
def test_roll_out_opens_to_external_users_only_when_there_are_any(
    users: str | None, external_step: bool
) -> None:
    p = Profile()
    p.requirements.target_users = users  # type: ignore[assignment]
    spec = next(s for s in load_registry() if s.id == "iteration_plan")
    md = render_document(ProjectSnapshot(name="x", profile=p), spec, "en").markdown
    assert ("3. Open up: external users" in md) is external_step
    assert "1. Internal pilot" in md
