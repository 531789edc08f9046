"""The TUI's second pass (issue 14): states readable without colour, keys and the palette, ids
hidden, layout measured at 80×24 and 120×40, the whole conversation on resume, search, the
sidebar's picture and words for a readiness drop. Pilot tests on the fake engine."""

from __future__ import annotations

import re

from fake_session import STORE, FakeFactory
from helpers import answer, chat_text, create_project, question_id, screen_lines, settle, text_of
from textual.command import CommandList
from textual.widgets import OptionList

from agent.config import Settings
from agent.snapshot import CoachMessage, QuestionView
from agent.types import Stage
from tui.messages import TurnReady
from tui.widgets.chat import HISTORY_SHOWN, ChatLog
from tui.widgets.question import QuestionPanel


def _text(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(screen_lines(app))


async def test_ticks_and_the_highlighted_option_read_without_colour(build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "ticks")
        await answer(pilot, "1", "enter")
        assert question_id(app) == "req.techniques"
        screen = _text(app)
        assert "[ ]   1. 检索增强（RAG）" in screen and "[ ]   3. 微调" in screen
        await pilot.press("down", "down", "space")
        await pilot.pause()
        screen = _text(app)
        assert "[x] ▸ 2. 智能体" in screen, screen  # ticked, and the row under the arrows marked
        assert "[ ]   1. 检索增强（RAG）" in screen
        await pilot.press("up")
        await pilot.pause()
        screen = _text(app)
        assert "[ ] ▸ 1. 检索增强（RAG）" in screen and "[x]   2. 智能体" in screen


async def test_a_single_choice_marks_the_option_under_the_arrows(build) -> None:
    app = build(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "marks")
        await pilot.press("down", "down")
        await pilot.pause()
        screen = _text(app)
        assert "▸ 2. 外部客户" in screen and "  1. 内部员工" in screen
        assert screen.count("▸") == 1


async def test_export_dialog_ticks_read_without_colour_and_it_fits_80x24(build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "export")
        await pilot.press("ctrl+e")
        await pilot.pause()
        screen = _text(app)
        assert "[x] Markdown" in screen and "[x] Word" in screen and "[ ] HTML" in screen
        dialog = app.screen.query_one("#export-dialog")
        go = app.screen.query_one("#go")
        assert dialog.region.bottom <= 24 and go.region.bottom < dialog.region.bottom, "buttons inside"
        app.screen.query_one("#fmt-html").toggle()
        await pilot.pause()
        assert "[x] HTML" in _text(app)


async def _palette_entries(pilot) -> list[str]:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)
    commands = pilot.app.screen.query_one(CommandList)
    return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]


async def test_the_palette_offers_every_command_with_its_key_in_the_ui_language(build) -> None:
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await create_project(pilot, "palette")
        entries = "\n".join(await _palette_entries(pilot))
        for expected in (
            "修改回答",
            "/修改",
            "跳到阶段",
            "/阶段",
            "提问",
            "/问",
            "导出  Ctrl+E · /导出",
            "侧栏  Ctrl+B",
            "搜索  Ctrl+F",
            "上一题  Ctrl+↑ · /返回",
            "帮助  F1",
            "退出  Ctrl+Q",
        ):
            assert expected in entries, (expected, entries)
        await pilot.press(*"zzzz")
        await pilot.pause(1.3)  # the palette waits a moment before saying nothing matched
        screen = _text(app)
        assert "没有匹配的命令" in screen and "No matches" not in screen
        # a command that needs an argument is put in the answer box, to be completed
        await pilot.press("escape")
        entries_list = await _palette_entries(pilot)
        await pilot.press(*"修改回答", "enter")
        await pilot.pause(0.3)
        assert app.screen.query_one(QuestionPanel).input.value == "/修改 ", entries_list


