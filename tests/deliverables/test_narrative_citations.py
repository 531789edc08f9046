"""Model-drafted paragraphs cite the document's own source list, not the prompt's numbering.

The model is shown a few passages numbered [1]…[k] and cites them by those numbers; a reader of
the deliverable follows [n] to entry n of the document's source list. These tests draft through
the real `ModelHelper` with a fake chat model and read the rendered Markdown as a reader would."""

from __future__ import annotations

import re

import pytest
from fakes import ScriptedChatModel

from agent.config import Settings
from agent.deliverables.context import md_escape
from agent.deliverables.labels import section_label, source_name
from agent.deliverables.registry import load_registry
from agent.deliverables.render_html import markdown_to_html
from agent.deliverables.render_md import RenderedDoc, render_document
from agent.snapshot import ProjectSnapshot
from agent.types import Passage, Stage
from graphs.model_calls import ModelHelper
from knowledge.pack import get_passage

from .checks import check_citations, split_sources
from .fixtures import bank_snapshot

MARK = {"zh": "> *模型起草，请人工核对*：", "en": "> *drafted by the model — review before use*: "}
SHOWN = ("pitfall-data-security", "step1-requirements", "poc-goals")
"""The passages the model is given, in order; the template cites the last two itself as well."""


def _spec(doc_id: str) -> object:
    return next(s for s in load_registry() if s.id == doc_id)


def _draft(
    snap: ProjectSnapshot, section_id: str, reply: str, given: tuple[str, ...] = SHOWN
) -> tuple[str, dict[int, str]]:
    """The narrative `ModelHelper.draft_narrative` stores for `reply` when given the passages
    `given`, and the prompt's numbering (n → passage id) as the model saw it."""
    model = ScriptedChatModel(responder=lambda _m, _k: reply)
    helper = ModelHelper(model=model, settings=Settings(max_retries=0))
    passages: list[Passage] = [p for p in (get_passage(i) for i in given) if p is not None]
    text = helper.draft_narrative(section_id, snap, passages, stages=(Stage.requirements,))
    assert text is not None
    shown = {int(n): pid for n, pid in re.findall(r'<passage n="(\d+)" id="([^"]+)"', model.calls[-1])}
    assert shown == dict(enumerate(given, 1)), "the prompt numbers the passages it was given"
    return text, shown


def _narrative_line(doc: RenderedDoc) -> str:
    (line,) = [x for x in doc.markdown.splitlines() if x.startswith(MARK[doc.lang])]
    return line.removeprefix(MARK[doc.lang])


def _entries(doc: RenderedDoc) -> dict[int, str]:
    _, sources = split_sources(doc.markdown)
    return {int(n): text for n, text in re.findall(r"^- \[(\d+)\] (.+)$", sources, flags=re.M)}


def _entry_for(passage_id: str, lang: str) -> str:
    """The source-list line a reader sees for a pack passage."""
    p = get_passage(passage_id)
    assert p is not None
    title = (p.title_en or p.title) if lang == "en" else p.title
    section = section_label(p.section, lang)
    return f"{md_escape(f'{source_name(p.source, lang)} § {section}')} — {md_escape(title)}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_marker_leads_to_the_passage_the_model_cited(lang: str) -> None:
    snap = bank_snapshot(mode="llm", lang=lang)
    reply, kept = {
        "zh": (
            "需求应先讲清痛点[1]，目标要可衡量[3]，另见附录[7]。",
            "需求应先讲清痛点[]，目标要可衡量[]，另见附录。",
        ),
        "en": (
            "Name the pain point first[1], make the goal measurable[3], see the annex[7].",
            "Name the pain point first[], make the goal measurable[], see the annex.",
        ),
    }[lang]
    text, shown = _draft(snap, "requirement_spec.overview", reply)
    snap.narratives = {"requirement_spec.overview": text}

    doc = render_document(snap, _spec("requirement_spec"), lang)

    line = _narrative_line(doc)
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", line)]
    assert len(markers) == 2, line
    entries = _entries(doc)
    assert entries[markers[0]] == _entry_for(shown[1], lang), "[1] of the prompt"
    assert entries[markers[1]] == _entry_for(shown[3], lang), "[3] of the prompt"
    assert re.sub(r"\[\d+\]", "[]", line) == kept, "the out-of-range [7] is gone, the text otherwise intact"
    check_citations(doc.markdown)  # every [n] of the document has its entry, numbered 1..n
    ids = [s.passage_id for s in doc.sources]
    assert len(ids) == len(set(ids)) and "poc-goals" in ids, "a passage the template cites too is listed once"


