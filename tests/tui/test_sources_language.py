"""The sources panel quotes built-in guidance in the screen's language and says when a user's own
document is quoted in another language (issue 20)."""

from __future__ import annotations

from agent.types import Citation
from knowledge.pack import cite
from tui.widgets.docs import sources_markdown


def test_english_sources_quote_english_guidance_and_label_a_chinese_document() -> None:
    mine = Citation(
        passage_id="d1#0", source="数据规定.md", title="数据规定", quote="客户数据不得离开本行机房。"
    )
    text = sources_markdown([cite("poc-steps", lang="en"), mine], None, "en")
    assert "> A proof of concept usually moves through" in text
    assert text.count("(quoted in Chinese)") == 1
    assert text.index("(quoted in Chinese)") > text.index("客户数据不得离开本行机房")


def test_chinese_sources_quote_chinese_guidance_without_a_label() -> None:
    text = sources_markdown([cite("poc-steps", lang="zh")], None, "zh")
    assert "概念验证一般按以下环节推进" in text and "原文" not in text


def test_sources_and_finding_citations_name_documents_by_title_not_by_file_or_id() -> None:
    """The chat cites the book's title; the panels must too (not `003_829d….txt` or `regulation:…`)."""
    from agent.types import Finding
    from tui.widgets.findings import citations_body

    cited = [cite("poc-steps", lang="zh"), cite("reg-cn-pipl-sensitive", lang="zh")]
    finding = Finding(id="x", title="x", severity="high", stage="data", advice="x", citations=cited)
    for lang in ("zh", "en"):
        for text in (sources_markdown(cited, None, lang), citations_body(finding, lang)):
            assert ".txt" not in text and "regulation:" not in text, text
            assert "个人信息保护法" in text or "Personal Information Protection" in text, text
