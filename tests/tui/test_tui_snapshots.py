"""Snapshot tests of the main screens at 80×24 and 120×40, in Chinese and English.

Update with `pytest tests/tui --snapshot-update` after an intended change, and look at the SVGs.
"""

from __future__ import annotations

import pytest
from fake_session import FakeFactory
from helpers import settle
from textual.pilot import Pilot

from agent.config import Settings
from tui.app import make_app

SIZES = [(80, 24), (120, 40)]
LANGS = ["zh", "en"]


async def steady(pilot: Pilot[int]) -> None:
    """No blinking cursor, so a screenshot is the same every time."""
    from textual.widgets import Input

    for screen in pilot.app.screen_stack:
        for widget in screen.query(Input):
            widget.cursor_blink = False
    await pilot.pause()


def _app(lang: str, factory: FakeFactory | None = None, settings: Settings | None = None):
    return make_app(lang=lang, session_factory=factory or FakeFactory(), settings=settings or Settings())


def _seed(factory: FakeFactory, lang: str) -> None:
    """Two saved projects, one part-way through."""
    s = factory.open(
        "客服助手" if lang == "zh" else "Service desk", lang=lang, sector=None, settings=None, create=True
    )
    for answer in ("internal", "rag,agent", "80"):
        s.send(answer)
    factory.open(
        "质检试点" if lang == "zh" else "QA pilot", lang=lang, sector=None, settings=None, create=True
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_picker(snap_compare, lang: str, size: tuple[int, int]) -> None:
    factory = FakeFactory()
    _seed(factory, lang)

    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await steady(pilot)

    assert snap_compare(_app(lang, factory), terminal_size=size, run_before=run_before)


async def _to_finding(pilot: Pilot[int]) -> None:
    """New project, answers up to the privacy finding, then the data question."""
    await settle(pilot)
    await pilot.press("n")
    await pilot.pause()
    await pilot.press(*"pilot")
    await pilot.press("enter")
    await settle(pilot)
    for key in ("1", "1", "5", "2", "1"):
        await pilot.press(key, "enter")
        await settle(pilot)
    app = pilot.app
    app.clear_notifications()
    await steady(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", LANGS)
def test_interview(snap_compare, lang: str, size: tuple[int, int]) -> None:
    assert snap_compare(_app(lang), terminal_size=size, run_before=_to_finding)


@pytest.mark.parametrize("lang", LANGS)
def test_interview_panels_at_80x24(snap_compare, lang: str) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await _to_finding(pilot)
        await pilot.press("f2")
        await steady(pilot)

    assert snap_compare(_app(lang), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("lang", LANGS)
def test_export_dialog_at_80x24(snap_compare, lang: str) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await _to_finding(pilot)
        await pilot.press("ctrl+e")
        await pilot.pause()
        pilot.app.screen.query_one("#export-dir").value = "/tmp/coach-export/pilot"
        await steady(pilot)

    assert snap_compare(_app(lang), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("lang", LANGS)
def test_settings_at_80x24(snap_compare, lang: str) -> None:
    from pydantic import SecretStr

    settings = Settings(
        base_url="http://localhost:8000/v1", model="qwen-plus", api_key=SecretStr("sk-secret-123456")
    )

    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("f4")
        await steady(pilot)

    assert snap_compare(_app(lang, settings=settings), terminal_size=(80, 24), run_before=run_before)


def test_interview_light_theme_at_80x24(snap_compare) -> None:
    assert snap_compare(
        _app("zh", settings=Settings(theme="light")), terminal_size=(80, 24), run_before=_to_finding
    )


@pytest.mark.parametrize("lang", LANGS)
def test_resumed_interview_at_80x24(snap_compare, lang: str) -> None:
    """A project answered up to the privacy finding, reopened: the conversation is replayed."""
    factory = FakeFactory()
    session = factory.open("pilot", lang="zh", sector=None, settings=None, create=True)
    for answer in ("external", "rag,agent", "80", "public_cloud", "yes"):
        session.send(answer)

    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.clear_notifications()
        await steady(pilot)

    assert snap_compare(_app(lang, factory), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize(
    ("lang", "size"), [("zh", (80, 24)), ("en", (120, 40))], ids=["zh-80x24", "en-120x40"]
)
def test_multi_select_ticked(snap_compare, lang: str, size: tuple[int, int]) -> None:
    """Ticked and unticked boxes differ in shape ([x] / [ ]), the row under the arrows is marked ▸."""

    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"pilot", "enter")
        await settle(pilot)
        await pilot.press("1", "enter")
        await settle(pilot)
        await pilot.press("down", "space", "down", "down")
        await steady(pilot)

    assert snap_compare(_app(lang), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_toast_on_the_top_row(snap_compare, size: tuple[int, int]) -> None:
    """A pitfall toast: one line at the right of the top row (the header, or the chat's border at
    80×24), over no text of the chat, the question, the answer box or the status bar."""

    async def run_before(pilot: Pilot[int]) -> None:
        await _to_finding(pilot)
        pilot.app.notify("新风险：个人数据出域，需先脱敏或改为私有化部署", severity="warning", timeout=600)
        await pilot.pause(0.3)
        await steady(pilot)

    assert snap_compare(_app("zh"), terminal_size=size, run_before=run_before)


def test_first_screen_on_the_real_engine_at_80x24(snap_compare) -> None:
    """A new project's first screen, scrolled to its top: the keys line, then the coach's welcome,
    each said once (the app's own welcome used to repeat the coach's)."""
    from test_tui_real_session import Engine

    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"pilot", "enter")
        await settle(pilot)
        pilot.app.screen.query_one("#chat").scroll_home(animate=False)
        await steady(pilot)

    app = make_app(lang="zh", session_factory=Engine(), settings=Settings())
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
