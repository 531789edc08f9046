"""Picker, settings, help, command palette, strings and the import contract."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from fake_session import STORE, FakeFactory
from helpers import create_project, settle
from pydantic import SecretStr
from rich.cells import cell_len
from textual.widgets import DataTable, Input, Select

from agent.config import Settings, config_path, load_settings
from tui.i18n import _strings
from tui.screens.dialogs import ConfirmScreen, HelpScreen
from tui.screens.picker import NewProjectScreen, PickerScreen
from tui.screens.settings import SettingsScreen

KEY = "sk-test-abcdefghijklmnop"


async def test_new_project_needs_a_name_and_a_unique_one(build, factory: FakeFactory) -> None:
    factory.open("taken", lang="zh", sector=None, settings=None, create=True)
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, NewProjectScreen)
        assert "请填写项目名称" in str(app.screen.query_one("#new-error").render())
        await pilot.press(*"taken", "enter")
        assert "已有同名项目" in str(app.screen.query_one("#new-error").render())
        await pilot.press("escape")
        assert isinstance(app.screen, PickerScreen)


async def test_new_project_name_with_control_or_undecodable_characters_is_refused_in_the_dialog(
    build,
) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        box = app.screen.query_one("#new-name", Input)
        for typed, said in (
            ("客服\x1b[31m试点", "不能包含控制字符"),  # a pasted escape sequence
            ("客服\ufffd\ufffd试点", "无法识别的字符"),  # bytes the terminal could not decode
        ):
            box.value = typed
            await pilot.press("enter")
            await pilot.pause()
            # the dialog stays open with the reason and the name to correct, nothing is created
            assert isinstance(app.screen, NewProjectScreen)
            assert said in str(app.screen.query_one("#new-error").render())
            assert box.value == typed and not STORE
        box.value = "客服试点🤖/二期"  # emoji and slashes are fine
        await pilot.press("enter")
        await settle(pilot)
        assert "客服试点🤖/二期" in STORE


async def test_the_new_project_dialog_chooses_the_interview_depth(factory: FakeFactory) -> None:
    from tui.app import make_app

    app = make_app(
        lang="zh", session_factory=factory, settings=Settings(), depth="quick"
    )  # coach --depth quick
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        depth = app.screen.query_one("#new-depth", Select)
        assert depth.value == "quick"  # what `coach --depth` proposes
        depth.value = "full"
        app.screen.query_one("#new-name", Input).value = "完整访谈"
        await pilot.press("enter")
        await settle(pilot)
        assert STORE["完整访谈"]["depth"] == "full"
    app = make_app(lang="zh", session_factory=factory, settings=Settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#new-name", Input).value = "默认深度"
        await pilot.press("enter")
        await settle(pilot)
        assert STORE["默认深度"]["depth"] == "standard"  # the default


async def test_a_long_project_name_leaves_every_column_and_the_readiness_on_screen(
    build, factory: FakeFactory
) -> None:
    long_name = "非常长的项目名称" * 10
    factory.open(long_name, lang="zh", sector=None, settings=None, create=True)
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[0].startswith("非常长的项目") and row[0].endswith("…")
        assert sum(col.get_render_width(table) for col in table.columns.values()) <= 78
        await pilot.press("enter")
        await settle(pilot)
        status = str(app.screen.query_one("#status").render())
        assert "就绪度" in status and cell_len(status) <= 80, status


async def test_the_picker_shows_when_a_project_was_updated_in_local_time(
    build, factory: FakeFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time
    from datetime import UTC, datetime

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        rows = [{"name": "北京项目", "lang": "zh", "updated_at": datetime(2026, 11, 22, 8, 0, tzinfo=UTC)}]
        factory.list_projects = lambda: rows  # type: ignore[method-assign]
        app = build()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            row = [str(cell) for cell in app.screen.query_one(DataTable).get_row_at(0)]
            assert row[3] == "11-22 16:00", row  # was 08:00, the UTC time it is stored in
    finally:
        monkeypatch.undo()
        time.tzset()


async def test_new_project_in_english_with_a_sector(build, factory: FakeFactory) -> None:
    app = build(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#new-name").value = "Bank assistant"
        dialog.query_one("#new-sector").value = "finance"
        await pilot.click("#create")
        await settle(pilot)
        assert STORE["Bank assistant"]["sector"] == "finance"
        assert "Stage 1/7" in str(app.screen.query_one("#q-head").render())


async def test_delete_asks_first(build, factory: FakeFactory) -> None:
    for name in ("keep", "drop"):
        factory.open(name, lang="zh", sector=None, settings=None, create=True)
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("DataTable")
        assert table.row_count == 2
        table.move_cursor(row=[r.name for r in app.screen.rows].index("drop"))
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # focus is on Cancel: nothing deleted
        await settle(pilot)
        assert set(STORE) == {"keep", "drop"}
        await pilot.press("delete")
        await pilot.pause()
        await pilot.click("#yes")
        await settle(pilot)
        assert set(STORE) == {"keep"}
        assert app.screen.query_one("DataTable").row_count == 1


async def test_back_to_projects_and_resume_another(build, factory: FakeFactory) -> None:
    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "first")
        await pilot.press("1", "enter")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert factory.opened[-1].closed
        row = app.screen.query_one("DataTable").get_row_at(0)
        assert row[0] == "first" and "1/7" in row[1] and row[2] == "5%"  # 1 of 3 answers in 1 of 7 stages
        assert STORE["first"]["sector"] is None


class _Models(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Models.seen.append(self.headers.get("Authorization", ""))
        body = json.dumps({"data": [{"id": "tiny-model"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def models_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Models)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


async def test_settings_never_show_the_key_and_test_the_connection(build, models_server: str) -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(f'api_key = "{KEY}"\nbase_url = "{models_server}"\nmodel = "tiny-model"\n')
    app = build(settings=load_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        key_input = screen.query_one("#set-key")
        assert key_input.value == "" and key_input.password
        assert KEY not in key_input.placeholder and "sk-…mnop" in key_input.placeholder
        await pilot.click("#test")
        await settle(pilot)
        result = str(screen.query_one("#set-result").render())
        assert "tiny-model" in result and KEY not in result
        assert _Models.seen[-1] == f"Bearer {KEY}"
        await pilot.click("#save")
        await settle(pilot)
    saved = load_settings()
    assert saved.base_url == models_server and saved.api_key and saved.api_key.get_secret_value() == KEY


async def test_settings_save_only_what_was_changed(
    build, models_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", models_server)  # from the environment: stays there
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('model = "tiny-model"\ntoken_budget = 5000\n')
    app = build(settings=load_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await pilot.pause()
        app.screen.query_one("#set-theme").value = "light"
        await pilot.click("#save")
        await settle(pilot)
    text = config_path().read_text()
    assert text.splitlines() == ['model = "tiny-model"', "token_budget = 5000", 'theme = "light"']


async def test_a_typed_key_is_saved_only_when_the_lead_agrees(build) -> None:
    import stat

    for agree in (False, True):
        app = build(settings=load_settings())
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("f4")
            await pilot.pause()
            screen = app.screen
            screen.query_one("#set-key").value = KEY
            screen.query_one("#set-model").value = "tiny-model"
            if agree:
                screen.query_one("#set-store-key").value = True
            await pilot.click("#save")
            await settle(pilot)
            # either way the key works for this run
            assert app.settings.api_key and app.settings.api_key.get_secret_value() == KEY
        saved = load_settings()
        assert saved.model == "tiny-model"
        if agree:
            assert saved.api_key and saved.api_key.get_secret_value() == KEY
            assert stat.S_IMODE(config_path().stat().st_mode) == 0o600
        else:
            assert saved.api_key is None and KEY not in config_path().read_text()


async def test_lang_switch_never_overwrites_a_broken_config(build) -> None:
    from tui.app import make_app

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("model = [unclosed\n")
    app = make_app(session_factory=FakeFactory())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # the 'settings could not be read' dialog
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert app.lang == "en"
        assert any("not saved" in n.message for n in app._notifications)
    assert config_path().read_text() == "model = [unclosed\n"


async def test_failed_connection_is_reported_without_the_key(build) -> None:
    app = build(settings=Settings(api_key=SecretStr(KEY), base_url="http://127.0.0.1:9/v1"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await pilot.pause()
        await pilot.click("#test")
        await settle(pilot)
        result = str(app.screen.query_one("#set-result").render())
        assert "连接失败" in result and "127.0.0.1:9" in result and KEY not in result


async def test_help_lists_commands_and_remapped_keys(build) -> None:
    app = build(lang="en", settings=Settings(keys={"export": "f9"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await create_project(pilot, "help")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("Markdown").source
        assert "/revise <id or name>" in text and "`F9`" in text and "Export the deliverables" in text


async def test_command_palette_runs_export(build) -> None:
    from tui.screens.export import ExportScreen

    app = build(lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await create_project(pilot, "palette")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Export")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)


async def test_command_palette_speaks_the_ui_language(build) -> None:
    from textual.command import CommandInput

    app = build()
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project(pilot, "palette")
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.query_one(CommandInput).placeholder.startswith("搜索命令")  # was English
        await pilot.press(*"导出")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        from tui.screens.export import ExportScreen

        assert isinstance(app.screen, ExportScreen)


def test_every_string_has_chinese_and_english() -> None:
    missing = [k for k, v in _strings().items() if not v.get("zh") or not v.get("en")]
    assert missing == []


def test_every_binding_has_an_id_a_tooltip_and_strings() -> None:
    from tui.app import CoachApp
    from tui.screens.interview import InterviewScreen
    from tui.screens.picker import PickerScreen

    for cls in (CoachApp, InterviewScreen, PickerScreen):
        for binding in cls.BINDINGS:
            assert binding.id and binding.tooltip, binding
            assert f"bind.{binding.id}" in _strings() and f"bind.{binding.id}.tip" in _strings()


def test_core_never_imports_textual() -> None:
    """Every module of the core imported for real (the CLI, a front end, now lives in cli/)."""
    code = (
        "import sys, importlib, pkgutil\n"
        "for pkg in ('agent', 'graphs', 'knowledge', 'prompts'):\n"
        "    mod = importlib.import_module(pkg)\n"
        "    for info in pkgutil.walk_packages(mod.__path__, pkg + '.'):\n"
        "        try: importlib.import_module(info.name)\n"
        "        except Exception: pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stderr[-2000:]


async def test_a_project_that_cannot_open_returns_to_the_picker_with_the_reason(build) -> None:
    from agent.errors import StorageError
    from tui.screens.dialogs import ErrorScreen

    class Broken(FakeFactory):
        def open(self, name, **kwargs):  # type: ignore[no-untyped-def,override]
            raise StorageError("sessions.sqlite is not a database / 会话库已损坏", hint="move it away")

    app = build(fake=Broken())
    async with app.run_test(size=(80, 24)) as pilot:
        await create_project_no_wait(pilot, "broken")
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "not a database" in str(app.screen.query("Static")[1].render())
        await pilot.press("enter")
        assert isinstance(app.screen, PickerScreen)


async def create_project_no_wait(pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("n")
    await pilot.pause()
    await pilot.press(*name, "enter")


def test_chinese_lines_break_between_characters_never_before_punctuation() -> None:
    import io

    from rich.console import Console
    from rich.markdown import Markdown
    from rich.text import Text

    from tui import cjk

    cjk.enable()
    notice = "已恢复项目：已回答 18 题，当前在「技术选型与架构设计」。"
    for width in range(12, 44):
        console = Console(width=width, record=True, file=io.StringIO())
        console.print(Text(notice))
        console.print(
            Markdown("依据：场景是“坐席在通话中实时检索产品条款并生成答复草稿”，行业为金融。Use RAG first.")
        )
        lines = [line.rstrip() for line in console.export_text().splitlines() if line.strip()]
        assert not any(line.startswith(tuple("，。、：」）”")) for line in lines), (width, lines)
        # a sentence is not pushed whole to the next line: the first line is filled
        assert len(lines[0]) >= (width - 2) // 2 - 1, (width, lines)
        assert "".join(lines).replace(" ", "").startswith(notice.replace(" ", ""))


def test_chinese_help_has_no_line_break_inside_a_paragraph() -> None:
    import re

    from tui.i18n import help_markdown

    text = help_markdown("zh", "")
    # Markdown joins the lines of a paragraph with a space: '运营。 每个回答…' on screen
    assert not re.search(r"[\u4e00-\u9fff。，：；）]\n[\u4e00-\u9fff（]", text)
    assert "空着直接回车即保留当前答案" in text
