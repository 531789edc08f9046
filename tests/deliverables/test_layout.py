"""What a reader sees on the rendered page: DOCX tables whose columns fit their words, HTML tables
whose short columns don't wrap into vertical strips, no raw Markdown in cells."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import docx
import pytest

from cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RUNS = {
    "bank-zh": ("bank_customer_service", "zh"),
    "bank-en": ("bank_customer_service", "en"),
    "factory-en": ("manufacturing_quality_inspection", "en"),
}
LATIN_CM = 0.19
"""Average width of a Latin character at 10.5 pt in Calibri, the narrowest of the usual fonts."""
CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    dirs = {}
    for key, (example, lang) in RUNS.items():
        out = tmp_path_factory.mktemp(key) / "out"
        argv = ["run", "--answers", str(EXAMPLES / f"{example}.yaml"), "--out", str(out)]
        assert main([*argv, "--format", "md,docx,html", "--lang", lang]) == 0
        dirs[key] = out
    return dirs


CONTROL_HEADS = ("版本", "Version", "修订版本", "Revision", "审批", "Sign-off")
"""First header cells of the document-control tables every deliverable opens with."""


def _body_tables(document: Any) -> list[Any]:
    """The document's tables after its document-control block."""
    return [t for t in document.tables if t.rows[0].cells[0].text not in CONTROL_HEADS]


def _tables(path: Path) -> list[tuple[list[float], list[list[str]], float]]:
    """(column widths in cm, cell texts, text width in cm) of every data table of a DOCX file
    (not the architecture diagram's fallback grid, which has no table style)."""
    document = docx.Document(str(path))
    section = document.sections[0]
    text_width = (section.page_width - section.left_margin - section.right_margin) / 360000
    return [
        ([c.width / 360000 for c in t.columns], [[c.text for c in row.cells] for row in t.rows], text_width)
        for t in _body_tables(document)
        if t.style is not None and t.style.name == "Table Grid"
    ]


@pytest.mark.parametrize("key", sorted(RUNS))
def test_docx_columns_are_wide_enough_for_their_longest_word(outputs: dict[str, Path], key: str) -> None:
    """A word ('Severity', 'operations.model_update_cadence') is never split across lines, and the
    table spans the text width."""
    checked = 0
    for path in sorted(outputs[key].glob("*.docx")):
        for widths, cells, text_width in _tables(path):
            assert sum(widths) == pytest.approx(text_width, abs=0.1), path.name
            for ci, width in enumerate(widths):
                words = [w for row in cells for w in row[ci].split() if not CJK.search(w)]
                longest = max(words, key=len, default="")
                # Word's cell margins take 0.38 cm of every column.
                assert width - 0.38 >= len(longest) * LATIN_CM, (path.name, cells[0], longest, width)
                checked += 1
    assert checked > 100


def test_docx_answers_table_keeps_field_ids_whole_and_answers_wide(outputs: dict[str, Path]) -> None:
    path = next(outputs["bank-zh"].glob("*_14_*.docx"))
    widths, cells, text_width = _tables(path)[-1]
    assert cells[0] == ["问题/字段", "回答"]
    ids = [m for row in cells for m in re.findall(r"\(([a-z_.]+)\)", row[0])]
    assert "requirements.timeline_months" in ids
    assert widths[0] - 0.38 >= max(len(i) + 2 for i in ids) * LATIN_CM
    assert widths[1] >= text_width * 0.4  # the long answers still get room


def test_docx_short_chinese_columns_are_not_vertical_strips(outputs: dict[str, Path]) -> None:
    """'严重度' over three lines reads as a strip: a column holds at least three Chinese characters."""
    path = next(outputs["bank-zh"].glob("*_03_*.docx"))
    risk = next(t for t in _tables(path) if "严重度" in t[1][0])
    widths = risk[0]
    column = risk[1][0].index("严重度")
    assert widths[column] - 0.38 >= 3 * 0.37, widths


