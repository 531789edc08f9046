"""The TUI on the real engine: an answer the coach cannot read for certain is shown back with the
candidates as numbered choices, and the one the user picks is recorded as confirmed."""

from __future__ import annotations

from helpers import chat_text, question_id, settle
from test_tui_real_session import BANK, Engine, _app, _drive, _new, _type
from textual.widgets import OptionList

from tui.widgets.question import QuestionPanel


async def test_a_spoken_range_is_asked_back_and_the_pick_recorded() -> None:
    app = _app(Engine())
    app.default_depth = "full"  # the budget question is asked at every depth only in a full interview
    async with app.run_test(size=(80, 24)) as pilot:
        await _new(pilot, "预算读数")
        await _drive(pilot, "req.budget", BANK)
        await _type(pilot, "两三百万")
        assert question_id(app) == "req.budget"
        assert "我不确定“两三百万”的意思" in chat_text(app)
        assert "req.budget" not in app.screen.snapshot.answers  # nothing recorded yet
        panel = app.screen.query_one(QuestionPanel)
        options = panel.query_one("#q-options", OptionList)
        shown = [str(options.get_option_at_index(i).prompt).strip(" ▸") for i in range(options.option_count)]
        assert shown == ["1. 200 万元", "2. 300 万元"]
        await pilot.press("2", "enter")
        await settle(pilot)
        assert question_id(app) != "req.budget"
        rec = app.screen.snapshot.answers["req.budget"]
        assert (rec.value, rec.source, rec.raw) == (300, "confirmed", "两三百万")
        assert "已确认「预算」：300 万元" in chat_text(app)
        assert "你 › 300 万元" in chat_text(app)  # the transcript keeps the value picked, not "2"
