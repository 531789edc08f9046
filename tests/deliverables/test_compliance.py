"""The regulatory layer in the documents: the compliance checklist, the risk register's crosswalk and
the test plan's GB/T 45654 block — what applies follows from the answers, an internal project gets
no public-service obligation, an unanswered fact is "not yet assessed", and both languages read."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from agent.deliverables import render_document
from agent.deliverables.export import export_deliverables
from agent.deliverables.registry import get_spec
from agent.evaluate import evaluate_project
from agent.snapshot import ProjectSnapshot
from tests.agent.helpers import answers

from .checks import asks, check_citations, open_questions, passage_titles_resolve, split_sources

CJK = re.compile(r"[\u4e00-\u9fff]")

INTERNAL = {"req.target_users": "内部员工", "req.audience": "本单位员工", "dat.personal_data": "否"}
PUBLIC = {
    "req.name": "公众健康问答",
    "req.target_users": "外部客户",
    "req.audience": "境内公众",
    "req.public_content": "是",
    "req.cn_filing": "没有计划",
    "req.content_labels": "显式标识",
    "dat.personal_data": "是",
    "dat.sensitive_classes": "医疗健康",
    "dat.separate_consent": "是",
    "dat.cross_border": "否",
}


def snapshot(raw: dict[str, str], lang: str = "zh") -> ProjectSnapshot:
    return evaluate_project(name="p", lang=lang, answers=answers(raw))  # type: ignore[arg-type]


def checklist(raw: dict[str, str], lang: str = "zh") -> str:
    return render_document(snapshot(raw, lang), get_spec("compliance_checklist"), lang).markdown


def rows(markdown: str) -> dict[str, str]:
    """Checklist rows by obligation title (the second column)."""
    out = {}
    for line in re.findall(r"^\| OBL-\d+ \|.+\|$", markdown, flags=re.M):
        cells = [c.strip() for c in line.strip("|").split("|")]
        out[cells[1]] = line
    return out


def test_an_internal_project_gets_no_obligation_and_says_why() -> None:
    md = checklist(INTERNAL)
    table = rows(md)
    assert len(table) == 12
    assert not [t for t, line in table.items() if "**适用**" in line]
    filing = table["生成式服务安全评估与备案"]
    assert "不适用：目标用户 = 内部" in filing
    assert "不构成法律意见" in md
    assert "法规规则尚未发现问题" in md
    check_citations(md)


def test_a_public_service_lists_what_applies_with_status_owner_and_evidence() -> None:
    md = checklist(PUBLIC)
    table = rows(md)
    assert "**适用**" in table["生成式服务安全评估与备案"] and "**缺失**" in table["生成式服务安全评估与备案"]
    labels = table["生成内容显式与隐式标识"]
    assert "**部分落实**" in labels and "生成内容标识方式 = 显式标识" in labels
    assert "已计划" in table["敏感个人信息的单独同意"]
    # fine-tuning not answered: not yet assessed, never applied by default
    assert "*尚未评估*" in table["训练数据来源合法与数据安全"]
    # the owner is unknown: asked, not invented
    assert "*待确认*" in table["生成式服务安全评估与备案"]
    assert asks(md, "operations.owners")
    assert "面向境内公众的生成式服务没有备案计划" in md.split("## 3.")[1]
    _, sources = split_sources(md)
    assert "法规注释：生成式人工智能服务管理暂行办法" in sources and "§ 第十七条" in sources
    check_citations(md)


def test_not_yet_assessed_obligations_become_open_questions_not_risks() -> None:
    md = checklist({"req.target_users": "外部客户"})
    assert "适用 0，不适用 0，尚未评估 12" in md
    questions = " ".join(open_questions(md))
    assert "这项服务具体会触达哪些人" in questions and "requirements.audience" not in questions
    assert "法规规则尚未发现问题" in md


def test_the_checklist_reads_in_english() -> None:
    md = checklist(PUBLIC, "en")
    assert md.startswith("# Compliance checklist\n")
    assert "guidance, not legal advice" in md
    table = rows(md)
    assert "**Applies**" in table["Security assessment and filing of the generative service"]
    body, sources = split_sources(md)
    assert not CJK.search(body.replace("公众健康问答", "")), CJK.findall(body)[:10]
    assert "Regulation note: Interim Measures for the Management of Generative Artificial" in sources
    assert "§ Art. 17" in sources


def test_risk_register_maps_every_risk_and_names_chinese_obligations_only_where_they_apply() -> None:
    raw = {
        **INTERNAL,
        "dat.personal_data": "是",
        "dat.sensitive_classes": "都没有",
        "dat.cross_border": "否",
        "sel.deployment": "公有云",
    }
    internal = render_document(snapshot(raw), get_spec("risk_register"), "zh").markdown
    crosswalk = internal.split("## 框架对照")[1].split("\n## ")[0]
    cloud = next(line for line in crosswalk.splitlines() if "敏感数据将发往公有云" in line)
    assert "管理（Manage）" in cloud and "A.7 人工智能系统的数据" in cloud and cloud.endswith("| — |")
    register_rows = re.findall(r"^\| RSK-\d+ \| (?!.* → )", internal, flags=re.M)  # the main table
    crosswalk_rows = re.findall(r"^\| RSK-\d+ ", crosswalk, flags=re.M)
    assert len(crosswalk_rows) == len(register_rows) > 0

    public = render_document(snapshot(PUBLIC, "en"), get_spec("risk_register"), "en").markdown
    crosswalk = public.split("## Framework crosswalk")[1]
    filing = next(line for line in crosswalk.splitlines() if line.startswith("| R") and "filing plan" in line)
    assert "Govern" in filing and "Security assessment and filing of the generative service" in filing


@pytest.mark.parametrize(("raw", "present"), [(PUBLIC, True), (INTERNAL, False)])
def test_test_plan_gains_the_gbt_45654_categories_for_a_public_service_only(
    raw: dict[str, str], present: bool
) -> None:
    md = render_document(snapshot(raw), get_spec("test_plan"), "zh").markdown
    assert ("GB/T 45654 风险类别" in md) is present
    assert ("| TST-S5 | 无法满足特定服务类型的安全需求 |" in md) is present
    check_citations(md)


def test_the_checklist_is_written_in_every_format(tmp_path: Path) -> None:
    snap = snapshot(PUBLIC)
    export_deliverables(snap, tmp_path, formats=["md", "docx", "html", "json"], lang="zh")
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    entry = next(d for d in report["deliverables"] if d["id"] == "compliance_checklist")
    assert sorted(Path(f).suffix for f in entry["files"]) == [".docx", ".html", ".json", ".md"]
    doc = json.loads((tmp_path / next(f for f in entry["files"] if f.endswith(".json"))).read_text("utf-8"))
    passage_titles_resolve(doc["sources"])
    assert all(s["kb"] == "regulation" for s in doc["sources"])
    html = (tmp_path / next(f for f in entry["files"] if f.endswith(".html"))).read_text("utf-8")
    assert "不构成法律意见" in html


def test_checklist_and_register_declare_every_field_an_obligation_reads() -> None:
    # the staleness hash covers declared inputs: a changed audience must mark both documents stale
    from agent.deliverables.compliance import obligation_fields

    for doc_id in ("compliance_checklist", "risk_register"):
        assert set(obligation_fields()) <= set(get_spec(doc_id).inputs), doc_id


def test_report_json_carries_the_obligations(tmp_path: Path) -> None:
    export_deliverables(snapshot(PUBLIC), tmp_path, formats=["md"], lang="en")
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    by_id = {o["id"]: o for o in report["obligations"]}
    filing = by_id["cn-genai-filing"]
    assert filing["applies"] == "yes" and filing["status"] == "missing"
    assert filing["because"] == ["requirements.target_users", "requirements.audience"]
    assert filing["status_from"] == ["requirements.cn_filing"]
    assert (
        by_id["cn-training-data"]["applies"] == "unassessed" and by_id["cn-training-data"]["status"] is None
    )
    assert by_id["eu-high-risk"]["applies"] == "no"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_regulatory_finding_reads_as_the_regulation_notes_not_as_the_case_guidance(lang: str) -> None:
    """Regulation notes are their own source: the register labels their advice 法规要点 / "The
    regulation notes say", never 资料所述 (which is the case guidance), and the legend says so."""
    raw = {**PUBLIC, "req.content_labels": "暂无标识"}
    text = render_document(snapshot(raw, lang), get_spec("risk_register"), lang).markdown
    regulation = "法规要点" if lang == "zh" else "The regulation notes say"
    row = next(line for line in text.splitlines() if "**" in line and ("备案" in line or "filing" in line))
    assert f"**{regulation}**" in row
    assert ("资料所述" if lang == "zh" else "The sources say") not in row
    assert ("不构成法律意见" if lang == "zh" else "not legal advice") in text


