"""Pilot tests of the interview as a project lead goes through it (fake engine at the seam)."""

from __future__ import annotations

from pathlib import Path

from fake_session import STORE, FakeFactory
from helpers import answer, chat_text, create_project, question_id, settle, text_of

from agent.config import Settings
from tui.screens.export import ExportScreen
from tui.screens.interview import InterviewScreen
from tui.widgets.findings import FindingsPanel
from tui.widgets.question import QuestionPanel


async def test_create_project_and_answer_every_type(build, factory: FakeFactory) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_project(pilot, "pilot-a")
        assert question_id(app) == "req.target_users"
        await answer(pilot, "1", "enter")  # choice by digit
        assert STORE["pilot-a"]["answers"]["req.target_users"].value == "internal"
        assert question_id(app) == "req.techniques"
        await answer(pilot, "1", ",", "3", "enter")  # multi by numbers
        assert STORE["pilot-a"]["answers"]["req.techniques"].value == ["rag", "fine_tuning"]
        await answer(pilot, *"120", "enter")  # number
        assert STORE["pilot-a"]["answers"]["req.budget"].value == 120.0
        # the next stage is shown, and the user's answers were echoed in the chat by label
        assert question_id(app) == "sel.deployment"
        assert "阶段 2/7" in text_of(app, "#q-head")
        assert "内部员工" in chat_text(app)
        assert "检索增强（RAG）、微调" in chat_text(app)
        assert screen.snapshot is not None and screen.snapshot.readiness["requirements"] == 100


async def test_choice_by_arrow_keys_and_multi_by_space(build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "arrows")
        await answer(pilot, "down", "down", "enter")
        assert STORE["arrows"]["answers"]["req.target_users"].value == "external"
        await answer(pilot, "down", "space", "down", "down", "space", "enter")
        assert STORE["arrows"]["answers"]["req.techniques"].value == ["rag", "fine_tuning"]


async def test_choice_by_click(build) -> None:
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await create_project(pilot, "click")
        options = app.screen.query_one("#q-options")
        await pilot.click(options, offset=(3, 2))  # third line: "3. 两者都有"
        await settle(pilot)
        assert STORE["click"]["answers"]["req.target_users"].value == "both"


async def test_free_text_is_sent_as_typed(build, factory: FakeFactory) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "free")
        await answer(pilot, "/", *"stage data", "enter")
        await answer(pilot, "2", "enter")
        await answer(pilot, *"ERP 和工单系统", "enter")
        assert STORE["free"]["answers"]["data.notes"].raw == "ERP 和工单系统"


async def test_finding_appears_in_the_findings_panel(build) -> None:
    app = build()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await create_project(pilot, "risky")
        for keys in (["1"], ["1"], ["5"]):
            await answer(pilot, *keys, "enter")
        panel = screen.query_one(FindingsPanel)
        assert panel.finding_ids == []
        await answer(pilot, "2", "enter")  # public cloud
        await answer(pilot, "1", "enter")  # personal data: yes
        assert panel.finding_ids == ["privacy-public-cloud"]
        finding = panel.query_one("#finding-privacy-public-cloud")
        assert "敏感数据使用公有云部署" in str(finding.title)
        # evidence and advice are shown; citations are there, collapsed until asked for
        body = finding.query_one(".body")
        assert "部署方式" in body.source and "私有化部署" in body.source
        assert "sel.deployment" not in body.source, "ids are hidden unless asked for (show_ids)"
        citations = finding.query_one(".citations")
        assert citations.collapsed is True
        assert any(
            "privacy-public-cloud" not in n.message and "敏感数据" in n.message for n in app._notifications
        )


async def test_back_and_revise(build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "revise")
        await answer(pilot, "1", "enter")
        await answer(pilot, "2", "enter")
        assert question_id(app) == "req.budget"
        await answer(pilot, "ctrl+up")
        assert question_id(app) == "req.techniques"
        await answer(pilot, "/", *"revise req.target_users", "enter")
        assert question_id(app) == "req.target_users"
        await answer(pilot, "3", "enter")
        assert STORE["revise"]["answers"]["req.target_users"].value == "both"
        assert STORE["revise"]["log"][-3:] == ["/back", "/revise req.target_users", "3"]  # sent as typed


