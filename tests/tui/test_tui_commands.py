"""The whole command table, every spelling in both languages (`/ask`, `/跳过`, `/导出`…), works
the same typed in the TUI (Pilot, real engine) as sent by a script to a session: the same reply,
the same next question, and a front-end command does what it says in the TUI.

Was: the TUI parsed commands itself and answered "未知命令" to `/ask …` and `/跳过`.
"""

from __future__ import annotations

import pytest
from helpers import settle
from test_tui_real_session import Engine, PackRetriever, _app, _new, _type

from agent.config import Settings
from agent.interview.commands import COMMANDS
from agent.snapshot import TurnResult
from graphs.session import CoachSession
from tui.screens.dialogs import HelpScreen
from tui.screens.export import ExportScreen
from tui.screens.interview import InterviewScreen

ARGS = {"revise": "req.organisation", "stage": "requirements", "ask": "什么是RAG？"}


def _inputs() -> list[str]:
    """Every spelling of every command, with an argument where it takes one."""
    out = []
    for spec in COMMANDS:
        for word in (spec.name, *spec.aliases):
            arg = ARGS.get(spec.name)
            out.append(f"/{word} {arg}" if arg else f"/{word}")
    return out


def _seen(turn: TurnResult) -> tuple[object, ...]:
    """What a user notices of a turn."""
    question = turn.question.id if turn.question else None
    return question, [m.text for m in turn.messages], turn.action


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_command_works_the_same_in_the_tui_and_from_a_script(lang: str) -> None:
    script = CoachSession.open(
        "脚本",
        lang=lang,
        settings=Settings(max_retries=0),
        retriever=PackRetriever(),  # type: ignore[arg-type]
        depth="standard",  # what the TUI's new-project dialog proposes
    )
    app = _app(Engine(), lang)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await _new(pilot, "界面")
            screen = app.screen
            assert isinstance(screen, InterviewScreen)
            for first in ("某城市商业银行信用卡中心", "1"):  # something to go back to
                await _type(pilot, first)
                script.send(first)
            for text in _inputs():
                ui_lang = app.lang
                await _type(pilot, text)
                expected = script.send(text)
                assert screen.turn is not None
                assert _seen(screen.turn) == _seen(expected), text
                replies = " ".join(m.text for m in expected.messages)
                assert "未知命令" not in replies and "Unknown command" not in replies, text
                action = expected.action
                if action == "help":
                    assert isinstance(app.screen, HelpScreen), text
                    app.pop_screen()
                elif action == "export":
                    assert isinstance(app.screen, ExportScreen), text
                    app.pop_screen()
                elif action == "sources":
                    assert str(screen.query_one("#panels").active) == "tab-sources", text
                elif action == "lang":
                    assert app.lang != ui_lang, text
                else:
                    assert action is None and expected.messages, text
                await settle(pilot)
                assert app.screen is screen
    finally:
        script.close()


def test_an_unknown_command_is_told_as_such_by_the_step() -> None:
    script = CoachSession.open("未知", lang="zh", retriever=PackRetriever())  # type: ignore[arg-type]
    try:
        turn = script.send("/飞")
        assert [m.kind for m in turn.messages] == ["error"] and "未知命令「/飞」" in turn.messages[0].text
    finally:
        script.close()
