"""Open questions as a document's reader meets them: a question in the document's language (never a
field path like `requirements.audience`), who should answer it, what it refers to, and whether the
team said "don't know"; a "don't know" on a compliance safeguard is an answer (the team does not
know its status), not "no answer"; the light-weighting question only where the team runs the model."""

from __future__ import annotations

import re

import pytest

from agent.deliverables import render_document
from agent.deliverables.registry import get_spec
from agent.evaluate import evaluate_project
from agent.profile import Profile
from agent.questions import load_bank
from agent.snapshot import ProjectSnapshot
from tests.agent.helpers import answers

from .checks import asks, open_questions
from .example_docs import EXAMPLES, LANGS, doc, example_docs
from .test_compliance import PUBLIC, rows

FIELD_PATH = re.compile(
    r"\b(project|requirements|selection|data|development|integration|testing|operations|cost|runbook)\.[a-z_]+"
)


def _doc(raw: dict[str, str], doc_id: str, lang: str = "zh") -> str:
    snap: ProjectSnapshot = evaluate_project(name="p", lang=lang, answers=answers(raw, lang))  # type: ignore[arg-type]
    return render_document(snap, get_spec(doc_id), lang).markdown


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_every_open_question_is_a_question_with_who_answers_it(example: str, lang: str) -> None:
    seen = 0
    for d in example_docs(example, lang):
        for item in open_questions(d.markdown):
            assert "`" not in item and not FIELD_PATH.search(item), (d.spec.id, item)
            assert ("— to be answered by " in item) if lang == "en" else ("——建议由" in item), item
            if lang == "zh":
                assert re.search(r"[\u4e00-\u9fff]", item.split("——")[0]), item
            seen += 1
    assert seen > 5


def test_the_owner_the_answers_name_answers_their_questions() -> None:
    """The government example names its data governance owner: its data questions go to them."""
    zh = open_questions(doc("government_service_hotline", "zh", "data_governance").markdown)
    assert any("建议由数据治理负责人（据回答：市政务服务和数据管理局数据资源处）回答" in q for q in zh)
    en = open_questions(doc("government_service_hotline", "en", "data_governance").markdown)
    assert any(
        "to be answered by the data governance owner (市政务服务和数据管理局数据资源处, as answered)" in q
        for q in en
    )
    # no owner named for operations: the role, not a made-up name
    ops = open_questions(doc("government_service_hotline", "zh", "operations_runbook").markdown)
    assert any(q.endswith("——建议由运营负责人回答。") for q in ops)


def test_a_question_that_points_back_names_what_it_points_at() -> None:
    """'What is that indicator today?' alone, in a document, says nothing: the indicator is named."""
    questions = open_questions(doc("government_service_hotline", "en", "requirement_spec").markdown)
    assert any(
        q.startswith("What is that indicator today? (Goal metric: 政策咨询一次办结率)") for q in questions
    )


@pytest.mark.parametrize("lang", LANGS)
def test_dont_know_is_said_and_a_missing_answer_is_not_called_one(lang: str) -> None:
    dont_know = "不知道" if lang == "zh" else "don't know"
    md = _doc({"req.goal_metric": "首次解决率", "req.baseline": dont_know}, "requirement_spec", lang)
    questions = open_questions(md)
    note = "此前回答“不知道”" if lang == "zh" else "answered “don't know” so far"
    baseline = next(q for q in questions if q.startswith(load_bank().get("req.baseline").text[lang]))
    target = next(q for q in questions if q.startswith(load_bank().get("req.target").text[lang]))
    assert note in baseline and note not in target


@pytest.mark.parametrize("lang", LANGS)
def test_a_dont_know_safeguard_is_reported_as_not_known_to_the_team(lang: str) -> None:
    """'尚无回答说明其状态' beside a "don't know": the team answered, it does not know the status."""
    md = _doc(
        {**PUBLIC, "dat.separate_consent": "不知道" if lang == "zh" else "don't know"},
        "compliance_checklist",
        lang,
    )
    title = (
        "敏感个人信息的单独同意" if lang == "zh" else "Separate consent for sensitive personal information"
    )
    row = rows(md)[title]
    if lang == "zh":
        assert "**团队不清楚**" in row and "回答“不知道”，团队尚不清楚其状态" in row
        assert "尚无回答说明其状态" not in row
    else:
        assert "**Not known to the team**" in row and "the team does not know its status" in row
        assert "no answer states it yet" not in row
    assert asks(md, "data.separate_consent", lang)
    # a safeguard nobody answered still says no answer states it
    unanswered = rows(
        _doc({k: v for k, v in PUBLIC.items() if k != "dat.separate_consent"}, "compliance_checklist", lang)
    )[title]
    assert ("尚无回答说明其状态" if lang == "zh" else "no answer states it yet") in unanswered


@pytest.mark.parametrize(
    ("deployment", "mode", "source", "asked"),
    [
        ("public_cloud", None, None, False),
        ("public_cloud", "public_cloud", None, False),
        ("public_cloud", "private", None, True),  # the integration runs it in-house after all
        ("private", None, "public_api", False),
        ("private", None, "vendor_closed", False),
        ("private", None, "open_weight", True),
        ("cloud_edge", None, None, True),
        (None, None, None, True),  # not known yet: asked
    ],
)
def test_light_weighting_is_asked_only_where_the_team_runs_the_model(
    deployment: str | None, mode: str | None, source: str | None, asked: bool
) -> None:
    profile = Profile()
    profile.selection.deployment = deployment  # type: ignore[assignment]
    profile.integration.deployment_mode = mode  # type: ignore[assignment]
    profile.selection.model_source = source  # type: ignore[assignment]
    assert load_bank().get("dev.optimisation").applies(profile) is asked
    md = render_document(ProjectSnapshot(name="x", profile=profile), get_spec("dev_eval_plan"), "zh").markdown
    assert asks(md, "development.optimisation") is asked
    if not asked:
        assert "| 轻量化/优化手段 | 不适用：托管接口或厂商闭源模型的量化和压缩由供应商负责" in md