async def test_export_writes_the_deliverables_and_says_where(
    build, factory: FakeFactory, tmp_path: Path
) -> None:
    import docx

    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "exp")
        await answer(pilot, "1", "enter")
        await pilot.press("ctrl+e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        out = tmp_path / "out"
        dialog.query_one("#export-dir").value = str(out)
        dialog.query_one("#fmt-json").value = True
        await pilot.click("#go")
        await settle(pilot)
        names = sorted(p.name for p in out.iterdir())
        assert "report.json" in names
        for ext in ("md", "docx", "json"):
            assert any(n.endswith("." + ext) and n != "report.json" for n in names), ext
        assert not any(n.endswith(".html") for n in names)  # not ticked
        spec = next(out.glob("*需求规格说明书.docx"))
        assert "需求规格说明书" in "\n".join(p.text for p in docx.Document(str(spec)).paragraphs)
        result = str(dialog.query_one("#export-result").render())
        assert f"{len(names)}" in result and str(out) in result
        assert f"… 另有 {len(names) - 3} 个文件" in result, "was a bare '… +N'"
        assert dialog.query_one("ProgressBar").progress == 100
        await pilot.press("escape")
        assert isinstance(app.screen, InterviewScreen)


async def test_export_failure_is_shown_in_the_dialog(build, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "exp-fail")
        await pilot.press("ctrl+e")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#export-dir").value = str(blocker)
        await pilot.click("#go")
        await settle(pilot)
        result = str(dialog.query_one("#export-result").render())
        assert "导出失败" in result and "not a directory" in result
        assert blocker.read_text() == "not a directory"


async def test_quit_and_resume_with_state_intact(build, factory: FakeFactory) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "resume-me")
        await answer(pilot, "2", "enter")
        await answer(pilot, "1", "enter")
        await pilot.press("ctrl+q")
    assert factory.opened[-1].closed
    app2 = build()
    async with app2.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app2.screen.query_one("DataTable")
        assert table.row_count == 1
        assert "resume-me" in str(table.get_row_at(0)[0])
        await pilot.press("enter")
        await settle(pilot)
        assert question_id(app2) == "req.budget"
        assert "已恢复项目：已回答 2 题" in chat_text(app2)
        snap = app2.screen.snapshot
        assert snap.answers["req.target_users"].value == "external"


async def test_endpoint_failure_keeps_the_answer(build) -> None:
    failing = FakeFactory(fail=True)
    app = build(fake=failing)
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "llm")
        panel = app.screen.query_one(QuestionPanel)
        panel.input.value = "什么是RAG？"
        await answer(pilot, "enter")
        assert panel.input.value == "什么是RAG？"  # given back, not lost
        assert "endpoint unreachable" in chat_text(app)
        assert question_id(app) == "req.target_users"
        # the session goes on: the next answer works, with the one-line fallback notice
        panel.input.value = ""
        await answer(pilot, "1", "enter")
        assert STORE["llm"]["answers"]["req.target_users"].value == "internal"
        assert "guided mode for this turn" in chat_text(app)
        assert "fake-model" in str(app.screen.query_one("#status").render())


async def test_streamed_tokens_end_in_one_message(build) -> None:
    app = build(fake=FakeFactory(tokens=["RAG ", "是检索", "增强生成。"], delay=0.2))
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "stream")
        app.screen.query_one(QuestionPanel).input.value = "什么是RAG？"
        await answer(pilot, "enter")
        text = chat_text(app)
        assert text.count("RAG 是检索增强生成。") == 1
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        assert "《大模型落地应用案例集" in screen.query_one("#sources").text  # by title, not file name


async def test_sources_keep_the_latest_cited_reply_after_an_answer_or_command(build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_project(pilot, "sources")
        sources = screen.query_one("#sources")
        assert "还没有引用资料的回复" in sources.text and "什么是RAG" in sources.text
        screen.query_one(QuestionPanel).input.value = "什么是RAG？"
        await answer(pilot, "enter")
        await answer(pilot, "1", "enter")  # an answer that cites nothing
        await answer(pilot, *"/back", "enter")  # and a command
        await answer(pilot, *"/sources", "enter")
        # was: 'the last answer cited no passages', though the passages were one reply up
        assert "《大模型落地应用案例集" in sources.text and "最近一次引用的资料" in sources.text


def _footer_keys(app) -> list[str]:  # type: ignore[no-untyped-def]
    from tui.widgets.keybar import KeyLine

    return app.screen.query_one(KeyLine).descriptions()


async def test_the_footer_says_esc_returns_to_the_chat_while_the_panels_hide_it(build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "footer")
        assert "对话" not in _footer_keys(app) and "上一题" in _footer_keys(app)
        await answer(pilot, "f2")
        await pilot.pause()
        assert "对话" in _footer_keys(app), "was: no hint how to get back from the panels"
        assert "上一题" not in _footer_keys(app)  # the question is not on screen
        await answer(pilot, "escape")
        await pilot.pause()
        assert "对话" not in _footer_keys(app) and "上一题" in _footer_keys(app)
        assert app.screen.query_one(QuestionPanel).input.has_focus


async def test_busy_turn_refuses_a_second_answer(build) -> None:
    app = build(fake=FakeFactory(delay=0.5))
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "busy")
        await pilot.press("1", "enter")
        await pilot.pause(0.05)
        await pilot.press("2", "enter")
        await settle(pilot)
        assert STORE["busy"]["log"] == ["1"]  # sent as typed
        assert app.screen.query_one(QuestionPanel).input.value == "2"


async def test_remapped_key_opens_export(build) -> None:
    app = build(settings=Settings(keys={"export": "f9"}))
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "keys")
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)