async def test_ctrl_b_toggles_the_sidebar_ctrl_up_goes_back_and_keys_remap(build) -> None:
    app = build(settings=Settings(keys={"sidebar": "f6"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await create_project(pilot, "keys")
        sidebar, chat = app.screen.query_one("#sidebar"), app.screen.query_one(ChatLog)
        width = chat.region.width
        assert sidebar.display
        await pilot.press("f6")  # remapped from Ctrl+B in config.toml's [keys]
        await pilot.pause()
        assert not sidebar.display and chat.region.width > width
        await pilot.press("f6")
        await pilot.pause()
        assert sidebar.display
        await answer(pilot, "1", "enter")
        assert question_id(app) == "req.techniques"
        await answer(pilot, "ctrl+up")
        assert question_id(app) == "req.target_users"
        await pilot.press("f1")
        await pilot.pause()
        help_text = app.screen.query_one("Markdown").source  # type: ignore[attr-defined]
        assert "| 按键 | 操作 |" in help_text and "| `F6` | 显示/隐藏阶段侧栏 |" in help_text
        assert "key | action" not in help_text and "| `Ctrl+L` | 切换界面语言 |" in help_text


async def test_identifiers_are_hidden_unless_asked_for(build) -> None:
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await create_project(pilot, "ids")
        for keys in (["1"], ["1"], ["5"], ["2"], ["1"]):
            await answer(pilot, *keys, "enter")
        assert "data.notes" not in text_of(app, "#q-head")
        body = app.screen.query_one("#findings .body")
        assert "部署方式" in body.source and "sel.deployment" not in body.source  # type: ignore[attr-defined]
        app.action_toggle_ids()  # the palette's "显示/隐藏内部编号"
        await settle(pilot)
        assert "data.notes" in text_of(app, "#q-head")
        body = app.screen.query_one("#findings .body")
        assert "`sel.deployment`" in body.source  # type: ignore[attr-defined]


def _long_question(n: int) -> QuestionView:
    return QuestionView(
        id="req.industry",
        stage=Stage.selection,
        text="所在行业？",
        type="choice",
        options=[(f"o{i}", f"选项 {i}") for i in range(1, n + 1)],
        index=3,
        total=12,
    )


async def test_at_80x24_the_chat_keeps_ten_lines_beside_a_long_option_list(build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "layout")
        panel = app.screen.query_one(QuestionPanel)
        panel.show(_long_question(12))
        await pilot.pause()
        chat = app.screen.query_one(ChatLog)
        assert chat.content_region.height >= 10, chat.content_region
        options = app.screen.query_one("#q-options", OptionList)
        assert options.region.height < 12  # the list scrolls…
        await pilot.press("1", "2")
        await pilot.pause()
        assert options.highlighted == 11
        assert "▸ 12. 选项 12" in _text(app)  # …to the option typed


async def test_toasts_never_cover_the_answer_box_or_the_status_bar(build) -> None:
    from textual.widgets._toast import Toast

    app = build()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await create_project(pilot, "toasts")
        for i in range(3):
            app.notify(f"新风险：一个很长的风险标题，足以换行显示在提示框里 {i}", severity="warning")
        await pilot.pause(0.3)
        toasts = list(app.screen.query(Toast))
        assert toasts
        keep_clear = [app.screen.query_one("#q-input").region, app.screen.query_one("#status").region]
        for toast in toasts:
            for region in keep_clear:
                assert not toast.region.overlaps(region), (toast.region, region)


async def test_at_120x40_the_chat_has_60_columns_and_the_header_keeps_whole_words(build) -> None:
    app = build(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await create_project(pilot, "wide")
        assert app.screen.query_one(ChatLog).region.width >= 60
        panel = app.screen.query_one(QuestionPanel)
        panel.show(_long_question(3).model_copy(update={"stage": Stage.data}))
        await pilot.pause()
        head = text_of(app, "#q-head")
        title = "Data preparation & knowledge governance"
        shown = head.removeprefix("Stage 3/7 ").split(" · ")[0].removesuffix("…")
        assert title.startswith(shown) and (shown == title or title[len(shown)] == " "), head
        assert app.screen.query_one("#q-head").size.height == 1


async def test_a_long_conversation_loads_as_the_user_scrolls_up(build, factory: FakeFactory) -> None:
    session = factory.open("long", lang="zh", sector=None, settings=None, create=True)
    session.send("1")
    STORE["long"]["transcript"] = [
        CoachMessage(kind="user" if i % 2 else "echo", text=f"消息 {i:03d}") for i in range(100)
    ]
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        replay = chat_text(app)
        assert "消息 099" in replay and f"消息 {100 - HISTORY_SHOWN:03d}" in replay
        assert f"消息 {99 - HISTORY_SHOWN:03d}" not in replay
        assert f"还有更早的 {100 - HISTORY_SHOWN} 条消息" in replay
        chat = app.screen.query_one(ChatLog)
        for _ in range(40):  # PgUp until the top: each time the top is reached, a batch loads
            await pilot.press("pageup")
            await settle(pilot)
            if not chat.unloaded:
                break
        replay = chat_text(app)
        assert "消息 000" in replay and "还有更早的" not in replay
        assert [replay.index(f"消息 {i:03d}") for i in (0, 40, 99)] == sorted(
            replay.index(f"消息 {i:03d}") for i in (0, 40, 99)
        )


async def test_search_reveals_a_message_not_loaded_yet(build, factory: FakeFactory) -> None:
    session = factory.open("findme", lang="zh", sector=None, settings=None, create=True)
    session.send("1")
    STORE["findme"]["transcript"] = [CoachMessage(kind="echo", text=f"记录 {i:03d}") for i in range(90)]
    STORE["findme"]["transcript"][3] = CoachMessage(kind="advice", text="关于向量数据库的建议")
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "向量数据库" not in chat_text(app)
        await pilot.press("ctrl+f")
        await pilot.pause()
        await pilot.press(*"向量")
        await pilot.pause()
        assert "找到 1 处" in _text(app)
        await pilot.press("enter")
        await settle(pilot)
        chat = app.screen.query_one(ChatLog)
        found = chat.query_one(".-found")
        assert "向量数据库" in found.source  # type: ignore[attr-defined]
        assert chat.scrollable_content_region.overlaps(found.region), "scrolled into view"


async def test_the_sidebar_draws_readiness_pitfalls_and_the_phase_checklist(build) -> None:
    from agent.snapshot import ExitCriterion

    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await create_project(pilot, "picture")
        for keys in (["1"], ["1"], ["5"], ["2"], ["1"]):
            await answer(pilot, *keys, "enter")
        screen = app.screen
        snap = screen.snapshot.model_copy(  # type: ignore[union-attr]
            update={
                "next_phase_criteria": [
                    ExitCriterion(id="goal", text="目标可衡量", met=True),
                    ExitCriterion(id="sponsor", text="决策者参与", met=False),
                ]
            }
        )
        screen.post_message(TurnReady(screen.turn, snapshot=snap))  # type: ignore[arg-type]
        await settle(pilot)
        sidebar = "\n".join(screen_lines(app, mask=("#main", "#panels")))
        assert "█████ 100%" in sidebar  # requirements answered
        assert "● 高 ■ 1" in sidebar and "◐ 中 0" in sidebar
        flat = re.sub(r"[│\s]", "", sidebar)  # the heading wraps in the 24-column sidebar
        assert "进入「概念验证（PoC）」还需：" in flat
        assert "[x] 目标可衡量" in sidebar and "[ ] 决策者参与" in sidebar


async def test_a_readiness_drop_is_explained_by_the_answer(build) -> None:
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await create_project(pilot, "drop")
        for keys in (["1"], ["1"], ["5"]):
            await answer(pilot, *keys, "enter")
        screen = app.screen
        lower = dict(screen.snapshot.readiness)  # type: ignore[union-attr]
        lower[Stage.requirements] = 60
        snap = screen.snapshot.model_copy(update={"readiness": lower})  # type: ignore[union-attr]
        turn = screen.turn.model_copy(update={"said": "不知道"})  # type: ignore[union-attr]
        screen.post_message(TurnReady(turn, sent="不知道", snapshot=snap))
        await settle(pilot)
        assert "准备度下降：需求 100% → 60%，因为对「部署方式？」的回答「不知道」。" in chat_text(app)


async def test_the_engine_wrap_up_is_not_followed_by_a_second_completion_message(build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "wrap")
        screen = app.screen
        done = screen.turn.model_copy(  # type: ignore[union-attr]
            update={
                "question": None,
                "done": True,
                "messages": [CoachMessage(kind="summary", text="访谈完成。现在可以导出交付物。")],
            }
        )
        screen.post_message(TurnReady(done, sent="1", snapshot=screen.snapshot))
        await settle(pilot)
        text = chat_text(app)
        assert text.count("访谈完成") == 1 and "访谈已完成。按 Ctrl+E" not in text


async def test_up_recalls_what_was_typed_when_no_options_are_shown(build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "history")
        await answer(pilot, "1", "enter")
        await answer(pilot, *"1,3", "enter")
        assert question_id(app) == "req.budget"  # a number: no options on screen
        box = app.screen.query_one(QuestionPanel).input
        await pilot.press(*"12")
        await pilot.press("up")
        assert box.value == "1,3"
        await pilot.press("up")
        assert box.value == "1"
        await pilot.press("down", "down")
        assert box.value == "12", "past the newest line, the draft comes back"


async def test_the_industry_list_stays_inside_the_new_project_dialog(build) -> None:
    from textual.widgets._select import SelectOverlay

    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("tab", "enter")  # from the name to the industry drop-down, opened
        await pilot.pause(0.3)
        overlay = app.screen.query_one(SelectOverlay)
        dialog = app.screen.query_one("#new-dialog")
        assert overlay.display and overlay.region.bottom < dialog.region.bottom, (
            overlay.region,
            dialog.region,
        )


async def test_the_picker_says_enter_resumes(build, factory: FakeFactory) -> None:
    factory.open("old", lang="zh", sector=None, settings=None, create=True)
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "回车继续" in _text(app)


async def test_a_multi_line_answer_ctrl_j_adds_a_line_and_enter_sends(build) -> None:
    from tui.widgets.answer_area import AnswerArea

    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "lines")
        for keys in (["1"], ["1"], ["5"], ["2"], ["1"]):
            await answer(pilot, *keys, "enter")
        assert question_id(app) == "data.notes"
        await pilot.press(*"客服工单")
        await pilot.press("ctrl+j")
        await pilot.pause()
        area = app.screen.query_one(AnswerArea)
        assert area.display and app.focused is area
        await pilot.press(*"知识库文档")
        await pilot.press("ctrl+j", *"FAQ")
        await answer(pilot, "enter")
        assert STORE["lines"]["log"][-1] == "客服工单\n知识库文档\nFAQ"
        assert not area.display and app.focused is app.screen.query_one(QuestionPanel).input
        assert "知识库文档" in chat_text(app)
