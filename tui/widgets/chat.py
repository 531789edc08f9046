"""The chat log: the coach's messages rendered as Markdown, the user's answers, streamed tokens."""

from __future__ import annotations

from typing import Any

from rich.markdown import Markdown as RichMarkdown
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from agent.cleantext import clean_text
from agent.snapshot import CoachMessage
from agent.types import Citation

MAX_MESSAGES = 200
"""Older messages are dropped from the screen (they stay in the session)."""

HISTORY_SHOWN = 40
"""Messages of a resumed project's conversation replayed on opening (the most recent ones)."""


def cite_line(citations: list[Citation]) -> str:
    """A compact source line under a message: `[1] source · section`."""
    parts = [
        f"[{i}] {c.title or c.source}{' · ' + c.section if c.section else ''}"
        for i, c in enumerate(citations, 1)
    ]
    return "  \n".join(f"*{p}*" for p in parts)


class MarkdownStatic(Static):
    """Markdown drawn by Rich in a single widget; `source` keeps the text."""

    def __init__(self, source: str, **kwargs: Any) -> None:
        source = clean_text(
            source
        )  # a passage or a name from the user's files: no escape reaches the terminal
        super().__init__(RichMarkdown(source), **kwargs)
        self.source = source


class PrefixedLine(Static):
    """`prefix` then `text` with a hanging indent: wrapped lines (and Chinese text, which Rich
    would otherwise move whole to the next line) stay aligned under the text."""

    def __init__(self, prefix: Text, text: str, **kwargs: Any) -> None:
        super().__init__(self._grid(prefix, text), **kwargs)
        self.prefix = prefix
        self.source = prefix.plain + text

    @staticmethod
    def _grid(prefix: Text, text: str) -> Table:
        grid = Table.grid(padding=0)
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        grid.add_row(prefix, Text(clean_text(text)))
        return grid

    def restate(self, text: str) -> None:
        """Show `text` after the same prefix."""
        self.update(self._grid(self.prefix, text))
        self.source = self.prefix.plain + text


class ChatLog(VerticalScroll):
    """Scrolling conversation; keeps the view pinned to the bottom as messages arrive."""

    can_focus = True

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._stream: Static | None = None
        self._stream_text = ""
        self._last_user: PrefixedLine | None = None

    def on_mount(self) -> None:
        self.anchor()

    async def add_message(self, message: CoachMessage) -> None:
        """Append one coach message (Markdown, with its citations)."""
        await self._mount(self._message_widget(message))

    def _message_widget(self, message: CoachMessage) -> Static:
        text = message.text
        if message.citations:
            text += "\n\n" + cite_line(message.citations)
        # One Static with a Rich Markdown renderable: far cheaper to mount than a Markdown
        # widget (one child per block), which matters once the conversation is long.
        return MarkdownStatic(text, classes=f"msg msg-{message.kind}")

    async def add_user(self, label: str, text: str, question: str | None = None) -> None:
        """Echo what the user sent, after the question it answers (when there is one)."""
        widgets = [self._question_widget(question)] if question else []
        self._last_user = self._user_widget(label, text)
        widgets.append(self._last_user)
        await self._mount(*widgets)

    def restate_user(self, text: str) -> None:
        """Show the last user line as the coach understood it (a picked option's label for "2")."""
        if self._last_user is not None and not self._last_user.source.endswith(text):
            self._last_user.restate(text)

    @staticmethod
    def _user_widget(label: str, text: str) -> PrefixedLine:
        return PrefixedLine(Text.assemble((label, "bold"), " › "), text, classes="msg msg-user")

    @staticmethod
    def _question_widget(text: str) -> Static:
        return PrefixedLine(Text("◇ "), text, classes="msg msg-question")

    async def add_history(self, messages: list[CoachMessage], you: str, hidden: str | None) -> None:
        """Replay a resumed project's conversation in one mount: `hidden` heads it when older
        messages are left out."""
        widgets: list[Static] = []
        if hidden:
            widgets.append(Static(hidden, classes="msg msg-hidden", markup=False))
        for message in messages:
            if message.kind == "user":
                widgets.append(self._user_widget(you, message.text))
            elif message.kind == "question":
                widgets.append(self._question_widget(message.text))
            else:
                widgets.append(self._message_widget(message))
        if widgets:
            await self._mount(*widgets)

    async def add_notice(self, text: str, *, error: bool = False) -> None:
        """A one-line notice (model fallback, failures)."""
        classes = "msg msg-error" if error else "msg msg-notice"
        await self._mount(Static(clean_text(text), classes=classes, markup=False))

    async def append_token(self, token: str) -> None:
        """Add a streamed token to the message being written (started on the first token)."""
        self._stream_text += clean_text(token)
        if self._stream is None:
            # A Static redrawn from the whole text (Rich Markdown): cheaper per update than a
            # Markdown widget, and the final message replaces it when the turn ends.
            self._stream = Static(RichMarkdown(self._stream_text), classes="msg msg-answer msg-streaming")
            await self._mount(self._stream)
        else:
            self._stream.update(RichMarkdown(self._stream_text))

    async def end_stream(self) -> bool:
        """Close the streamed message; True when one was open (its final text replaces it)."""
        if self._stream is None:
            return False
        await self._stream.remove()
        self._stream = None
        self._stream_text = ""
        return True

    async def _mount(self, *widgets: Static) -> None:
        await self.mount_all(widgets)
        extra = len(self.children) - MAX_MESSAGES
        if extra > 0:
            await self.remove_children(list(self.children)[:extra])
        if self.is_anchored:
            self.scroll_end(animate=False, immediate=False)
