"""Export formats: DOCX opens with headings, tables and an East-Asian font; HTML is self-contained;
JSON is structured; file names are safe; a failed export leaves the directory as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from agent.deliverables import export as export_module
from agent.deliverables.export import export_deliverables, parse_formats
from agent.deliverables.files import safe_filename
from agent.errors import InputError, StorageError

from .checks import listing, parse_html, passage_titles_resolve
from .fixtures import bank_snapshot


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "out"
    export_deliverables(bank_snapshot(), out, formats=["md", "docx", "html", "json"], lang="zh")
    return out


def test_every_deliverable_in_every_format_plus_report(exported: Path) -> None:
    report = json.loads((exported / "report.json").read_text(encoding="utf-8"))
    assert len(report["deliverables"]) == 15
    for entry in report["deliverables"]:
        assert sorted(Path(f).suffix for f in entry["files"]) == [".docx", ".html", ".json", ".md"]
        for name in entry["files"]:
            assert (exported / name).stat().st_size > 500, name
    assert not [p for p in exported.iterdir() if p.name.startswith(".coach-staging")]


def test_docx_has_real_headings_tables_lists_and_chinese_font(exported: Path) -> None:
    path = next(exported.glob("*_03_技术架构说明.docx"))
    document = docx.Document(str(path))
    styles = [p.style.name for p in document.paragraphs]
    assert "Title" in styles and "Heading 1" in styles and "Heading 2" in styles
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "1. 架构总览" in headings and "参考来源" in headings
    # The diagram is given as the components and connections tables (no mmdc here).
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert ["组件", "说明", "网络区域", "数据分级"] in cells
    assert any(row[1] == "应用服务" and row[2] == "大模型" for row in cells)
    assert any("Qwen2.5-72B" in " ".join(row) for row in cells)
    assert any(p.style.name == "List Bullet" for p in document.paragraphs)
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Microsoft YaHei"
    assert "星河银行智能客服助手" in "\n".join(p.text for p in document.paragraphs)


def test_html_is_one_self_contained_file(exported: Path) -> None:
    path = next(exported.glob("*_03_技术架构说明.html"))
    parsed = parse_html(path)
    assert parsed.urls == []
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    text = path.read_text(encoding="utf-8")
    assert '<pre class="mermaid">' in text and "flowchart TB" in text
    # the diagram is drawn (inline SVG); its code is folded below it: one line naming it, tables below
    assert "<details><summary>架构图源码（Mermaid" in text
    # (the document-control tables open the document; the diagram's tables follow its source)
    details = text.index("<details><summary>")
    assert text.index("</details>") < text.index("<table>", details)
    assert "<table>" in text and "<style>" in text and 'lang="zh-CN"' in text
    assert parsed.tags.count("h2") >= 5


def test_json_is_structured_and_sources_are_pack_passages(exported: Path) -> None:
    data = json.loads(next(exported.glob("*_03_技术架构说明.json")).read_text(encoding="utf-8"))
    assert data["id"] == "architecture_notes" and data["stage"] == "selection"
    assert data["mermaid"].splitlines()[1] == "flowchart TB"  # after the layout settings line
    assert [s["heading"] for s in data["sections"]][:2] == ["1. 架构总览", "2. 关键选择"]
    assert any(b["type"] == "table" for s in data["sections"] for b in s["blocks"])
    passage_titles_resolve(data["sources"])
    assert data["open_questions"] and all(q["field"] for q in data["open_questions"])


def test_unknown_format_is_refused_with_the_accepted_list() -> None:
    with pytest.raises(InputError) as info:
        parse_formats("md,rtf")
    assert "rtf" in str(info.value) and "docx" in str(info.value)


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "CON",
        "con.txt",
        "CON:<>*",
        'a/b\\c:d*e?f"g<h>i|j',
        "\x00\x1f控制",
        "..",
        " . ",
        "中" * 200,
    ],
)
def test_safe_filename_on_every_os(name: str) -> None:
    safe = safe_filename(name)
    assert safe and "/" not in safe and "\\" not in safe
    assert not any(ch in safe for ch in ':*?"<>|') and not any(ord(ch) < 32 for ch in safe)
    assert safe.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}
    assert safe not in (".", "..") and not safe.endswith((".", " "))
    assert len(safe.encode("utf-8")) <= 150


def test_hostile_project_names_write_only_inside_the_output_directory(
    tmp_path: Path, coach_home: Path
) -> None:
    out = tmp_path / "out"
    for hostile in ["../../etc/passwd", "CON:<>*"]:
        snap = bank_snapshot(name=hostile)
        snap.profile.project.name = hostile
        written = export_deliverables(snap, out, formats=["md", "json"], lang="en")
        for path in written:
            assert path.parent == out
    assert sorted(p.name for p in tmp_path.iterdir() if p != coach_home) == ["out"]
    stems = {p.name.rsplit("_", 2)[0] for p in out.iterdir() if p.suffix == ".md"}
    assert stems == {"etc_passwd", "_CON"}


def test_a_failed_export_leaves_the_output_directory_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    export_deliverables(bank_snapshot(), out, formats=["md"], lang="zh")
    before = listing(out)
    calls = {"n": 0}
    real = export_module._write

    def failing(doc, fmt, path, snapshot):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 20:
            raise OSError(28, "No space left on device")
        real(doc, fmt, path, snapshot)

    monkeypatch.setattr(export_module, "_write", failing)
    changed = bank_snapshot()
    changed.profile.requirements.target = "90%"
    with pytest.raises(StorageError, match="No space left"):
        export_deliverables(changed, out, formats=["md", "docx"], lang="zh")
    assert listing(out) == before
    fresh = tmp_path / "fresh"
    calls["n"] = 0
    with pytest.raises(StorageError, match="No space left"):
        export_deliverables(changed, fresh, formats=["md", "docx"], lang="zh")
    assert not fresh.exists()


def test_report_marks_deliverables_stale_against_the_previous_export(tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_deliverables(bank_snapshot(), out, formats=["json"], lang="zh")
    snap = bank_snapshot()
    snap.profile.testing.accuracy_target = 90
    export_deliverables(snap, out, formats=["json"], lang="zh")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    stale = {d["id"] for d in report["deliverables"] if d["stale"]}
    assert "test_plan" in stale and "scenario_priority" not in stale
    md = json.loads(next(out.glob("*_08_*.json")).read_text(encoding="utf-8"))
    assert "90" in json.dumps(md, ensure_ascii=False)


def test_pdf_is_an_optional_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_module, "pdf_available", lambda: False)
    with pytest.raises(InputError) as info:
        parse_formats("md,pdf")
    assert "WeasyPrint" in str(info.value) and "[pdf]" in str(info.value)
    monkeypatch.setattr(export_module, "pdf_available", lambda: True)
    assert parse_formats("md,pdf,md") == ["md", "pdf"]


@pytest.mark.skipif(shutil.which("mmdc") is None, reason="mermaid-cli (mmdc) not installed")
def test_docx_embeds_the_diagram_as_an_image_when_mmdc_is_installed(tmp_path: Path) -> None:
    written = export_deliverables(bank_snapshot(), tmp_path, formats=["docx"], lang="zh")
    path = next(p for p in written if "_03_" in p.name)
    document = docx.Document(str(path))
    assert len(document.inline_shapes) == 1
    assert any(row.cells[0].text == "组件" for t in document.tables for row in t.rows)
