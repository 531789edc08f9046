"""The TUI on the real engine: `graphs.session` on real SQLite under a temporary COACH_HOME.

Fake chat models (tests/fakes.py) stand in for the endpoint; the retriever searches the built-in
pack without Chroma, as the graph tests do.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from helpers import chat_text, question_id, settle
from textual.pilot import Pilot

from agent.config import Settings
from agent.types import Lang, Passage, Stage
from tui.app import CoachApp, make_app
from tui.backend import EngineFactory, Session
from tui.widgets.findings import FindingsPanel
from tui.widgets.question import QuestionPanel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fakes import ErrorChatModel

ANSWERS = {"choice": "1", "multi": "1,2", "yesno": "1", "number": "10", "text": "按计划推进，细节见附件"}
BANK = {
    "req.organisation": "某城市商业银行信用卡中心",
    "req.sector": "银行",
    "req.decision_maker": "否",
    "sel.deployment": "公有云",
    "dat.personal_data": "是",
}


class PackRetriever:
    def search(
        self,
        query: str,
        *,
        k: int = 5,
        stage: Stage | None = None,
        kind: str | None = None,
        scope: Any = "all",
        lang: Lang | None = None,
    ) -> list[Passage]:
        from graphs.asking import pack_search

        return pack_search(query, k=k, lang=lang or "zh")


class Engine(EngineFactory):
    """The real factory with a model and retriever injected at the seam."""

    def __init__(self, model: Any = None) -> None:
        self.model = model

    def open(
        self,
        name: str,
        *,
        lang: str,
        sector: str | None,
        settings: Settings | None,
        create: bool,
        depth: str = "standard",
    ) -> Session:
        from graphs.session import CoachSession

        return CoachSession.open(
            name,
            lang=lang,
            sector=sector,
            settings=Settings(max_retries=0),  # type: ignore[arg-type]
            model=self.model,
            retriever=PackRetriever(),
            create=create,
            depth=depth,  # type: ignore[arg-type]
        )


def _app(engine: Engine, lang: str = "zh") -> CoachApp:
    return make_app(lang=lang, session_factory=engine, settings=Settings())


async def _new(pilot: Pilot[int], name: str) -> None:
    await settle(pilot)
    await pilot.press("n")
    await pilot.pause()
    await pilot.press(*name, "enter")
    await settle(pilot)


async def _type(pilot: Pilot[int], text: str) -> None:
    panel = pilot.app.screen.query_one(QuestionPanel)
    panel.input.value = text
    await pilot.press("enter")
    await settle(pilot)


async def _drive(pilot: Pilot[int], until: str, overrides: dict[str, str], limit: int = 80) -> None:
    """Answer whatever is asked until question `until` is on screen."""
    for _ in range(limit):
        panel = pilot.app.screen.query_one(QuestionPanel)
        q = panel.question
        assert q is not None
        if q.id == until:
            return
        await _type(pilot, overrides.get(q.id, ANSWERS[q.type]))
    raise AssertionError(f"{until} never asked")


async def test_real_session_quit_and_resume_with_state_intact() -> None:
    app = _app(Engine())
    async with app.run_test(size=(80, 24)) as pilot:
        await _new(pilot, "银行客服")
        assert question_id(app) == "req.organisation"
        await _type(pilot, "某城市商业银行信用卡中心")
        assert question_id(app) == "req.sector"
        await pilot.press("1", "enter")  # finance, by digit
        await settle(pilot)
        asked = question_id(app)
        answers = dict(app.screen.snapshot.answers)
        assert answers["req.sector"].value == "finance"
        live = chat_text(app)
        await pilot.press("ctrl+q")
    app2 = _app(Engine())
    async with app2.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        row = app2.screen.query_one("DataTable").get_row_at(0)
        assert row[0] == "银行客服" and "需求分析" in row[1]
        await pilot.press("enter")
        await settle(pilot)
        assert question_id(app2) == asked
        snap = app2.screen.snapshot
        assert snap.answers.keys() == answers.keys()
        assert snap.answers["req.organisation"].raw == "某城市商业银行信用卡中心"
        # the conversation so far is replayed as it was shown, the choice by its label
        replay = chat_text(app2)
        said = [line for line in live.splitlines() if line.startswith(("◇ ", "你 › ", "已记录"))]
        assert len(said) == 6 and "你 › 金融（银行、证券、保险）" in said
        assert [line for line in replay.splitlines() if line in said] == said
        assert replay.index(said[-1]) < replay.index("已恢复项目")


async def test_real_session_finding_back_and_revise() -> None:
    app = _app(Engine())
    async with app.run_test(size=(120, 40)) as pilot:
        await _new(pilot, "风险项目")
        await _drive(pilot, "sel.deployment", BANK)
        panel = app.screen.query_one(FindingsPanel)
        before = set(panel.finding_ids)
        assert "privacy-sensitive-data-public-cloud" not in before
        await _drive(pilot, "dat.confidential_data", BANK)
        assert "privacy-sensitive-data-public-cloud" in panel.finding_ids
        assert any("新风险" in n.message for n in app._notifications)
        # back: the previous question again, with its current answer shown
        previous = app.screen.turn.question.id
        await _type(pilot, "/back")
        assert question_id(app) != previous
        # revise the deployment to private: the cloud finding goes away
        await _type(pilot, "/revise sel.deployment")
        assert question_id(app) == "sel.deployment"
        await _type(pilot, "私有化部署")
        await settle(pilot)
        assert app.screen.snapshot.answers["sel.deployment"].value == "private"
        assert "privacy-sensitive-data-public-cloud" not in panel.finding_ids


async def test_endpoint_failure_in_llm_mode_keeps_the_answer() -> None:
    app = _app(Engine(model=ErrorChatModel()))
    async with app.run_test(size=(80, 24)) as pilot:
        await _new(pilot, "离线端点")
        await _type(pilot, "某城市商业银行信用卡中心")
        screen = app.screen
        # the answer is recorded by guided behaviour, and the user is told in one line
        assert screen.snapshot.answers["req.organisation"].raw == "某城市商业银行信用卡中心"
        assert question_id(app) == "req.sector"
        notices = [n.message for n in app._notifications]
        assert notices, "the fallback must be announced"
        assert screen.snapshot.mode == "llm"
        assert "✘" not in chat_text(app)  # a fallback, not a crash
        status = str(screen.query_one("#status").render())
        assert "tokens" in status


async def test_enter_on_the_empty_box_confirms_the_inferred_sector() -> None:
    app = _app(Engine())
    async with app.run_test(size=(80, 24)) as pilot:
        await _new(pilot, "星河客服")
        await _type(pilot, "星河银行信用卡中心")
        assert question_id(app) == "req.sector"
        panel = app.screen.query_one(QuestionPanel)
        help_line = str(panel.query_one("#q-help").render())
        assert "推测：金融（银行、证券、保险）——回车" in help_line
        # on screen even when the question's own help is long (the box shows 3 lines at 80x24)
        assert help_line.startswith("推测："), "was last, below the fold in English at 120x40"
        assert panel.input.placeholder.startswith("回车确认：金融")
        assert not panel.input.value
        await pilot.press("enter")
        await settle(pilot)
        assert question_id(app) == "req.pain_points"
        rec = app.screen.snapshot.answers["req.sector"]
        assert (rec.value, rec.source) == ("finance", "confirmed")
        chat = chat_text(app)
        assert "你 › 金融（银行、证券、保险）" in chat and "已确认「行业」" in chat
        # without a suggestion, Enter on the empty box still sends nothing
        await pilot.press("enter")
        await settle(pilot)
        assert question_id(app) == "req.pain_points" and "req.pain_points" not in app.screen.snapshot.answers


async def test_enter_on_the_empty_box_keeps_the_answer_of_a_question_asked_again() -> None:
    app = _app(Engine())
    async with app.run_test(size=(80, 24)) as pilot:
        await _new(pilot, "回看项目")
        await _type(pilot, "某城市商业银行信用卡中心")
        await pilot.press("1", "enter")
        await settle(pilot)
        await _type(pilot, "客服高峰期排队长")
        assert question_id(app) == "req.scenario"
        await _type(pilot, "/back")
        assert question_id(app) == "req.pain_points"
        panel = app.screen.query_one(QuestionPanel)
        assert "当前答案：客服高峰期排队长（直接回车保留）" in str(panel.query_one("#q-help").render())
        assert panel.input.placeholder == "回车保留：客服高峰期排队长，或输入新的回答"
        # Enter keeps the answer and moves on (was: '请先选择或输入一个回答', stuck on the question)
        await pilot.press("enter")
        await settle(pilot)
        assert question_id(app) == "req.scenario"
        assert app.screen.snapshot.answers["req.pain_points"].raw == "客服高峰期排队长"
        chat = chat_text(app)
        assert "保留「业务痛点」的当前答案：客服高峰期排队长" in chat
        assert not any("请先选择" in n.message for n in app._notifications)
        # a choice asked again: Enter with nothing highlighted keeps it too
        await _type(pilot, "/revise req.sector")
        assert "回车保留：金融" in panel.input.placeholder
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.snapshot.answers["req.sector"].value == "finance"
        assert question_id(app) == "req.scenario"


async def test_the_preview_names_stale_deliverables_by_title_in_the_ui_language() -> None:
    app = _app(Engine())
    async with app.run_test(size=(120, 40)) as pilot:
        await _new(pilot, "预览项目")
        await _type(pilot, "某城市商业银行信用卡中心")
        await pilot.press("1", "enter")
        await settle(pilot)
        await _type(pilot, "客服高峰期排队长")
        await _type(pilot, "/revise req.pain_points")
        await _type(pilot, "坐席回复不一致")
        assert app.screen.snapshot.stale_deliverables
        app.screen.query_one("#panels").active = "tab-preview"
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        preview = app.screen.query_one("#preview").text
        stale_line = preview.splitlines()[0]
        # was: 'requirement_spec, dev_eval_plan, …' in the middle of a Chinese screen
        assert stale_line.startswith("⚠ 输入已变化") and "《需求规格说明书》" in stale_line
        assert "requirement_spec" not in stale_line


async def test_finding_evidence_names_the_question_each_answer_belongs_to() -> None:
    app = _app(Engine())
    async with app.run_test(size=(120, 40)) as pilot:
        await _new(pilot, "依据项目")
        await _drive(
            pilot, "req.target", {**BANK, "req.goal_metric": "平均处理时长", "req.baseline": "不知道"}
        )
        await _type(pilot, "明显缩短")
        panel = app.screen.query_one(FindingsPanel)
        bodies = "\n".join(w.source for w in panel.query(".body"))
        # was '- 明显缩短  (`req.target`)': which answer was it?
        assert "目标值：明显缩短" in bodies and "衡量指标：平均处理时长" in bodies, bodies
        # the "don't know" baseline is no evidence of the risk (issue 11): the target without a number is
        assert "基线值：不知道" not in bodies


async def test_a_dont_know_is_listed_as_not_yet_assessed_below_the_risks() -> None:
    app = _app(Engine())
    async with app.run_test(size=(120, 40)) as pilot:
        await _new(pilot, "依据项目")
        await _drive(pilot, "req.decision_maker", BANK)
        await _type(pilot, "不知道")
        panel = app.screen.query_one(FindingsPanel)
        titles = [str(w.title) for w in panel.query(".finding")]
        gaps = [w.source for w in panel.query(".gaps")]
        # issue 11: "don't know" whether the sponsor takes part is not a HIGH "decision-maker absent"
        assert not any("决策者未参与" in t for t in titles), titles
        assert len(gaps) == 1 and "尚未评估" in gaps[0] and "决策者未参与 PoC" in gaps[0], gaps
        assert panel.children[-1].has_class("gaps")
        await _type(pilot, "/revise req.decision_maker")
        await _type(pilot, "没有")
        titles = [str(w.title) for w in panel.query(".finding")]
        assert any("决策者未参与" in t for t in titles), titles
        assert not [w for w in panel.query(".gaps") if "决策者" in w.source]


async def test_slash_ask_on_an_english_screen_answers_from_the_english_guidance() -> None:
    app = _app(Engine(), lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await _new(pilot, "Bank pilot")
        asked = question_id(app)
        await _type(pilot, "/ask What is the difference between RAG and fine-tuning?")
        text = chat_text(app)
        assert "Unknown command" not in text and "What the guidance says:" in text
        answer = text[text.index("What the guidance says:") :]
        assert "RAG" in answer and not re.search(r"[\u4e00-\u9fff]", answer)
        assert question_id(app) == asked, "a question is not an answer"
