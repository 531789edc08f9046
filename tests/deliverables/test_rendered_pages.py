"""A Word deliverable as LibreOffice lays it out (skipped where LibreOffice is not installed:
`apt-get install -y libreoffice-writer-nogui poppler-utils`; `python -m bench.render_docs` renders
every example for review)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from agent.deliverables.export import export_deliverables

from .fixtures import bank_snapshot

pytestmark = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdffonts")),
    reason="LibreOffice or poppler-utils not installed",
)


def _pdf(docx_file: Path, tmp_path: Path) -> Path:
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx_file),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return tmp_path / f"{docx_file.stem}.pdf"


def test_word_file_lays_out_with_page_numbers_header_and_chinese_glyphs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    export_deliverables(bank_snapshot(), out, formats=("docx",), lang="zh")
    register = next(p for p in out.glob("*.docx") if "风险登记册" in p.name)
    pdf = _pdf(register, tmp_path)
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    pages_text = pages.split("\f")
    pages_text = [p for p in pages_text if p.strip()]
    total = len(pages_text)
    for number, text in enumerate(pages_text, start=1):
        assert f"第 {number} 页，共 {total} 页" in re.sub(r"[ \t]+", " ", text), f"page {number}"
        assert "风险登记册 · v0.1" in text  # the running header on every page
    assert "RSK-1" in pages
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    # the Chinese text got a font that has its glyphs (no empty boxes): a CJK face is embedded
    assert re.search(r"(WenQuanYi|Noto\w*CJK|YaHei|SimSun|Source\w*Han)", fonts), fonts