def test_docx_table_headers_are_shaded_and_repeat_on_every_page(outputs: dict[str, Path]) -> None:
    """The risk register runs over several pages: each page starts with the column names, and no
    risk is cut in two at a page break."""
    from docx.oxml.ns import qn

    path = next(outputs["bank-zh"].glob("*_11_*.docx"))
    document = docx.Document(str(path))
    assert document.tables
    for table in document.tables:
        head = table.rows[0]._tr
        assert head.trPr is not None and head.trPr.find(qn("w:tblHeader")) is not None
        for cell in table.rows[0].cells:
            shading = cell._tc.tcPr.find(qn("w:shd"))
            assert shading is not None and shading.get(qn("w:fill")) not in (None, "auto", "FFFFFF")
        for row in table.rows[1:]:
            assert row._tr.trPr.find(qn("w:tblHeader")) is None
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_html_table_headers_do_not_wrap_inside_a_chinese_word(outputs: dict[str, Path]) -> None:
    """A narrow '严重度' column showed its header one character per line ('严/重/度'): header
    cells keep Chinese words whole and wrap only at spaces and punctuation."""
    path = next(outputs["bank-zh"].glob("*_03_*.html"))
    text = path.read_text(encoding="utf-8")
    assert "<th>严重度</th>" in text
    style = text.split("<style>", 1)[1].split("</style>", 1)[0]
    th_rules = re.findall(r"(?:^|})\s*th\{([^}]*)\}", style)
    assert any("word-break:keep-all" in rule for rule in th_rules), th_rules


