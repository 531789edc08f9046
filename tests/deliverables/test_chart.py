"""The executive summary's picture: readiness per stage and pitfalls by severity, as inline SVG in
HTML, a PNG in Word and two small tables in the Markdown file, all with the report's numbers."""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from agent.deliverables import chart_png
from agent.deliverables.chart import CHART_LANG, parse_chart, unfence_charts
from agent.deliverables.export import export_deliverables
from agent.deliverables.render_docx import markdown_to_docx
from agent.deliverables.render_html import markdown_to_html
from agent.deliverables.report import build_report
from agent.types import STAGE_TITLES, STAGES

from .example_docs import doc, example_snapshot
from .fixtures import bank_snapshot

SEVERITIES = ("high", "medium", "low")


def _report_figures(snapshot) -> tuple[list[int], list[int]]:  # type: ignore[no-untyped-def]
    report = build_report(snapshot, [], lang=snapshot.lang)
    readiness = [int(report["readiness"][s.value]) for s in STAGES]
    by_severity = [sum(1 for p in report["pitfalls"] if p["severity"] == sev) for sev in SEVERITIES]
    return readiness, by_severity


def _svg_figures(html_text: str) -> tuple[list[int], list[int], str]:
    svg = re.search(r'<svg[^>]*class="chart".*?</svg>', html_text, re.S)
    assert svg, "no chart SVG in the executive summary"
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg.group(0))
    readiness = [int(t.split("/")[0]) for t in texts if re.fullmatch(r"\d+/100", t)]
    counts = [int(t) for t in texts if t.isdigit()]
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg.group(0), re.S)
    assert desc is not None
    return readiness, counts, html.unescape(desc.group(1))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_html_summary_draws_the_reports_readiness_and_severities(lang: str) -> None:
    snapshot = example_snapshot("hospital_guideline_qa", lang)
    summary = doc("hospital_guideline_qa", lang, "executive_summary")
    page = markdown_to_html(summary.markdown, title=summary.title, lang=lang)
    readiness, counts, alt = _svg_figures(page)
    want_readiness, want_counts = _report_figures(snapshot)
    assert readiness == want_readiness and counts == want_counts
    assert any(want_readiness) and any(want_counts)  # a picture of something
    # the picture comes before the top risks, and its alt text says every value in the page's language
    assert page.index('class="chart"') < page.index("RSK-1")
    first = STAGE_TITLES[STAGES[0]][lang]
    assert f"{first} {want_readiness[0]}/100" in alt
    high = "风险按严重度：高 " if lang == "zh" else "Pitfalls by severity: High "
    assert f"{high}{want_counts[0]}" in alt
    found = re.search(r'<svg[^>]*class="chart".*?</svg>', page, re.S)
    assert found is not None
    svg = html.unescape(found.group(0))
    assert "<script" not in page and "href=" not in svg
    assert all(f">{STAGE_TITLES[s][lang]}<" in svg for s in STAGES), "every stage named in full, none cut"


def test_the_markdown_file_has_the_tables_not_the_fence(tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_deliverables(bank_snapshot(), out, formats=["md", "docx"], lang="en")
    summary = next(out.glob("*_14_*.md"))  # the executive summary is deliverable 14
    text = summary.read_text(encoding="utf-8")
    assert f"```{CHART_LANG}" not in text
    assert "*Figure: readiness per stage (0–100) and pitfalls by severity*" in text
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for stage in STAGES:
        assert f"| {STAGE_TITLES[stage]['en']} | {report['readiness'][stage.value]}/100 |" in text
    highs = sum(1 for p in report["pitfalls"] if p["severity"] == "high")
    assert f"| High | {highs} |" in text
    # the Word file of the same export carries the picture (see the next test for where)
    word = docx.Document(str(summary.with_suffix(".docx")))
    assert any(p.reltype.endswith("/image") for p in word.part.rels.values())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_word_summary_has_the_picture_in_its_section_two(tmp_path: Path, lang: str) -> None:
    summary = doc("hospital_guideline_qa", lang, "executive_summary")
    path = tmp_path / "summary.docx"
    markdown_to_docx(summary.markdown, path, title=summary.title, lang=lang)
    word = docx.Document(str(path))
    images = [r.target_part for r in word.part.rels.values() if r.reltype.endswith("/image")]
    assert len(images) == 1 and images[0].content_type == "image/png"
    assert images[0].blob.startswith(b"\x89PNG")
    headings = [(i, p.text) for i, p in enumerate(word.paragraphs) if p.style.name.startswith("Heading")]
    at = next(i for i, p in enumerate(word.paragraphs) if p._p.xpath(".//pic:pic"))
    section = [text for i, text in headings if i < at][-1]
    assert section.startswith("2. "), section
    alt = word.paragraphs[at]._p.xpath(".//wp:docPr")[0].get("descr")
    want_readiness, _ = _report_figures(example_snapshot("hospital_guideline_qa", lang))
    assert f"{STAGE_TITLES[STAGES[2]][lang]} {want_readiness[2]}/100" in alt
    caption = word.paragraphs[at + 1].text
    assert caption.startswith("图：" if lang == "zh" else "Figure: ")
    assert word.paragraphs[at + 1].runs[0].font.italic


def test_without_a_chinese_font_the_stages_are_numbered_and_named_in_the_caption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chart_png, "cjk_font_path", lambda: None)
    summary = doc("hospital_guideline_qa", "zh", "executive_summary")
    path = tmp_path / "summary.docx"
    markdown_to_docx(summary.markdown, path, title=summary.title, lang="zh")
    word = docx.Document(str(path))
    at = next(i for i, p in enumerate(word.paragraphs) if p._p.xpath(".//pic:pic"))
    caption = word.paragraphs[at + 1].text
    assert "1 需求分析与场景定位" in caption and "7 上线运营与持续优化" in caption


def test_a_fence_that_is_no_chart_stays_a_code_block() -> None:
    assert parse_chart("caption\n\nnot a table\n", "en") is None
    page = markdown_to_html(f"# T\n\n```{CHART_LANG}\nhello\n```\n", title="T", lang="en")
    assert "<pre>hello" in page and "<svg" not in page
    assert unfence_charts("no chart here\n") == "no chart here\n"
    buffer = io.BytesIO()
    document = docx.Document()
    assert not chart_png.add_chart(document, "hello\n", "en", 16.0)
    document.save(buffer)
    assert not document.element.body.findall(".//" + qn("w:drawing"))


def test_pillow_is_not_imported_by_the_tui_or_by_markdown_and_html() -> None:
    """Pillow costs ~0.1 s to import: only a Word export loads it."""
    code = (
        "import sys\n"
        "import tui.app, tui.screens.interview, tui.screens.picker\n"
        "from agent.deliverables import render_html, render_md, chart\n"
        "print('PIL' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
