"""Ingestion of each supported format, and bad files that get a reason while the batch goes on."""

from __future__ import annotations

import io
from pathlib import Path

from knowledge.chunking import MAX_CHARS, chunk_blocks, markdown_blocks, split_front_matter
from knowledge.ingest import parse_file
from knowledge.store import KnowledgeBase
from tests.conftest import seed_path
from tests.knowledge.kb_helpers import SAMPLE_MD, write_doc


def _text_pdf(text: str) -> bytes:
    """A minimal one-page PDF showing `text` (Helvetica), with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_text_pdf("secret budget"))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="RC4-128")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_seed_txt_front_matter_and_headings_become_sections() -> None:
    doc = parse_file(seed_path("000_62eaabb10f8e390a.txt"))
    assert doc.title == "第二节 大模型从技术到生产力，步步为营"
    sections = [c.section for c in doc.chunks]
    assert "概念验证的实施步骤" in sections
    assert all("sidebar_position" not in c.text for c in doc.chunks)
    steps = parse_file(seed_path("003_829d98c82b09c91c.txt"))
    assert any(c.section.endswith("避坑要点二：以“领域知识融合”对抗模型幻觉") for c in steps.chunks)
    assert all("**" not in c.text for c in steps.chunks)


def test_long_sections_are_split_with_overlap_within_size() -> None:
    sentence = "企业需要为每个场景设定可衡量的目标并定期复盘效果。"
    body = "# 标题\n\n## 长章节\n\n" + sentence * 60 + "\n\n## 短章节\n\n一句话。\n"
    _front, text = split_front_matter(body)
    chunks = chunk_blocks(markdown_blocks(text))
    long_chunks = [c for c in chunks if c.section.endswith("长章节")]
    assert len(long_chunks) >= 3
    assert all(len(c.text) <= MAX_CHARS + 100 for c in long_chunks)
    assert long_chunks[1].text.startswith(sentence)  # the overlap repeats the last sentence
    assert [c.section for c in chunks if "一句话" in c.text] == ["标题 > 短章节"]


def test_docx_html_and_pdf_are_read(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("采购制度", level=1)
    document.add_paragraph("所有模型采购必须经过三家比价，并由法务审核合同中的数据条款。")
    document.save(str(tmp_path / "policy.docx"))
    (tmp_path / "page.html").write_text(
        "<html><head><title>运维</title><script>var x=1;</script></head><body>"
        "<h2>告警</h2><p>错误率超过百分之三时电话通知值班人员。</p></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "scan.pdf").write_bytes(_text_pdf("Escalate model incidents to the platform team"))
    word = parse_file(tmp_path / "policy.docx")
    assert word.chunks[0].section == "采购制度" and "三家比价" in word.chunks[0].text
    html = parse_file(tmp_path / "page.html")
    assert html.title == "运维" and html.chunks[0].section == "告警"
    assert all("var x" not in c.text for c in html.chunks)
    pdf = parse_file(tmp_path / "scan.pdf")
    assert "platform team" in pdf.chunks[0].text and pdf.chunks[0].section == "p. 1"


def test_bad_files_get_a_reason_and_the_batch_continues(kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write_doc(folder, "good.md", SAMPLE_MD)
    write_doc(folder, "empty.txt", "  \n")
    (folder / "blob.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR" + bytes(range(256)))
    _encrypted_pdf(folder / "locked.pdf")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n")
    (folder / "broken.docx").write_bytes(b"not a zip archive")
    report = kb.add_paths([folder, tmp_path / "missing.md"])
    assert [d.name for d in report.added] == ["good.md"]
    reasons = {Path(f.path).name: f.reason for f in report.failed}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["blob.txt"]
    assert "encrypted" in reasons["locked.pdf"]
    assert "unsupported" in reasons["photo.png"]
    assert "docx" in reasons["broken.docx"]
    assert "no such file" in reasons["missing.md"]
    assert all("\n" not in r for r in reasons.values())
    assert report.ok
    assert kb.search("值班", k=1, scope="org")[0].source == "good.md"


def test_a_batch_of_only_bad_files_is_not_ok(kb: KnowledgeBase, tmp_path: Path) -> None:
    report = kb.add_paths([write_doc(tmp_path, "empty.md", ""), tmp_path / "nope.txt"])
    assert not report.ok and len(report.failed) == 2
    assert kb.list_documents() == []
