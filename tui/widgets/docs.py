"""Markdown views: the deliverable preview for the current stage and the sources of the latest cited reply."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Markdown

from agent.deliverables.labels import section_label, source_name
from agent.snapshot import ProjectSnapshot
from agent.types import Citation
from knowledge.pack import localize, text_lang
from tui.i18n import t


class MarkdownView(VerticalScroll):
    """A scrolling Markdown document, updated only when its text changes."""

    def __init__(self, text: str = "", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._text = text

    def compose(self):  # type: ignore[no-untyped-def]
        yield Markdown(self._text)

    async def set_text(self, text: str) -> None:
        """Replace the document."""
        if text == self._text:
            return
        self._text = text
        await self.query_one(Markdown).update(text)

    @property
    def text(self) -> str:
        return self._text


def sources_markdown(citations: list[Citation], snapshot: ProjectSnapshot | None, lang: str) -> str:
    """The passages behind `citations`, full text where the snapshot has it: built-in guidance in the
    screen's language, the user's own documents as written (and said so when that is another language)."""
    if not citations:
        return t("sources.none", lang)
    passages = snapshot.passages if snapshot else {}
    lines = [f"### {t('sources.title', lang)}", ""]
    seen: set[str] = set()
    for i, c in enumerate(citations, 1):
        if c.passage_id in seen:
            continue
        seen.add(c.passage_id)
        passage = passages.get(c.passage_id)
        title = c.title or (passage.title if passage else "") or c.passage_id
        kb = passage.kb if passage else "builtin"
        names = (source_name(c.source, lang), section_label(c.section, lang, kb))
        where = " · ".join(x for x in names if x)
        lines += [f"**[{i}] {title}**  ", f"*{where}*", ""]
        body = localize(passage, "en" if lang == "en" else "zh").text if passage else c.quote
        if body:
            lines += ["> " + body.replace("\n", "\n> "), ""]
            if text_lang(body) != lang:
                lines += [f"*{t('sources.quoted_in.' + text_lang(body), lang)}*", ""]
    return "\n".join(lines)
