"""Every deliverable carries version, date, owner and status in every format; a Word file says
who wrote it and when (not "python-docx, 2013"), and numbers its pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STATUS = {"zh": "草稿，待评审", "en": "Draft for review"}


@pytest.fixture(scope="module", params=["zh", "en"])
def exported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    lang = request.param
    out = tmp_path_factory.mktemp(f"control-{lang}") / "out"
    args = ["run", "--answers", str(EXAMPLES / "manufacturing_quality_inspection.yaml"), "--out", str(out)]
    assert main([*args, "--format", "md,html,docx", "--lang", lang]) == 0
    return out, lang


def test_every_document_opens_with_its_control_block_in_every_format(exported: tuple[Path, str]) -> None:
    out, lang = exported
    today = datetime.now(UTC).date().isoformat()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["deliverables"]) >= 15
    for fmt in ("md", "html"):
        files = sorted(out.glob(f"*.{fmt}"))
        assert len(files) == len(report["deliverables"])
        for path in files:
            text = path.read_text(encoding="utf-8")
            head = text[: text.index("<h2" if fmt == "html" else "\n## ")]
            assert STATUS[lang] in head and today in head and "0.1" in head, path.name
            assert ("Approved by" if lang == "en" else "批准") in head, path.name


def test_a_word_file_names_its_author_date_and_numbers_its_pages(exported: tuple[Path, str]) -> None:
    import docx

    out, lang = exported
    files = sorted(out.glob("*.docx"))
    assert len(files) >= 15
    for path in files:
        document = docx.Document(str(path))
        props = document.core_properties
        assert props.author == "华东某光伏材料有限公司", path.name
        assert "python-docx" not in (props.author or "") + (props.last_modified_by or "")
        assert props.created is not None and props.created.year >= 2025, path.name
        assert props.title and props.title in document.paragraphs[0].text
        assert props.content_status == STATUS[lang]
        section = document.sections[0]
        footer_xml = section.footer._element.xml
        assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml, path.name
        header_text = section.header.paragraphs[0].text
        assert props.title in header_text and STATUS[lang] in header_text


def test_the_owner_of_the_runbook_is_the_answered_operations_owner(exported: tuple[Path, str]) -> None:
    out, _lang = exported
    runbook = next(p for p in out.glob("*.md") if "_10_" in p.name).read_text(encoding="utf-8")
    first_table_row = next(ln for ln in runbook.splitlines() if ln.startswith("| 0.1 |"))
    assert "质量部" in first_table_row
