"""Typed messages posted between the workers, widgets and screens of the app."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from agent.snapshot import CoachMessage, ProjectSnapshot, Turn


class TurnReady(Message):
    """The session answered: new messages and the next question."""

    def __init__(
        self,
        turn: Turn,
        sent: str | None = None,
        snapshot: ProjectSnapshot | None = None,
        history: list[CoachMessage] | None = None,
    ) -> None:
        super().__init__()
        self.turn = turn
        self.sent = sent
        self.snapshot = snapshot
        self.history = history
        """A resumed project's conversation so far (its tail is `turn.messages`)."""


class TokenReceived(Message):
    """A streamed token from the model, for the chat log."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token


class TurnFailed(Message):
    """A session call raised; `sent` is the user's text, to be given back to them."""

    def __init__(self, error: BaseException, sent: str | None) -> None:
        super().__init__()
        self.error = error
        self.sent = sent


class AnswerSubmitted(Message):
    """The question panel has an answer (or a command) to send."""

    def __init__(self, text: str, display: str | None = None) -> None:
        super().__init__()
        self.text = text
        self.display = display or text


class StageSelected(Message):
    """The user picked a stage in the sidebar."""

    def __init__(self, stage: str) -> None:
        super().__init__()
        self.stage = stage


class ProjectChosen(Message):
    """The picker chose a project to open (new or existing)."""

    def __init__(self, name: str, *, lang: str, sector: str | None, create: bool) -> None:
        super().__init__()
        self.name = name
        self.lang = lang
        self.sector = sector
        self.create = create


class ExportFinished(Message):
    """An export ended: the files written, or the error."""

    def __init__(self, files: list[Any], error: BaseException | None = None) -> None:
        super().__init__()
        self.files = files
        self.error = error
