"""The answer box in multi-line mode: Ctrl+J (or the key mapped to `newline`) in the one-line box
opens it with what was typed; Enter sends the whole answer, Ctrl+J adds a line, Esc goes back to
one line (the lines joined)."""

from __future__ import annotations

from textual.events import Key
from textual.message import Message
from textual.widgets import TextArea

NEWLINE_KEYS = ("ctrl+j", "newline", "shift+enter", "alt+enter")


class AnswerArea(TextArea):
    """A compact text area: Enter sends, a newline key adds a line, Esc returns to one line."""

    class Done(Message):
        """The area closes: `send` when Enter was pressed, else back to the one-line box."""

        def __init__(self, text: str, send: bool) -> None:
            super().__init__()
            self.text = text
            self.send = send

    async def _on_key(self, event: Key) -> None:
        if event.key == "enter" or event.key in ("escape",):
            event.stop()
            event.prevent_default()
            self.post_message(self.Done(self.text, send=event.key == "enter"))
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        await super()._on_key(event)
