"""The chat log: the coach's messages rendered as Markdown, the user's answers, streamed tokens."""

from __future__ import annotations

from typing import Any

from rich.markdown import Markdown as RichMarkdown
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from agent.cleantext import clean_text
from agent.snapshot import CoachMessage
from agent.types import Citation

MAX_MESSAGES = 200
"""Older messages are dropped from the screen (they stay in the session)."""

HISTORY_SHOWN = 40
"""Messages of a resumed project's conversation replayed on opening (the most recent ones); as many
again are loaded each time the user scrolls to the top."""


def _batch_start(history: list[CoachMessage], end: int) -> int:
    """Where the batch of history ending at `end` starts: never between a question and its answer."""
    start = max(0, end - HISTORY_SHOWN)
    if start and history[start].kind == "user" and history[start - 1].kind == "question":
        start -= 1
    return start


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
        self._history: list[CoachMessage] = []
        self._by_index: dict[int, Widget] = {}
        self._start = 0
        self._you = ""
        self._older_text = "{n}"
        self._marker: Static | None = None
        self._loading = False

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

    async def add_history(self, messages: list[CoachMessage], you: str, older: str = "{n}") -> None:
        """Replay a resumed project's conversation: the last `HISTORY_SHOWN` messages now, the
        earlier ones in batches as the user scrolls to the top (`load_older`). `older` heads the
        replay while some are not loaded yet, `{n}` standing for how many."""
        self._history, self._you, self._older_text = messages, you, older
        self._start = _batch_start(messages, len(messages))
        widgets = self._history_widgets(self._start, len(messages))
        if self._start:
            self._marker = Static(older.format(n=self._start), classes="msg msg-hidden", markup=False)
            widgets.insert(0, self._marker)
        if widgets:
            await self._mount(*widgets)

    def _history_widgets(self, start: int, end: int) -> list[Static]:
        widgets: list[Static] = []
        for i in range(start, end):
            message = self._history[i]
            if message.kind == "user":
                widget: Static = self._user_widget(self._you, message.text)
            elif message.kind == "question":
                widget = self._question_widget(message.text)
            else:
                widget = self._message_widget(message)
            self._by_index[i] = widget
            widgets.append(widget)
        return widgets

    @property
    def unloaded(self) -> int:
        """Messages of the replayed conversation not on screen yet (loaded on scrolling up)."""
        return self._start

    async def load_older(self) -> int:
        """Mount the previous batch of the replayed conversation above what is shown, keeping the
        view where it was; the number of messages added."""
        if not self._start or self._loading:
            return 0
        self._loading = True
        try:
            end, self._start = self._start, _batch_start(self._history, self._start)
            widgets = self._history_widgets(self._start, end)
            height = self.virtual_size.height
            anchor = self._marker if self._marker is not None and self._marker.parent is self else None
            if anchor is not None:
                await self.mount_all(widgets, after=anchor)
            elif self.children:
                await self.mount_all(widgets, before=self.children[0])
            if self._marker is not None:
                if self._start:
                    self._marker.update(self._older_text.format(n=self._start))
                else:
                    await self._marker.remove()
                    self._marker = None
            self.call_after_refresh(self._keep_view, height, self.scroll_y)
            return end - self._start
        finally:
            self._loading = False

    def _keep_view(self, old_height: int, old_y: float) -> None:
        self.scroll_to(y=old_y + self.virtual_size.height - old_height, animate=False, immediate=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value <= 0 < old_value and self._start:
            self.run_worker(self.load_older(), group="older", exclusive=True)

    def entries(self) -> list[tuple[int | Widget, str]]:
        """Everything the conversation holds, oldest first, as (what reveals it, its text): a
        history index for what is not loaded yet, the widget for what is on screen."""
        out: list[tuple[int | Widget, str]] = [(i, self._history[i].text) for i in range(self._start)]
        for child in self.children:
            if child is not self._marker:
                out.append((child, getattr(child, "source", None) or str(child.render())))
        return out

    async def reveal(self, target: int | Widget) -> Widget | None:
        """Load history down to `target` if needed, scroll it to the top and mark it found."""
        if isinstance(target, int):
            while self._start > target and await self.load_older():
                pass
            found = self._by_index.get(target)
        else:
            found = target
        if found is None:
            return None
        for old in self.query(".-found"):
            old.remove_class("-found")
        found.add_class("-found")
        self.call_after_refresh(self.scroll_to_widget, found, animate=False, top=True)
        return found

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