async def test_question_heading_stays_on_one_line_beside_the_side_panels(build) -> None:
    app = build(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await create_project(pilot, "heading")
        await pilot.pause()
        head = app.screen.query_one("#q-head")
        text = text_of(app, "#q-head")
        # beside the side panels the chat keeps room for the whole header, ids hidden by default
        assert text == "Stage 1/7 Requirements & scenario · Question 1/3"
        assert head.size.height == 1, text


async def test_the_interview_is_announced_complete_once_not_after_every_input(build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "done")
        for keys in (["1"], ["1"], [*"80"], ["1"], ["1"], [*"ERP"]):
            await answer(pilot, *keys, "enter")
        assert question_id(app) is None
        assert chat_text(app).count("访谈已完成。按 Ctrl+E") == 1
        assert not app.screen.query_one("#q-head").display, "no blank line above '✔ 访谈已完成'"
        await answer(pilot, *"还有什么要做的", "enter")
        app.screen.query_one(QuestionPanel).input.value = "什么是RAG？"
        await answer(pilot, "enter")
        assert chat_text(app).count("访谈已完成。按 Ctrl+E") == 1, "was repeated after each input"


async def test_lang_switch_relabels_the_question(build) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "lang")
        assert "阶段 1/7" in text_of(app, "#q-head")
        await answer(pilot, "/", *"lang", "enter")
        assert "Stage 1/7 Requirements" in text_of(app, "#q-head")
        assert (
            "Export"
            in app.screen.query_one("Footer").app.screen._bindings.key_to_bindings["ctrl+e"][0].description
        )


async def test_panels_at_80x24_open_with_f2_switch_with_arrows_and_close_with_escape(build) -> None:
    app = build(lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await create_project(pilot, "narrow")
        chat = screen.query_one("#chat")
        assert chat.region.area and not screen.query_one("#panels").region.area  # chat only
        await pilot.press("f2")
        await pilot.pause()
        assert screen.query_one("#panels").region.area and not screen.query_one("#main").region.area
        await pilot.press("right")
        await pilot.pause()
        assert screen.query_one("#panels").active == "tab-preview"
        await settle(pilot)
        assert "## Requirements & scenario" in screen.query_one("#preview").text
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.show_panels
        assert app.focused is screen.query_one(QuestionPanel).input


async def test_resume_replays_the_conversation_up_to_the_current_question(
    build, factory: FakeFactory
) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "replay")
        await answer(pilot, "2", "enter")  # choice
        await answer(pilot, "1", " ", "2", "enter")  # multi: 1 2
        await answer(pilot, *"80", "enter")  # number
        await answer(pilot, "2", "enter")  # public cloud
        await answer(pilot, "1", "enter")  # personal data: the finding
        live = chat_text(app)
        await pilot.press("ctrl+q")
    app2 = build()
    async with app2.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        replay = chat_text(app2)
        assert question_id(app2) == "data.notes"
        # what the lead saw before quitting, in the same order, then where they are now
        for line in (
            "◇ 谁会使用这个系统？",
            "你 › 外部客户",
            "已记录：external",
            "你 › 检索增强（RAG）、智能体",
            "◇ 预算（万元）是多少？",
            "你 › 80",
            "你 › 公有云",
            "⚠ 敏感数据使用公有云",
            "已恢复项目：已回答 5 题",
        ):
            assert line in replay, line
        order = [replay.index(x) for x in ("外部客户", "80", "⚠ 敏感数据", "已恢复项目")]
        assert order == sorted(order)
        assert "更早的" not in replay
        # the replay reads like the live chat did
        assert replay.count("你 ›") == live.count("你 ›") == 5
        assert replay.count("◇ ") == live.count("◇ ") == 5
        # and F3 shows the sources of the finding, as before quitting
        assert "《大模型落地应用案例集" in app2.screen.query_one("#sources").text


async def test_lang_switch_survives_a_restart(build, factory: FakeFactory) -> None:
    from agent.config import config_path, load_settings
    from tui.app import make_app

    app = make_app(session_factory=factory)  # settings from COACH_HOME, as `coach` starts
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "lang")
        await answer(pilot, "/", *"lang", "enter")
        assert "Stage 1/7" in text_of(app, "#q-head")
        await pilot.press("ctrl+q")
    assert config_path().read_text(encoding="utf-8").strip() == 'lang = "en"'  # nothing else
    assert load_settings().lang == "en"
    app2 = make_app(session_factory=factory)
    async with app2.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app2.lang == "en"
        await pilot.press("enter")
        await settle(pilot)
        assert "Stage 1/7" in text_of(app2, "#q-head")
        await answer(pilot, "/", *"lang", "enter")
    assert load_settings().lang == "zh"


async def test_lang_switch_says_when_the_environment_will_override_it(build, monkeypatch) -> None:
    monkeypatch.setenv("COACH_LANG", "zh")
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert any("COACH_LANG=zh" in n.message for n in app._notifications)
