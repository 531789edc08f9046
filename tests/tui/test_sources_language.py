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
