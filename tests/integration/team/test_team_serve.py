"""`coach serve` in a real browser: Debian's Chromium, headless, loads the page from 127.0.0.1 (no
asset from the internet), the project screen appears, a project is created and an answer typed in
the page is recorded in the team's store. The screenshots are kept next to the test's tmp files."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graphs.session import CoachSession

from ..team_services import free_port
from .browser import BrowserUnavailable, Chromium

NAME = "浏览器项目"
ANSWER = "华东某城市商业银行信用卡中心"


def _unavailable(message: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture
def served(team_db: str, coach_home: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    import httpx

    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise AssertionError((tmp_path / "serve.log").read_text())
    yield url, proc.pid
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_the_page_loads_nothing_from_the_internet(served: tuple[str, int]) -> None:
    import httpx

    page = httpx.get(served[0]).text
    assert "fonts.googleapis.com" not in page
    assert not re.findall(r"(?:href|src)=\"https?://(?!127\.0\.0\.1)", page), "every asset from this server"
    for asset in re.findall(r"(?:href|src)=\"(http://127\.0\.0\.1[^\"]+)\"", page):
        assert httpx.get(asset).status_code == 200, asset
    font = re.search(r"url\(\"(http://127\.0\.0\.1[^\"]+\.ttf)\"\)", page)
    assert font and httpx.get(font.group(1)).status_code == 200
    assert "WenQuanYi Micro Hei Mono" in page, "a CJK fallback is named"


def test_an_answer_typed_in_the_browser_is_recorded(served: tuple[str, int], tmp_path: Path) -> None:
    try:
        browser = Chromium()
    except BrowserUnavailable as exc:
        _unavailable(f"browser test: {exc}")
        raise
    try:
        asyncio.run(_drive(browser, served[0], served[1], tmp_path))
    finally:
        browser.close()


def _tab_processes(server_pid: int) -> list[int]:
    """The coach processes textual-serve started for browser tabs (its descendants running the TUI)."""
    parent: dict[int, int] = {}
    argv: dict[int, list[bytes]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
                argv[int(entry.name)] = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            found = re.search(r"^PPid:\s+(\d+)", status, re.M)
            parent[int(entry.name)] = int(found.group(1)) if found else 0

    def descends(pid: int) -> bool:
        for _ in range(10):
            pid = parent.get(pid, 0)
            if pid == server_pid:
                return True
        return False

    return [pid for pid, args in argv.items() if descends(pid) and b"cli" in args and b"serve" not in args]


async def _drive(browser: Chromium, url: str, server_pid: int, shots: Path) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as http:
        page = await browser.open(http, url)
        await _until(page, "document.body.classList.contains('-first-byte')", 90)
        await asyncio.sleep(3)  # the picker finishes drawing
        await page.screenshot(shots / "1-picker.png")
        await page.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        await page.type_text("n")
        await asyncio.sleep(2)
        await page.type_text(NAME)
        await page.press_enter()
        await _created(90)  # the tab's session opened the project in the team database
        await asyncio.sleep(3)
        await page.screenshot(shots / "2-question.png")
        await page.type_text(ANSWER)
        recorded = False
        for _ in range(6):  # an Enter pressed while the engine is still loading is not taken
            await page.press_enter()
            if recorded := await _recorded(15):
                break
        await page.screenshot(shots / "3-recorded.png")
        assert recorded, f"the typed answer was not recorded; see {shots}"
        tab1 = _tab_processes(server_pid)
        second = await browser.open(http, url)  # a colleague's tab: its own coach process
        await _until(second, "document.body.classList.contains('-first-byte')", 90)
        await asyncio.sleep(5)
        await second.screenshot(shots / "4-second-tab.png")  # its picker lists the first tab's project
        tab2 = _tab_processes(server_pid)
        print("screenshots:", shots)
    assert len(tab1) == 1 and len(tab2) == 2, (tab1, tab2)


async def _until(page, expression: str, seconds: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not await page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        await asyncio.sleep(0.5)


async def _created(seconds: float) -> None:
    from graphs.session import list_projects

    deadline = time.monotonic() + seconds
    while NAME not in {p.name for p in list_projects()}:
        assert time.monotonic() < deadline, "the browser tab never opened the project"
        await asyncio.sleep(1)


async def _recorded(seconds: float) -> bool:
    """The answer is in the team store (read while the browser's session holds the project)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            session = CoachSession.open(NAME, create=False)
        except Exception:
            await asyncio.sleep(1)
            continue
        try:
            if any(r.raw == ANSWER for r in session.snapshot().answers.values()):
                assert session.writer is not None, "the browser tab's session is the writer"
                return True
        finally:
            session.close()
        await asyncio.sleep(1)
    return False
