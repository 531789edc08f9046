"""Issue 14, closing: toasts that cover nothing being read, a first screen that says each thing
once, and an F2 whose cost does not grow with the conversation."""

from __future__ import annotations

import re
from typing import Any

import pytest
from helpers import answer, chat_text, create_project, screen_lines, settle
from test_tui_real_session import Engine, _new
from textual.widgets._toast import Toast

from agent.config import Settings
from tui.app import make_app
from tui.widgets.keybar import KeyLine

LONG = "新风险 {i}：一个很长的风险标题，足以在八十列的终端里超出一行，看它会不会盖住对话"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_toast_is_one_line_on_the_top_row_and_covers_no_text(build, size: tuple[int, int]) -> None:
    app = build()
    async with app.run_test(size=size, notifications=True) as pilot:
        screen = await create_project(pilot, "提示")
        app.notify("已切换语言")
        await pilot.pause(0.3)  # shown, then replaced: it must leave no blank row behind
        for i in range(3):
            app.notify(LONG.format(i=i), severity="warning")
        await pilot.pause(0.3)
        toasts = [toast for toast in screen.query(Toast) if toast.region.area]
        assert len(toasts) == 1, "one toast at a time: a second one would reach into the chat"
        toast = toasts[0].region
        assert toast.y == 0 and toast.height == 1, toast
        top = screen_lines(app)[0].rstrip()
        assert "新风险 2：一个很长" in top and top.endswith("…"), top  # the newest, cut to half the row
        assert toasts[0].region.x >= size[0] // 2, "the left half keeps the project's name"

        chat = screen.query_one("#chat")
        read = [chat.content_region, screen.query_one("#question").region, screen.query_one("#status").region]
        for region in read:
            assert not toast.overlaps(region), (toast, region)
        # the chat's top border still names the project (narrow) / the header's title is left of it
        assert "提示" in screen_lines(app)[0] or "提示" in screen_lines(app)[1]


async def test_a_new_pitfall_is_named_in_the_one_toast_shown(build) -> None:
    app = build()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await create_project(pilot, "风险")
        app.notify("已切换语言")
        for key in ("1", "1", "5", "2", "1"):  # the fake engine's privacy finding
            await answer(pilot, key, "enter")
        assert screen.snapshot is not None and screen.snapshot.findings
        toasts = list(app._notifications)
        assert len(toasts) == 1, [n.message for n in toasts]
        assert toasts[0].message == "新风险：" + "、".join(f.title for f in screen.snapshot.findings)


async def test_the_first_screen_says_each_thing_once_and_names_the_keys_as_bound(tmp_path: Any) -> None:
    app = make_app(lang="zh", session_factory=Engine(), settings=Settings(keys={"panels": "f6"}))
    async with app.run_test(size=(80, 24)) as pilot:
        await _new(pilot, "首屏")
        text = chat_text(app)
        assert "按键：F1 帮助 · F6 风险、交付物与来源 · Ctrl+P 全部命令" in text  # remapped F2 → F6
        assert text.count("直接提问") == 1, text  # was twice: the app's line and the coach's welcome
        sentences = [s.strip() for s in re.split(r"[。；\n]", text) if len(s.strip()) >= 6]
        repeated = {s for s in sentences if sentences.count(s) > 1}
        assert not repeated, repeated


async def test_f2_restyles_nothing_in_the_conversation(build) -> None:
    """F2 used to set a class on the screen, which restyled every widget under it — the whole
    conversation — and rebuilt a widget per key in the footer: ~0.75 s, growing with the chat."""
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_project(pilot, "面板")
        for key in ("1", "1", "5", "2", "1"):
            await answer(pilot, key, "enter")
        restyled: list[Any] = []
        update_nodes = app.stylesheet.update_nodes

        def record(nodes: Any, animate: bool = False) -> None:
            nodes = list(nodes)
            restyled.extend(nodes)
            update_nodes(nodes, animate=animate)

        app.stylesheet.update_nodes = record  # type: ignore[method-assign]
        for key in ("f2", "escape", "f2"):
            await pilot.press(key)
            await settle(pilot)
        chat = screen.query_one("#chat")
        assert screen.query_one("#panels").region.area and not chat.region.area
        in_chat = [n for n in restyled if n is chat or chat in n.ancestors]
        assert not in_chat, in_chat[:5]
        assert len(restyled) < 60, len(restyled)


async def test_a_click_on_a_footer_key_presses_it(build) -> None:
    app = build(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_project(pilot, "click")
        line = screen.query_one(KeyLine)
        start, _end, key, _enabled, _tip = next(s for s in line.spans if s[2] == "f2")
        assert key == "f2"
        await pilot.click(KeyLine, offset=(start + 2, 0))
        await settle(pilot)
        assert screen.show_panels and screen.query_one("#panels").region.area
        assert "Esc Chat" in screen_lines(app)[-1] or "esc Chat" in screen_lines(app)[-1]


async def test_the_palette_names_a_remapped_key(build) -> None:
    from test_tui_second_pass import _palette_entries

    app = build(lang="en", settings=Settings(keys={"panels": "f6"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await create_project(pilot, "remap")
        entries = await _palette_entries(pilot)
        assert any(e.startswith("Panels  F6") for e in entries), entries  # was F2, the default


async def test_at_80x24_a_toast_leaves_the_panels_tabs_readable(build) -> None:
    from textual.widgets import Tab

    app = build(lang="en")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await create_project(pilot, "tabs")
        await pilot.press("f2")
        await settle(pilot)
        app.notify("New pitfall: a very long pitfall title that would run over the whole top row")
        await pilot.pause(0.3)
        toast = next(t for t in screen.query(Toast) if t.region.area).region
        tabs = [tab.region for tab in screen.query(Tab) if tab.region.area]
        assert len(tabs) == 4 and not any(toast.overlaps(tab) for tab in tabs), (toast, tabs)
