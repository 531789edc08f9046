"""Pilot helpers shared by the TUI tests."""

from __future__ import annotations

import contextlib

from textual.pilot import Pilot
from textual.widgets import Static

from tui.app import CoachApp
from tui.screens.interview import InterviewScreen


async def settle(pilot: Pilot[int]) -> None:
    """Wait for workers and the messages they post."""
    from textual.worker import WorkerCancelled

    app = pilot.app
    for _ in range(3):
        # an exclusive worker replaced by a newer one is cancelled: expected
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()


async def create_project(pilot: Pilot[int], name: str = "客服试点") -> InterviewScreen:
    """From the picker: n, type the name, Enter; returns the interview screen once it shows a question."""
    await settle(pilot)
    await pilot.press("n")
    await pilot.pause()
    await pilot.press(*name)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InterviewScreen)
    return screen


async def answer(pilot: Pilot[int], *keys: str) -> None:
    """Type keys into the answer box and wait for the turn."""
    await pilot.press(*keys)
    await settle(pilot)


def question_id(app: CoachApp) -> str | None:
    """The id of the question on screen."""
    from tui.widgets.question import QuestionPanel

    q = app.screen.query_one(QuestionPanel).question
    return q.id if q else None


def text_of(app: CoachApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def chat_text(app: CoachApp) -> str:
    """Everything in the chat log, as text."""
    from textual.widgets import Markdown

    from tui.widgets.chat import ChatLog

    parts = []
    for child in app.screen.query_one(ChatLog).children:
        if isinstance(child, Markdown) or hasattr(child, "source"):
            parts.append(child.source)
        elif isinstance(child, Static):
            parts.append(str(child.render()))
    return "\n".join(parts)


def screen_lines(app: CoachApp, mask: tuple[str, ...] = (), under: bool = True) -> list[str]:
    """The screen as text lines, as the terminal shows it; the widgets matching the `mask`
    selectors (user content: the chat, the question and its options) blanked out, on the screen
    on top and (`under`) on the one a dialog shows over."""
    from textual.geometry import Region

    screen = app.screen
    screens = [screen]
    if under and len(app.screen_stack) > 1 and screen.is_modal:
        screens.append(app.screen_stack[-2])
    regions: list[Region] = []
    for shown in screens:
        for selector in mask:
            for widget in shown.query(selector):
                if widget.display:
                    regions.append(widget.region)
    lines = []
    for y, strip in enumerate(screen._compositor.render_strips()):
        cuts = sorted((r.x, r.right) for r in regions if r.y <= y < r.bottom)
        parts, x = [], 0
        for start, end in cuts:
            if start > x:
                parts.append(strip.crop(x, start).text)
            x = max(x, end)
        parts.append(strip.crop(x, strip.cell_length).text)
        lines.append(" ".join(parts).rstrip())
    return lines