def test_a_passage_the_document_already_lists_keeps_its_number() -> None:
    snap = bank_snapshot(mode="llm")
    given = ("pitfall-data-security", "step2-deliverables")
    text, shown = _draft(snap, "architecture_notes.overview", "架构图先行[2]，敏感数据留在行内[1]。", given)
    plain = render_document(bank_snapshot(mode="llm"), _spec("architecture_notes"), "zh")
    listed = {s.passage_id: s.number for s in plain.sources}
    assert shown[2] in listed and shown[1] not in listed, "the template cites step2-deliverables first"
    snap.narratives = {"architecture_notes.overview": text}

    doc = render_document(snap, _spec("architecture_notes"), "zh")

    line = _narrative_line(doc)
    first, second = (int(n) for n in re.findall(r"\[(\d+)\]", line))
    assert first == listed[shown[2]], "the entry the document already had"
    assert _entries(doc)[second] == _entry_for(shown[1], "zh"), "a new entry for the other passage"
    assert len(doc.sources) == len(plain.sources) + 1
    check_citations(doc.markdown)


def test_markers_that_refer_to_nothing_are_dropped_and_the_rest_stays_escaped() -> None:
    snap = bank_snapshot(mode="llm")
    reply = "方案[0]待评审 [9]，【2】预算[待定]；另见[1, 3](附录) 与 [[cite:made-up-id]]。"
    text, shown = _draft(snap, "requirement_spec.overview", reply)
    snap.narratives = {
        "requirement_spec.overview": text,
        # drafted before markers were bound: nothing says what its [2] meant
        "scenario_priority.ranking": "按价值排序[2]，先做账单问答。",
    }

    doc = render_document(snap, _spec("requirement_spec"), "zh")
    line = _narrative_line(doc)
    entries = _entries(doc)
    markers = [int(n) for n in re.findall(r"(?<!\\)\[(\d+)\]", line)]
    assert [entries[n] for n in markers] == [_entry_for(shown[k], "zh") for k in (2, 1, 3)]
    assert re.sub(r"(?<!\\)\[\d+\]", "[]", line) == r"方案待评审，[]预算\[待定\]；另见[][]\(附录) 与。"
    html = markdown_to_html(doc.markdown, title="t", lang="zh")
    assert "<a " not in html, "a marker followed by a parenthesis is not a link"
    check_citations(doc.markdown)

    ranking = render_document(snap, _spec("scenario_priority"), "zh")
    assert _narrative_line(ranking) == "按价值排序，先做账单问答。"
    check_citations(ranking.markdown)


def test_a_drafted_figure_the_passages_and_answers_lack_is_marked_as_the_models() -> None:
    """The project's own baseline and target may be restated; a payback period nobody gave is marked."""
    snap = bank_snapshot()
    assert (snap.profile.requirements.baseline, snap.profile.requirements.target) == ("62%", "80%")
    text, _ = _draft(
        snap, "requirement_spec.overview", "首次解决率从 62% 提升到 80% [2]，预计 3 个月即可回本 [3]。"
    )
    snap.narratives = {"requirement_spec.overview": text}
    line = _narrative_line(render_document(snap, _spec("requirement_spec"), "zh"))  # type: ignore[arg-type]
    assert "从 62% 提升到 80%" in line, line
    assert "预计 3 个月（模型给出的数字，所引资料中没有）即可回本" in line, line
