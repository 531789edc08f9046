"""One language per screen: every screen and dialog of the app, rendered in Chinese and in English,
read back as the terminal shows it, with user content (the chat, the question and its options,
project names, the fake engine's Chinese findings) left out. A Chinese screen carries no English
words but an allow-list (RAG, key names, format names…); an English one no Chinese characters but
the language switch's own "中文". Also every UI string, and the engine's parse errors."""

from __future__ import annotations

import re

import pytest
from fake_session import CITATION, PASSAGE, QUESTIONS, FakeFactory
from helpers import answer, create_project, screen_lines, settle

from agent.config import Settings
from tui.app import CoachApp
from tui.i18n import keys, t

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]")
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
ALLOWED_LATIN = {
    # names that stay Latin in Chinese text: techniques, formats, products, units
    *("RAG", "LLM", "PoC", "ROI", "API", "URL", "OpenAI", "Markdown", "Word", "HTML", "JSON", "PDF"),
    *("IT", "ERP", "tokens", "Token", "EN", "English"),
    # key names, as the footer and the help write them
    *("Ctrl", "Esc", "Enter", "PgUp", "PgDn", "Tab", "Space", "Del", "del", "esc", "tab", "enter"),
}
ALLOWED_CJK = {"中文"}  # the language switch offers the other language by its own name
USER_CONTENT = (
    "#chat",
    "#q-text",
    "#q-options",
    "#q-multi",
    "#projects",
    "#export-dir",
    ".overview",  # the phase checklist quotes the project's criteria in the project's language
)
CONTENT_STRINGS = sorted(
    {
        *(q[3] for q in QUESTIONS),
        *(label for q in QUESTIONS for _, label in q[4]),
        PASSAGE.title,
        PASSAGE.text,
        PASSAGE.section,
        CITATION.quote,
        "敏感数据使用公有云部署",
        "改为私有化部署，结合 RAG。",
        "public_cloud",
        "客服试点",
        "pilot",
    },
    key=len,
    reverse=True,
)


def foreign(text: str, lang: str) -> list[str]:
    """What in `text` is in the other language (after removing the fake engine's content, slash
    commands, which the help lists in both spellings, format placeholders, environment variables)."""
    for content in CONTENT_STRINGS:
        text = text.replace(content, " ")
    text = re.sub(r"/[a-z]+|\{[a-z_]+\}|\b[A-Z]+_[A-Z_]+\b", " ", text)  # env names: COACH_LANG
    if lang == "en":
        found = [m.group(0) for m in re.finditer(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]+", text)]
        return [f for f in found if f not in ALLOWED_CJK]
    return [w for w in WORD.findall(text) if w not in ALLOWED_LATIN]


def chrome(app: CoachApp) -> str:
    """The screen without user content; in a dialog, what the user typed is user content too."""
    typed = ("Input",) if app.screen.is_modal else ()
    return "\n".join(screen_lines(app, mask=USER_CONTENT + typed))


async def _screens(app: CoachApp, pilot) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(name, screen text) of every screen and dialog, walked through with keys."""
    shots: list[tuple[str, str]] = []

    async def shot(name: str, wait: float = 0.0) -> None:
        await pilot.pause(wait)
        shots.append((name, chrome(app)))

    await settle(pilot)
    await shot("picker (empty)")
    await pilot.press("n")
    await pilot.pause()
    await shot("new project")
    await pilot.press("escape")
    await create_project(pilot, "pilot")
    await shot("first question")
    await answer(pilot, "1", "enter")
    await shot("multi-choice")
    for keys_ in (["1"], ["5"], ["2"], ["1"]):
        await answer(pilot, *keys_, "enter")
    await shot("after a pitfall")
    await answer(pilot, *"这不是数字", "enter")  # a text answer: fine; then an unreadable number
    await pilot.press("f2")
    await settle(pilot)
    await shot("panels: pitfalls")
    await pilot.press("right")
    await settle(pilot)
    await shot("panels: deliverable")
    await pilot.press("right")
    await settle(pilot)
    await shot("panels: sources")
    await pilot.press("right")
    await settle(pilot)
    await shot("panels: stages")
    await pilot.press("escape")
    await pilot.press("ctrl+e")
    await shot("export", 0.2)
    await pilot.press("escape")
    await pilot.press("f1")
    await shot("help", 0.2)
    await pilot.press("escape")
    await pilot.press("f4")
    await shot("settings", 0.2)
    await pilot.press("escape")
    await pilot.press("ctrl+p")
    await shot("palette", 0.3)
    await pilot.press(*"zzzz")
    await shot("palette: no matches", 1.3)
    await pilot.press("escape")
    await pilot.press("ctrl+f")
    await pilot.press(*"zzzz")
    await shot("search: nothing found", 0.2)
    await pilot.press("escape")
    await pilot.press("ctrl+o")
    await settle(pilot)
    await shot("picker (one project)")
    return shots


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_screen_is_in_one_language(build, lang: str, size: tuple[int, int]) -> None:
    app = build(lang=lang)
    async with app.run_test(size=size) as pilot:
        shots = await _screens(app, pilot)
    problems = {name: found for name, text in shots if (found := foreign(text, lang))}
    assert not problems, problems


async def test_after_a_language_switch_the_panels_follow(build, factory: FakeFactory) -> None:
    """The findings panel was still English after switching to Chinese."""
    app = build(lang="en", settings=Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await create_project(pilot, "pilot")
        for keys_ in (["1"], ["1"], ["5"], ["2"], ["1"]):
            await answer(pilot, *keys_, "enter")
        assert "Evidence" in chrome(app)
        await pilot.press("ctrl+l")
        await settle(pilot)
        app.clear_notifications()
        await pilot.pause()
        text = chrome(app)
        assert "依据" in text and "建议" in text
        assert not foreign(text, "zh"), foreign(text, "zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_ui_string_is_in_its_language(lang: str) -> None:
    problems = {}
    for key in keys():
        if key in ("bind.lang", "palette.lang") or key.startswith("lang."):
            continue  # the switch names the other language in its own script
        found = foreign(t(key, lang), lang)
        if found:
            problems[key] = found
    assert not problems, problems
