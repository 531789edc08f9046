"""Assertions shared by the deliverable tests: citations resolve, open questions listed, files sane."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from knowledge.pack import get_passage

CITE = re.compile(r"(?<!\\)\[(\d+)\]")
SOURCES_HEADINGS = ("## 参考来源", "## Sources")
OPEN_HEADINGS = ("## 待确认问题", "## Open questions")


def split_sources(markdown: str) -> tuple[str, str]:
    """(body, sources section) of a deliverable's Markdown."""
    for heading in SOURCES_HEADINGS:
        if heading in markdown:
            body, _, sources = markdown.partition(heading)
            return body, sources
    raise AssertionError("no sources section")


def check_citations(markdown: str) -> int:
    """Every [n] in the body has a source entry naming a real pack passage; returns the count."""
    body, sources = split_sources(markdown)
    entries = dict(re.findall(r"^- \[(\d+)\] (.+)$", sources, flags=re.M))
    used = {int(n) for n in CITE.findall(body)}
    assert used, "document cites nothing"
    assert used == {int(n) for n in entries}, (used, sorted(entries))
    assert sorted(used) == list(range(1, len(used) + 1)), "citations not numbered 1..n"
    return len(used)


def passage_titles_resolve(sources_json: list[dict[str, object]]) -> None:
    """Every source entry of a JSON deliverable is a real pack passage with matching metadata."""
    for s in sources_json:
        passage = get_passage(str(s["passage_id"]))
        assert passage is not None, s
        assert passage.source == s["source"] and passage.section == s["section"]


def open_questions(markdown: str) -> list[str]:
    """The bullet items of the open-questions section."""
    for heading in OPEN_HEADINGS:
        if heading in markdown:
            section = markdown.split(heading, 1)[1].split("\n## ", 1)[0]
            return re.findall(r"^- (.+)$", section, flags=re.M)
    raise AssertionError("no open-questions section")


def asks(markdown: str, path: str, lang: str = "zh") -> bool:
    """Does the open-questions section ask the question of `path` (in any of its wordings)?"""
    from agent.questions import load_bank

    question = load_bank().by_field(path)
    assert question is not None, path
    texts = [question.text[lang]] + [v.text[lang] for v in question.variants]  # type: ignore[index]
    return any(item.startswith(text) for item in open_questions(markdown) for text in texts)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "data", "srcset", "action", "poster") and value:
                self.urls.append(value)
            if name == "style" and value and "url(" in value:
                self.urls.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(path: Path) -> _Collector:
    """Parse an HTML file; return its tags, fetchable URLs and text."""
    collector = _Collector()
    text = path.read_text(encoding="utf-8")
    collector.feed(text)
    collector.close()
    assert "@import" not in text and "url(" not in text
    return collector


def listing(directory: Path) -> dict[str, tuple[int, int]]:
    """Every path under `directory` with its size and mtime (ns): compare before/after a failed run."""
    if not directory.exists():
        return {}
    return {
        str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
    }
