"""Hostile files are refused while being read, in one line, and the rest of the batch is still added.

The files are generated here: zip bombs (one giant text node, a part that unpacks far past its size),
archives of many entries, documents of very many paragraphs, pages or chunks. Most tests lower the limits
(`IngestLimits`) so the files stay small; the ones named `default` use the shipped limits.
"""

from __future__ import annotations

import io
import resource
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest

from agent.config import Settings
from cli.main import main
from knowledge import ingest
from knowledge import store as store_mod
from knowledge.ingest import parse_file
from knowledge.limits import IngestLimits, UnreadableFile, estimated_tokens
from knowledge.store import KnowledgeBase
from tests.knowledge.kb_helpers import SAMPLE_MD, HashEmbedder, write_doc

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def write_docx(path: Path, body: Iterable[bytes], extra_entries: int = 0) -> Path:
    """A minimal .docx whose document.xml body is streamed from `body` (so a bomb is never held whole)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        with zf.open("word/document.xml", "w") as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_NS}><w:body>'.encode())
            for piece in body:
                fh.write(piece)
            fh.write(b"</w:body></w:document>")
        for n in range(extra_entries):
            zf.writestr(f"word/media/pad{n}.bin", b"")
    return path


def para(text: str) -> bytes:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>".encode()


def one_text_node(mib: int) -> Iterable[bytes]:
    yield b"<w:p><w:r><w:t>"
    block = b"a" * (1024 * 1024)
    for _ in range(mib):
        yield block
    yield b"</w:t></w:r></w:p>"


def empty_paragraphs(n: int) -> Iterable[bytes]:
    for _ in range(n // 1000):
        yield b"<w:p/>" * 1000


@pytest.fixture
def hash_kb(coach_home: Path, monkeypatch: pytest.MonkeyPatch) -> KnowledgeBase:
    """A knowledge base with the fast stand-in embedder (only the user's collection is touched)."""
    monkeypatch.setattr(store_mod, "get_embedder", lambda settings: HashEmbedder())
    return KnowledgeBase.open(Settings())


def refusal(path: Path, limits: IngestLimits | None = None) -> str:
    with pytest.raises(UnreadableFile) as info:
        parse_file(path, limits) if limits else parse_file(path)
    reason = str(info.value)
    assert "\n" not in reason and " / " in reason, reason  # one line, English / Chinese
    return reason


def test_a_docx_bomb_of_one_giant_text_node_is_refused_with_default_limits(tmp_path: Path) -> None:
    # the reported case (181 MiB of one text node) scaled down: past lxml's 10 MB text-node cap
    bomb = write_docx(tmp_path / "bomb.docx", one_text_node(12))
    assert bomb.stat().st_size < 100_000
    reason = refusal(bomb)
    assert "too large" in reason and "split" in reason


def test_a_docx_that_unpacks_past_the_limit_is_refused_while_unpacking(tmp_path: Path) -> None:
    bomb = write_docx(tmp_path / "bomb.docx", (para("重复的段落内容" * 20) for _ in range(20_000)))
    reason = refusal(bomb, IngestLimits(max_unpacked_bytes=1024 * 1024, max_paragraphs=10**9))
    assert "unpacked" in reason and "1 MiB" in reason


def test_a_docx_of_many_zip_entries_is_refused_before_unpacking(tmp_path: Path) -> None:
    many = write_docx(tmp_path / "many.docx", [para("正文")], extra_entries=60)
    reason = refusal(many, IngestLimits(max_zip_entries=50))
    assert "entries" in reason and "63" in reason


def test_millions_of_empty_paragraphs_stop_at_the_default_limit_quickly(tmp_path: Path) -> None:
    # the reported case was 5.5 million tiny paragraphs: 300 s and 4 GB before any answer
    doc = write_docx(tmp_path / "paras.docx", empty_paragraphs(1_000_000))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    reason = refusal(doc)
    assert "paragraphs" in reason and "200,000" in reason
    assert time.perf_counter() - started < 30
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 300, f"peak memory grew by {grown_mib:.0f} MiB"


def test_a_docx_of_too_many_xml_elements_is_refused_inside_one_paragraph_or_between_them(
    tmp_path: Path,
) -> None:
    limits = IngestLimits(max_xml_elements=10_000)
    runs = write_docx(tmp_path / "runs.docx", [b"<w:p>", b"<w:r/>" * 20_000, b"</w:p>"])
    marks = write_docx(tmp_path / "marks.docx", [para("正文"), b"<w:bookmarkEnd/>" * 20_000])
    for doc in (runs, marks):
        assert "more than 10,000 XML elements" in refusal(doc, limits)
    assert [c.text for c in parse_file(marks).chunks] == ["正文"]  # the default limits take it


def test_too_many_paragraphs_in_a_text_file_are_refused(tmp_path: Path) -> None:
    doc = write_doc(tmp_path, "notes.txt", "\n\n".join(f"第{n}条记录" for n in range(500)))
    reason = refusal(doc, IngestLimits(max_paragraphs=100))
    assert "more than 100" in reason and "paragraphs" in reason


def test_text_over_the_character_or_chunk_limit_is_refused_with_the_numbers(tmp_path: Path) -> None:
    doc = write_doc(tmp_path, "big.md", ("企业需要为每个场景设定可衡量的目标。" * 30 + "\n\n") * 40)
    assert "characters" in refusal(doc, IngestLimits(max_text_chars=5_000))
    reason = refusal(doc, IngestLimits(max_chunks=10))
    assert "chunks" in reason and "> 10" in reason
    reason = refusal(doc, IngestLimits(max_tokens=5_000))
    assert "estimated tokens" in reason and "> 5,000" in reason
    assert len(parse_file(doc).chunks) > 10  # the default limits take it


def test_the_token_estimate_counts_a_cjk_character_as_one_token_and_four_latin_characters_as_one() -> None:
    assert estimated_tokens("企业需要可衡量的目标") == 10
    assert estimated_tokens("a" * 400) == 100
    assert estimated_tokens("模型 model") == 2 + 2


def test_a_20_mb_text_file_is_refused_at_once_with_the_reason(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(
        ("The model answers from the retrieved passages and cites them.\n\n" * 330_000), encoding="utf-8"
    )
    assert big.stat().st_size > 20_000_000
    started = time.perf_counter()
    reason = refusal(big)
    assert "characters" in reason and "> 600,000" in reason and "split" in reason
    assert time.perf_counter() - started < 20


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    doc = write_doc(tmp_path, "big.txt", "x" * 3_000_000)
    reason = refusal(doc, IngestLimits(max_file_bytes=1024 * 1024))
    assert "3 MiB > 1 MiB" in reason


def test_html_and_pdf_limits(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    page = write_doc(tmp_path, "page.html", "<html><body>" + "<p>段落</p>" * 300 + "</body></html>")
    assert "HTML" in refusal(page, IngestLimits(max_html_bytes=1024))
    assert "paragraphs" in refusal(page, IngestLimits(max_paragraphs=100))
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    (tmp_path / "long.pdf").write_bytes(out.getvalue())
    assert "pages 3 > 2" in refusal(tmp_path / "long.pdf", IngestLimits(max_pages=2))


def test_a_docx_keeps_titles_headings_tables_and_order(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("模型采购手册", style="Title")
    document.add_heading("采购流程", level=1)
    document.add_paragraph("所有模型采购必须经过三家比价。")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("供应商", "报价"), ("甲公司", "十万元")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_heading("合同审核", level=2)
    document.add_paragraph("法务审核合同中的数据条款。")
    document.save(str(tmp_path / "policy.docx"))
    parsed = parse_file(tmp_path / "policy.docx")
    assert parsed.title == "模型采购手册"
    text = "\n".join(c.text for c in parsed.chunks)
    assert "供应商 | 报价" in text and "甲公司 | 十万元" in text
    assert text.index("三家比价") < text.index("甲公司") < text.index("数据条款")
    assert any(c.section == "采购流程 > 合同审核" and "数据条款" in c.text for c in parsed.chunks)


def test_hostile_files_fail_one_by_one_and_the_batch_goes_on(hash_kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write_doc(folder, "good.md", SAMPLE_MD)
    write_docx(folder / "bomb.docx", one_text_node(12))
    write_docx(folder / "paras.docx", empty_paragraphs(5_000))
    write_docx(folder / "fine.docx", [para("值班人员每季度复盘一次告警规则。")])
    report = hash_kb.add_paths([folder], limits=IngestLimits(max_paragraphs=1_000))
    assert sorted(d.name for d in report.added) == ["fine.docx", "good.md"]
    reasons = {Path(f.path).name: f.reason for f in report.failed}
    assert set(reasons) == {"bomb.docx", "paras.docx"}
    assert all("\n" not in r and "too large" in r for r in reasons.values())


def test_an_unexpected_reader_error_is_one_line_and_the_batch_goes_on(
    hash_kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(path: Path, data: bytes, limits: IngestLimits) -> None:
        raise RecursionError("maximum recursion depth exceeded\nwhile parsing")

    monkeypatch.setitem(ingest._READERS, ".html", explode)
    write_doc(tmp_path, "deep.html", "<div>" * 10 + "text")
    good = write_doc(tmp_path, "good.md", SAMPLE_MD)
    report = hash_kb.add_paths([tmp_path / "deep.html", good])
    assert [d.name for d in report.added] == ["good.md"]
    (failure,) = report.failed
    assert "could not be read" in failure.reason and "\n" not in failure.reason


def test_kb_add_exit_status_says_some_failed_and_progress_is_printed_off_a_terminal(
    hash_kb: KnowledgeBase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = write_doc(tmp_path, "good.md", SAMPLE_MD + ("\n\n值班人员每季度复盘一次告警规则。" * 40))
    bomb = write_docx(tmp_path / "bomb.docx", one_text_node(12))
    assert main(["--lang", "en", "kb", "add", str(bomb), str(good)]) == 1
    captured = capsys.readouterr()
    assert "good.md" in captured.out and "1 failed" in captured.out
    err_lines = captured.err.splitlines()
    assert any("bomb.docx" in line and "too large" in line for line in err_lines)
    progress = [line for line in err_lines if line.startswith("Embedding good.md (2/2)")]
    assert progress and progress[0].endswith("chunks/s") and "0/" in progress[0]
    assert "(100%)" in progress[-1]
    assert main(["--lang", "en", "kb", "add", str(good)]) == 0
