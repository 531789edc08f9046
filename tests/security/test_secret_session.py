"""The API key never reaches the session store, logs, notices, exports or report.json, even when the
endpoint quotes it back in its error messages; export paths stay inside the chosen directory."""

from __future__ import annotations

import contextlib
import io
import logging
from pathlib import Path

import pytest
from faults.server import MODEL, FaultServer, Mode

from cli.main import main
from graphs.asking import pack_search
from graphs.session import CoachSession

from .secrets import API_KEY, leaking_files, leaks

pytestmark = pytest.mark.allow_model_calls
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bank_customer_service.yaml"


class PackRetriever:
    def search(self, query: str, *, k: int = 5, **_: object) -> list[object]:
        return pack_search(query, k=k)


def _llm_env(monkeypatch: pytest.MonkeyPatch, server: FaultServer, home: Path) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("COACH_MODEL", MODEL)
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("timeout_s = 2.0\nmax_retries = 0\n", encoding="utf-8")


@pytest.mark.parametrize("mode", ["unauthorized", "ok"])
def test_session_store_logs_notices_and_exports_hold_no_key(
    mode: Mode,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    coach_home: Path,
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "export"
    with FaultServer(mode) as server:
        _llm_env(monkeypatch, server, coach_home)
        session = CoachSession.open("secret-project", retriever=PackRetriever())
        notices: list[str] = []
        try:
            turn = session.send("星河银行信用卡中心，客服约三百人。")
            notices.append(turn.notice or "")
            turn = session.send("/ask 如何降低幻觉？")
            notices.append(turn.notice or "")
            texts = [m.text for m in turn.messages]
        finally:
            session.close()
        assert server.request_count >= 1
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(["export", "secret-project", "--out", str(out), "--format", "md,html,json"])
    assert code == 0, stderr.getvalue()
    if mode == "unauthorized":
        assert any(notices), "the failure was told"
    assert leaks("\n".join(notices + texts)) == [], "a notice or message shows the key"
    assert leaks(stdout.getvalue() + stderr.getvalue()) == []
    assert leaks(caplog.text) == [], "the key reached the logs"
    assert leaking_files(coach_home) == {}, "the key is in COACH_HOME (session store, config…)"
    assert leaking_files(out) == {}, "the key is in an export or report.json"


def test_coach_run_against_an_echoing_endpoint_keeps_the_key_out_of_everything(
    monkeypatch: pytest.MonkeyPatch, coach_home: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "run"
    with FaultServer("unauthorized") as server:
        _llm_env(monkeypatch, server, coach_home)
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(["run", "--answers", str(EXAMPLE), "--out", str(out), "--format", "md,json"])
        assert server.request_count >= 1
    assert code == 0, stderr.getvalue()
    assert leaks(stdout.getvalue() + stderr.getvalue() + caplog.text) == []
    assert leaking_files(out) == {}
    assert leaking_files(coach_home) == {}


@pytest.mark.parametrize(
    "name", ["../../escaped", "/etc/evil", "..", "a/../../b", "C:\\Windows\\x", "name\x00.md", "CON"]
)
def test_export_file_names_cannot_escape_the_chosen_directory(
    name: str, tmp_path: Path, coach_home: Path
) -> None:
    """The project name becomes part of every file name: it must never become a path."""
    import yaml

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["project"]["name"] = name
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "deep" / "out"
    before = {p for p in tmp_path.rglob("*")}
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        code = main(["run", "--answers", str(answers), "--out", str(out), "--format", "md,json"])
    assert code in (0, 2), stderr.getvalue()
    created = {p for p in tmp_path.rglob("*")} - before
    # COACH_HOME (the test's, under tmp_path) holds the export's staging journal: the coach's own state
    created = {p for p in created if p != coach_home and coach_home not in p.parents}
    outside = [p for p in created if out not in p.parents and p != out and p not in out.parents]
    assert outside == [], f"files written outside --out: {outside}"
    if code == 0:
        assert all(p.parent == out for p in out.iterdir()), "no sub-directories from the name"
