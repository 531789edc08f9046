"""Organisation templates under COACH_HOME: a template replaced by file name, a reference Word file
for styles, and every broken one refused with what, where and how to fix — nothing written."""

from __future__ import annotations

import copy
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from agent.deliverables.export import export_deliverables
from agent.deliverables.org_templates import TemplateError
from cli.main import main

from .fixtures import bank_snapshot

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hospital_guideline_qa.yaml"


def _org_dir(home: Path) -> Path:
    folder = home / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _export_fails(out: Path, fmts: tuple[str, ...] = ("md", "docx")) -> TemplateError:
    with pytest.raises(TemplateError) as info:
        export_deliverables(bank_snapshot(), out, formats=fmts, lang="zh")
    assert not out.exists(), "nothing may be written when a template is refused"
    return info.value


def _docs(out: Path, suffix: str) -> dict[str, Path]:
    return {p.name.split("_", 2)[1]: p for p in out.glob(f"*{suffix}")}


def test_a_template_named_like_a_builtin_replaces_it_and_still_finds_the_builtin_macros(
    coach_home: Path, tmp_path: Path
) -> None:
    (_org_dir(coach_home) / "requirement_spec.md.j2").write_text(
        '{% import "_macros.md.j2" as m with context %}\n'
        "{{ m.header() }}\n\n"
        "{{ t('本文依据星河集团《需求文档规范》第 3 版编写。', 'Written to our requirements standard v3.') }}\n\n"
        "{{ t('**场景**', '**Scenario**') }}：{{ a('requirements.scenario') }}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    export_deliverables(bank_snapshot(), out, formats=("md", "html", "docx"), lang="zh")
    md = _docs(out, ".md")
    spec = md["01"].read_text(encoding="utf-8")
    assert "本文依据星河集团《需求文档规范》第 3 版编写。" in spec
    assert "信用卡账单与分期业务的智能问答" in spec  # the answer, through the built-in helpers
    assert "| 版本 |" in spec  # the built-in document-control macro resolved
    assert "REQ-F-1" not in spec  # the built-in body is gone
    # the other documents are untouched
    assert "星河集团《需求文档规范》" not in md["02"].read_text(encoding="utf-8")
    html = _docs(out, ".html")["01"].read_text(encoding="utf-8")
    assert "星河集团《需求文档规范》第 3 版" in html


def test_an_override_may_wrap_the_builtin_version(coach_home: Path, tmp_path: Path) -> None:
    (_org_dir(coach_home) / "test_plan.md.j2").write_text(
        '{% include "builtin/test_plan.md.j2" %}\n\n## 附：本组织测试规范\n按《测试管理办法》执行。\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    export_deliverables(bank_snapshot(), out, formats=("md",), lang="zh")
    plan = next(p for p in out.glob("*.md") if "测试方案" in p.name).read_text(encoding="utf-8")
    assert "按《测试管理办法》执行。" in plan
    assert "TST-1" in plan  # the built-in body is there too


def test_a_syntax_error_is_named_with_its_file_and_line(coach_home: Path, tmp_path: Path) -> None:
    path = _org_dir(coach_home) / "requirement_spec.md.j2"
    path.write_text("# 规格\n\n{% if snap.profile.project.name %}\n没有结束标签\n", encoding="utf-8")
    error = _export_fails(tmp_path / "out")
    assert str(path) in error.message
    assert "line 5" in error.message or "line 4" in error.message  # jinja reports the end of file
    assert "模板语法错误" in error.message
    assert "delete the file" in error.hint


def test_an_unknown_name_is_refused_before_rendering(coach_home: Path, tmp_path: Path) -> None:
    path = _org_dir(coach_home) / "risk_register.md.j2"
    path.write_text("# 风险\n\n{{ t('项目', 'Project') }}\n{{ projct_name }}\n", encoding="utf-8")
    error = _export_fails(tmp_path / "out")
    assert f"{path}, line 4" in error.message
    assert "projct_name" in error.message
    assert "cite" in error.hint and "snap" in error.hint  # the names it could use


def test_an_unknown_attribute_at_render_time_names_the_file_and_line(
    coach_home: Path, tmp_path: Path
) -> None:
    path = _org_dir(coach_home) / "risk_register.md.j2"
    path.write_text("# 风险\n\n\n{{ snap.profile.project.budjet }}\n", encoding="utf-8")
    error = _export_fails(tmp_path / "out")
    assert f"{path}, line 4" in error.message
    assert "budjet" in error.message


def test_a_file_no_builtin_template_has_is_refused_with_the_names(coach_home: Path, tmp_path: Path) -> None:
    path = _org_dir(coach_home) / "requirment_spec.md.j2"
    path.write_text("# x\n", encoding="utf-8")
    error = _export_fails(tmp_path / "out")
    assert str(path) in error.message
    assert "requirement_spec.md.j2" in error.hint


def test_an_include_that_does_not_exist_is_refused(coach_home: Path, tmp_path: Path) -> None:
    folder = _org_dir(coach_home)
    (folder / "test_plan.md.j2").write_text('{% include "_our_footer.md.j2" %}\n', encoding="utf-8")
    error = _export_fails(tmp_path / "out")
    assert "_our_footer.md.j2" in error.message
    # …and found once it is there (a partial of the organisation's own)
    (folder / "_our_footer.md.j2").write_text("本组织页脚说明\n", encoding="utf-8")
    export_deliverables(bank_snapshot(), tmp_path / "ok", formats=("md",), lang="zh")
    plan = next(p for p in (tmp_path / "ok").glob("*.md") if "测试方案" in p.name)
    assert plan.read_text(encoding="utf-8").startswith("本组织页脚说明")


def test_coach_run_refuses_a_broken_template_with_exit_2_and_no_traceback(
    coach_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _org_dir(coach_home) / "executive_summary.md.j2"
    path.write_text("{{ t('摘要', 'Summary' }}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", "--answers", str(EXAMPLE), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{path}, line 1" in err
    assert "Traceback" not in err
    assert not out.exists()


# --- the reference Word file ------------------------------------------------------------------


def _reference(
    path: Path, *, header: str = "", drop: tuple[str, ...] = (), ids: dict[str, str] | None = None
) -> None:
    """A reference file as an organisation makes one: their fonts and margins, maybe their header,
    maybe styles missing, maybe the ids a Chinese Word gives ("1" for heading 1)."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(12)
    document.styles["Heading 1"].font.size = Pt(20)
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(3.0)
    if header:
        section.header.paragraphs[0].add_run(header)
    document.add_paragraph("示例正文：本段应被清除。")
    styles = document.styles.element
    for name in drop:
        styles.remove(document.styles[name].element)
    for old, new in (ids or {}).items():
        for el in styles.iter(qn("w:style")):
            if el.get(qn("w:styleId")) == old:
                el.set(qn("w:styleId"), new)
        for el in styles.iter(qn("w:basedOn"), qn("w:next"), qn("w:link")):
            if el.get(qn("w:val")) == old:
                el.set(qn("w:val"), new)
    document.save(str(path))


def test_a_reference_docx_gives_its_styles_margins_and_header(coach_home: Path, tmp_path: Path) -> None:
    _reference(
        _org_dir(coach_home) / "reference.docx",
        header="星河银行 · 内部资料",
        drop=("List Bullet", "List Bullet 2", "Intense Quote"),
        ids={"Heading1": "1", "Heading2": "2", "Title": "a3"},
    )
    out = tmp_path / "out"
    export_deliverables(bank_snapshot(), out, formats=("docx",), lang="zh")
    document = docx.Document(str(_docs(out, ".docx")["01"]))
    assert "示例正文" not in "\n".join(p.text for p in document.paragraphs)  # their sample text is gone
    section = document.sections[0]
    assert round(section.left_margin.cm, 1) == 3.0  # their margins
    assert section.header.paragraphs[0].text == "星河银行 · 内部资料"  # their header
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml  # no footer of theirs: ours, with page numbers
    assert document.styles["Normal"].font.name == "SimSun"
    headings = [p for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings and headings[0].style.style_id == "2"  # their style, whatever its id
    assert document.paragraphs[0].style.name == "Title"
    bullets = [p for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets, "a style they lack comes from the built-in set"
    num_id = (
        bullets[0].style.element.find(qn("w:pPr")).find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
    )
    numbering = document.part.numbering_part.element
    assert any(n.get(qn("w:numId")) == num_id for n in numbering.findall(qn("w:num")))  # bullets kept


def test_a_wide_register_turns_the_reference_page_to_landscape(coach_home: Path, tmp_path: Path) -> None:
    _reference(_org_dir(coach_home) / "reference.docx")
    out = tmp_path / "out"
    export_deliverables(bank_snapshot(), out, formats=("docx",), lang="en")
    register = docx.Document(str(next(p for p in out.glob("*.docx") if "risk-register" in p.name)))
    section = register.sections[0]
    assert section.page_width > section.page_height
    assert round(section.left_margin.cm, 1) == 3.0


def test_a_reference_that_is_not_a_docx_is_refused(coach_home: Path, tmp_path: Path) -> None:
    path = _org_dir(coach_home) / "reference.docx"
    path.write_text("{\\rtf1 this is RTF saved with the wrong name}", encoding="utf-8")
    error = _export_fails(tmp_path / "out", ("md",))
    assert str(path) in error.message and "not a Word document" in error.message
    assert ".docx" in error.hint


def test_a_reference_without_the_heading_styles_is_refused_with_the_missing_ones(
    coach_home: Path, tmp_path: Path
) -> None:
    path = _org_dir(coach_home) / "reference.docx"
    _reference(path, drop=("Heading 2", "Heading 3"))
    error = _export_fails(tmp_path / "out")
    assert "Heading 2, Heading 3" in error.message
    assert "Word" in error.hint


def test_a_damaged_docx_is_refused(coach_home: Path, tmp_path: Path) -> None:
    import zipfile

    path = _org_dir(coach_home) / "reference.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "a zip, not a Word file")
    error = _export_fails(tmp_path / "out", ("md",))
    assert "not a Word document" in error.message


def test_without_an_organisation_folder_the_builtin_styles_apply(tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_deliverables(bank_snapshot(), out, formats=("docx",), lang="zh")
    document = docx.Document(str(_docs(out, ".docx")["01"]))
    fonts = document.styles["Normal"].element.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Microsoft YaHei"
    assert round(document.sections[0].left_margin.cm, 1) == 2.2
    assert copy.copy(document.sections[0].header.paragraphs[0].text)  # our running header


def test_builtin_footer_page_numbers_are_the_footer_size_and_cells_have_air(tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_deliverables(bank_snapshot(), out, formats=("docx",), lang="zh")
    document = docx.Document(str(_docs(out, ".docx")["01"]))
    footer = document.sections[0].footer.paragraphs[0]
    # every run, the fields' results included, at the footer's 8 pt (LibreOffice drew a field packed
    # into one run at the body's size)
    assert footer.runs and all(r.font.size == Pt(8) for r in footer.runs)
    kinds = [el.get(qn("w:fldCharType")) for r in footer.runs for el in r._r if el.tag == qn("w:fldChar")]
    assert kinds == ["begin", "separate", "end"] * 2
    parts = (qn("w:fldChar"), qn("w:instrText"), qn("w:t"))
    assert all(sum(el.tag in parts for el in r._r) == 1 for r in footer.runs)  # one part per run
    margins = document.styles["Table Grid"].element.find(qn("w:tblPr")).find(qn("w:tblCellMar"))
    assert int(margins.find(qn("w:top")).get(qn("w:w"))) > 0


def test_a_short_table_is_kept_on_one_page_but_not_one_taller_than_a_page(tmp_path: Path) -> None:
    from agent.deliverables.render_docx import markdown_to_docx

    long_text = "资料所述：" + "这是一段很长的缓解措施说明，" * 12
    tall = "\n".join(f"| RSK-{i} | 风险 {i} | {long_text} |" for i in range(1, 11))
    markdown = (
        "# 文档\n\n## 小表\n\n| 项目 | 内容 |\n|---|---|\n| 甲 | 一 |\n| 乙 | 二 |\n\n"
        f"## 登记册\n\n| # | 风险 | 缓解措施 |\n|---|---|---|\n{tall}\n"
    )
    path = tmp_path / "t.docx"
    markdown_to_docx(markdown, path, title="文档", lang="zh")
    small, register = docx.Document(str(path)).tables
    assert small.rows[0].cells[0].paragraphs[0].paragraph_format.keep_with_next is True
    # ten rows of long text cannot fit one page: kept together, LibreOffice left its heading alone
    assert register.rows[0].cells[0].paragraphs[0].paragraph_format.keep_with_next is None
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in register.rows)  # rows stay whole


def test_doctor_names_the_templates_in_effect_and_a_broken_one(coach_home: Path) -> None:
    from cli.commands.doctor import _templates

    assert _templates() is None  # nothing of the organisation's: no line
    folder = _org_dir(coach_home)
    (folder / "test_plan.md.j2").write_text('{% include "builtin/test_plan.md.j2" %}\n', encoding="utf-8")
    _reference(folder / "reference.docx")
    ok = _templates()
    assert ok is not None and ok.ok and "test_plan.md.j2" in ok.detail and "reference.docx" in ok.detail
    (folder / "test_plan.md.j2").write_text("{% for x in %}\n", encoding="utf-8")
    broken = _templates()
    assert broken is not None and not broken.ok
    assert "test_plan.md.j2, line 1" in broken.detail and "delete the file" in broken.hint


def test_builtin_word_file_carries_no_leftovers_of_the_library_template(tmp_path: Path) -> None:
    import zipfile

    out = tmp_path / "out"
    export_deliverables(bank_snapshot(), out, formats=("docx",), lang="zh")
    path = _docs(out, ".docx")["01"]
    names = zipfile.ZipFile(path).namelist()
    # python-docx's thumbnail is a picture of its own sample page: a file browser showed it as ours
    assert not any("thumbnail" in n for n in names)
    assert "word/stylesWithEffects.xml" not in names
    document = docx.Document(str(path))
    used = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 2", "List Bullet"} <= used  # the styles the document uses are all there
    assert len(document.styles) < 40


def test_a_checklist_items_wrapped_lines_hang_under_its_text(tmp_path: Path) -> None:
    from agent.deliverables.render_docx import markdown_to_docx

    path = tmp_path / "c.docx"
    markdown_to_docx("# 文档\n\n- ☑ 第一项\n- ☐ 第二项，很长很长\n", path, title="文档", lang="zh")
    items = [p for p in docx.Document(str(path)).paragraphs if p.text.startswith(("☑", "☐"))]
    assert len(items) == 2
    for item in items:
        fmt = item.paragraph_format
        assert fmt.first_line_indent is not None and fmt.first_line_indent < 0  # the box hangs out
        assert fmt.left_indent + fmt.first_line_indent > 0  # and stays inside the text column


def test_a_wide_register_is_set_smaller_and_its_tall_rows_may_break(tmp_path: Path) -> None:
    from agent.deliverables.render_docx import markdown_to_docx

    mitigation = "The sources say: " + "keep the old process ready to switch back and rehearse it; " * 40
    rows = "\n".join(
        f"| RSK-{i} | Risk {i} | High | Stage | Evidence = No | Owner | {mitigation} | [2] |" for i in (1, 2)
    )
    short = "| RSK-3 | Risk 3 | Low | Stage | Evidence = No | Owner | Short. | [3] |"
    markdown = (
        "# Register\n\n| # | Risk | Severity | Stage | Evidence | Owner | Mitigation | Sources |\n"
        f"|---|---|---|---|---|---|---|---|\n{rows}\n{short}\n"
    )
    path = tmp_path / "r.docx"
    markdown_to_docx(markdown, path, title="Register", lang="en")
    table = docx.Document(str(path)).tables[0]
    # eight columns: 9 pt text, so the longest column is not squeezed to a strip
    assert all(r.font.size == Pt(9) for r in table.rows[1].cells[6].paragraphs[0].runs)
    widths = [c.width for c in table.rows[0].cells]
    assert widths[6] == max(widths)
    # a row taller than a third of a page may break across pages (it left most of a page blank);
    # a short one stays whole
    assert table.rows[1]._tr.trPr.find(qn("w:cantSplit")) is None
    assert table.rows[3]._tr.trPr.find(qn("w:cantSplit")) is not None