def test_a_dont_know_answer_is_shown_as_dont_know_not_as_the_answers_file_keyword() -> None:
    raw = {**PUBLIC, "dat.pi_impact_assessment": "unknown"}
    checklist = render_document(snapshot(raw), get_spec("compliance_checklist"), "zh").markdown
    # the risk's evidence lives in the register (its home); the checklist names the risk by its id
    register = render_document(snapshot(raw), get_spec("risk_register"), "zh").markdown
    assert "个人信息保护影响评估 = 不知道" in register
    assert "| RSK-" in checklist and "未做个人信息保护影响评估" in checklist
    assert "= unknown" not in register and "= unknown" not in checklist


def test_a_free_text_answer_in_evidence_is_the_users_own_words_not_dont_know() -> None:
    """Only a missing value reads as 不知道; a free-text answer is quoted as given."""
    # (a target without a number triggers the finding; a "don't know" baseline alone is only a gap)
    raw = {
        **INTERNAL,
        "req.goal_metric": "医生查找指南推荐所需时间",
        "req.baseline": "不知道",
        "req.target": "明显缩短",
    }
    text = render_document(snapshot(raw), get_spec("risk_register"), "zh").markdown
    assert "= 医生查找指南推荐所需时间" in text
    assert "不知道（原话：“医生查找指南推荐所需时间”）" not in text
