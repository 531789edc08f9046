"""Clean text out: a project name carrying escape sequences, control characters and bidi overrides
goes through `coach run` and reaches neither stdout, the Markdown, the HTML, the DOCX nor a file
name; notices say what happened in the user's words, never an exception's name."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
import yaml

from agent.cleantext import clean_text
from cli.main import main
from graphs.session import CoachSession

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bank_customer_service.yaml"
HOSTILE = "星河\x1b]0;pwned\x07银行\x1b[2J\x1b[H\x00\r\x9b31m\u202eevil\u202c\x08助手"
BAD = ("\x1b", "\x07", "\x00", "\r", "\x9b", "\u202e", "\u202c", "\x08", "]0;pwned", "[2J")


def _clean(text: str, where: str) -> None:
    for bad in BAD:
        assert bad not in text, f"{bad!r} reached {where}"


def test_clean_text_keeps_text_and_drops_controls() -> None:
    assert clean_text(HOSTILE) == "星河银行31mevil助手"
    assert clean_text("行一\n\t行二 é 中文") == "行一\n\t行二 é 中文", "tab, newline and letters stay"


def test_hostile_project_name_through_coach_run(
    coach_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["project"]["name"] = HOSTILE
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"

    assert main(["run", "--answers", str(answers), "--out", str(out), "--format", "md,html,docx,json"]) == 0
    captured = capsys.readouterr()
    _clean(captured.out, "stdout")
    _clean(captured.err, "stderr")
    assert "星河银行" in captured.out, "the name itself is still shown"

    files = sorted(out.iterdir())
    assert len(files) > 10
    for path in files:
        _clean(path.name, "a file name")
        if path.suffix in (".md", ".html", ".json"):
            _clean(path.read_text(encoding="utf-8"), path.name)
        elif path.suffix == ".docx":
            _clean("\n".join(p.text for p in docx.Document(str(path)).paragraphs), path.name)
    md = next(p for p in files if p.suffix == ".md").read_text(encoding="utf-8")
    assert "星河银行" in md


class BrokenRetriever:
    """A knowledge base failing as the one the issue saw ("IndexError: list index out of range")."""

    def search(self, query: str, **_: object) -> list[object]:
        return [][0]  # type: ignore[no-any-return]


def test_a_failed_search_is_told_in_the_users_words(coach_home: Path) -> None:
    session = CoachSession.open("notice-project", retriever=BrokenRetriever())
    try:
        turn = session.send("/ask 如何降低专业领域的大模型幻觉？")
    finally:
        session.close()
    assert turn.notice and "内置知识包" in turn.notice, turn.notice
    assert "IndexError" not in turn.notice and "list index" not in turn.notice
    answers = [m for m in turn.messages if m.kind == "answer"]
    assert answers and answers[0].citations, "the built-in guidance answers instead"