@pytest.mark.parametrize("key", sorted(RUNS))
def test_citation_groups_read_in_ascending_order(outputs: dict[str, Path], key: str) -> None:
    """'[13][14][3]' reads like a typo: a group of markers is in ascending order, each once."""
    groups = []
    for path in sorted(outputs[key].glob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n## 参考来源")[0].split("\n## Sources")[0]
        groups += [(path.name, g) for g in re.findall(r"(?:\[\d+\]){2,}", body)]
    assert len(groups) > 20
    for name, group in groups:
        numbers = [int(n) for n in re.findall(r"\d+", group)]
        assert numbers == sorted(set(numbers)), (name, group)


@pytest.mark.parametrize("key", ["bank-zh", "bank-en"])
def test_executive_summary_lists_the_projects_open_questions(outputs: dict[str, Path], key: str) -> None:
    """It said 'open questions overall: 3' and, right below, 'every input this document needs has
    been answered': the steering committee now sees the three questions themselves."""
    import json

    from .checks import open_questions

    report = json.loads((outputs[key] / "report.json").read_text(encoding="utf-8"))
    assert report["open_questions"]
    markdown = next(outputs[key].glob("*_14_*.md")).read_text(encoding="utf-8")
    listed = open_questions(markdown)
    for question in report["open_questions"]:
        assert any(item.startswith(question["text"]) for item in listed), question
    assert "均已回答" not in markdown and "has been answered" not in markdown
    count = len(report["open_questions"])
    assert f"全项目尚有 {count} 个待确认问题" in markdown or f"{count} open questions across" in markdown


@pytest.mark.parametrize("key", ["bank-zh", "bank-en"])
def test_source_list_names_documents_by_title_not_file_name(outputs: dict[str, Path], key: str) -> None:
    """'《大模型落地应用案例集…》 (003_829d98c82b09c91c.txt)' on every line: the hash file name
    means nothing to a reader; the title and section say where to look."""
    markdown = next(outputs[key].glob("*_04_*.md")).read_text(encoding="utf-8")
    sources = markdown.split("\n## 参考来源" if key.endswith("zh") else "\n## Sources")[1]
    entries = re.findall(r"^- \[\d+\] (.+)$", sources, flags=re.M)
    assert len(entries) > 5
    for entry in entries:
        assert ".txt" not in entry and not re.search(r"\b\d{3}_[0-9a-f]{16}\b", entry), entry
        assert " § " in entry and " — " in entry
    title = (
        "《大模型从技术到生产力，步步为营》" if key.endswith("zh") else "LLMs from technology to productivity"
    )
    assert any(e.startswith(title) for e in entries)


@pytest.mark.parametrize("key", ["bank-zh", "factory-en"])
def test_docx_architecture_notes_draw_the_diagram(outputs: dict[str, Path], key: str) -> None:
    """Without mermaid-cli the Word file had no diagram, only a callout about 'the Mermaid source'
    in 'the Markdown/HTML versions'; then an editable grid of cells: it now shows the picture the
    HTML draws (tests/deliverables/test_diagram_png.py), its alt text naming every component of
    the table below it."""
    from agent.deliverables.chart_png import cjk_font_path

    if cjk_font_path() is None:
        pytest.skip("no font with Chinese glyphs: the diagram is the editable grid")
    document = docx.Document(str(next(outputs[key].glob("*_03_*.docx"))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Mermaid" not in text and "下图" not in text and "diagram below" not in text
    assert len(document.inline_shapes) == 1
    alt = document.inline_shapes[0]._inline.docPr.get("descr")
    components = next(t for t in _body_tables(document) if t.rows[0].cells[0].text in ("组件", "Component"))
    names = [row.cells[0].text for row in components.rows[1:]]
    assert len(names) >= 9 and all(name in alt for name in names)
    assert (
        "本单位网络 · 私有化部署（本单位内）"
        if key.endswith("zh")
        else "Site / edge (inside the organisation)"
    ) in alt


def test_docx_short_labels_stay_on_one_line(outputs: dict[str, Path]) -> None:
    """The executive summary's '预算（万元）' broke into '预算（万' / '元）' beside a wide column."""
    path = next(outputs["bank-zh"].glob("*_14_*.docx"))
    widths, cells, _ = _tables(path)[0]
    labels = [row[0] for row in cells]
    assert "预算（万元）" in labels
    longest = max(len(label) for label in labels)
    assert widths[0] - 0.38 >= longest * 0.37, (widths, labels)


def test_checklists_show_their_box_without_a_bullet(outputs: dict[str, Path]) -> None:
    """'• ☑ 已调研行业内可借鉴的案例': the box is the marker, a bullet before it is one too many."""
    out = outputs["bank-zh"]
    html = next(out.glob("*_14_*.html")).read_text(encoding="utf-8")
    assert re.search(r'<ul class="checklist">\s*<li>☑', html)
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "ul.checklist{list-style:none" in style
    # an ordinary list keeps its bullets
    assert re.search(r"<ul>\s*<li><strong>", html)
    document = docx.Document(str(next(out.glob("*_14_*.docx"))))
    boxed = [p for p in document.paragraphs if p.text.startswith(("☑", "☐"))]
    assert len(boxed) >= 4
    assert all(not p.style.name.startswith("List") for p in boxed)
    # a checklist is short: it stays on one page (the PoC plan's last box had moved on alone)
    assert [p.paragraph_format.keep_with_next for p in boxed[:6]] == [True] * 5 + [False]
    assert any(p.style.name == "List Bullet" for p in document.paragraphs)


@pytest.mark.parametrize("key", ["bank-zh", "factory-en"])
def test_html_architecture_notes_draw_the_diagram(outputs: dict[str, Path], key: str) -> None:
    """A browser showed a folded line of diagram code where the diagram should be: the HTML now
    draws it (inline SVG: no script, nothing fetched), one box per component of the table."""
    from .checks import parse_html

    path = next(outputs[key].glob("*_03_*.html"))
    parsed = parse_html(path)
    assert parsed.urls == [] and "script" not in parsed.tags
    text = path.read_text(encoding="utf-8")
    figure = text.index('<figure class="diagram"><svg')  # after the document-control tables
    assert figure < text.index("<details>") < text.index("<table>", figure)
    svg = text.split("<svg", 1)[1].split("</svg>", 1)[0]
    tips = re.findall(r"<title>(.*?)</title>", svg)
    markdown = next(outputs[key].glob("*_03_*.md")).read_text(encoding="utf-8")
    components = markdown.split("\n### ", 2)[1].split("\n\n")[1]
    names = [row.split(" | ")[0].lstrip("| ") for row in components.splitlines()[2:]]
    assert len(names) >= 9 and len(tips) == len(names)
    for name in names:
        assert any(tip.startswith(f"{name} · ") for tip in tips), name
    # every arrow of the connections table is drawn, with its arrowhead
    connections = markdown.split("\n### ", 3)[2].split("\n\n")[1].splitlines()[2:]
    assert svg.count("<polyline ") == len(connections) == svg.count("<polygon ")


def test_a_diagram_the_layout_does_not_know_falls_back_to_its_source() -> None:
    from agent.deliverables.diagram_svg import architecture_svg
    from agent.deliverables.render_html import markdown_to_html

    odd = 'flowchart LR\n    a["A<br/>x"] --> b'
    assert architecture_svg(odd, "t") is None
    page = markdown_to_html(f"# T\n\n```mermaid\n{odd}\n```\n", title="T", lang="en")
    assert "<svg" not in page and "paste it into a Mermaid viewer" in page


def test_docx_short_tables_are_not_split_across_pages(outputs: dict[str, Path]) -> None:
    """The knowledge-base table of the data plan left its header and one row at the foot of a page
    and the rest on the next: a short table keeps together, a long register may still run on."""
    document = docx.Document(str(next(outputs["bank-zh"].glob("*_05_*.docx"))))
    short = [t for t in document.tables if len(t.rows) <= 12]
    assert len(short) >= 4
    for table in short:
        for row in table.rows[:-1]:
            assert all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
        assert not any(p.paragraph_format.keep_with_next for c in table.rows[-1].cells for p in c.paragraphs)
    register = docx.Document(str(next(outputs["bank-zh"].glob("*_01_*.docx"))))
    answers = register.tables[-1]
    assert len(answers.rows) >= 15
    assert not any(p.paragraph_format.keep_with_next for c in answers.rows[1].cells for p in c.paragraphs)


def test_docx_risk_register_gives_its_width_to_the_text_columns(outputs: dict[str, Path]) -> None:
    """Stage names ('需求分析与场景定位') may wrap; the evidence and mitigation text needs the room."""
    widths, cells, _ = _tables(next(outputs["bank-zh"].glob("*_11_*.docx")))[0]
    header = cells[0]
    assert header[3] == "环节" and header[4].startswith("证据") and header[6] == "缓解措施"
    assert widths[4] > widths[3]
    assert widths[6] == max(widths) and widths[6] > 0.3 * sum(widths)


def test_html_registers_get_a_wider_page(outputs: dict[str, Path]) -> None:
    """Eight columns in a 60rem page left the risk register's evidence four words wide: like the
    landscape Word page, a document with a table of seven or more columns gets a wider page."""
    out = outputs["bank-en"]
    register = next(out.glob("*_11_*.html")).read_text(encoding="utf-8")
    notes = next(out.glob("*_03_*.html")).read_text(encoding="utf-8")
    assert '<body class="wide">' in register and "<th>Mitigation</th>" in register
    assert '<body class="wide">' not in notes and "<body>" in notes
    style = register.split("<style>", 1)[1].split("</style>", 1)[0]
    normal = float(re.search(r"max-width:([\d.]+)rem", style).group(1))  # type: ignore[union-attr]
    wide = float(re.search(r"body\.wide\{max-width:([\d.]+)rem", style).group(1))  # type: ignore[union-attr]
    assert wide >= normal * 1.3
