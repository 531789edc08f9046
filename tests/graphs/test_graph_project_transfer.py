"""`coach projects export NAME FILE` / `import FILE`: a project moves whole (answers, the pending
question, its place) and a damaged, foreign or clashing archive is refused with a clear message."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from graph_helpers import answer_for

from cli.main import main
from graphs.session import CoachSession


def _answered(session: CoachSession, n: int) -> list[str]:
    ids = []
    for _ in range(n):
        q = session.current().question
        assert q is not None
        session.send(answer_for(q))
        ids.append(q.id)
    return ids


def test_an_exported_project_imports_whole_and_resumes_where_it_stopped(
    open_session: Callable[..., CoachSession],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = open_session("搬家项目")
    answered = _answered(session, 4)
    pending = session.current().question
    said = [m.text for m in session.transcript()]
    session.close()
    archive = tmp_path / "搬家项目.coach.gz"
    assert main(["projects", "export", "搬家项目", str(archive)]) == 0
    assert "已导出项目「搬家项目」" in capsys.readouterr().out

    monkeypatch.setenv("COACH_HOME", str(tmp_path / "another-home"))  # another machine
    assert main(["projects", "import", str(archive)]) == 0
    assert "已导入项目「搬家项目」" in capsys.readouterr().out
    moved = open_session("搬家项目", create=False)
    assert list(moved.snapshot().answers) == answered
    assert pending is not None and moved.current().question is not None
    assert moved.current().question.id == pending.id  # type: ignore[union-attr]
    assert [m.text for m in moved.transcript()] == said, "the conversation comes along"
    more = _answered(moved, 1)
    assert list(moved.snapshot().answers) == [*answered, *more]
    moved.close()

    assert main(["projects", "import", str(archive)]) == 2, "the name is taken now"
    assert "已有名为「搬家项目」的项目" in capsys.readouterr().err
    assert main(["projects", "import", str(archive), "--as", "搬家项目（副本）"]) == 0
    capsys.readouterr()
    copy = open_session("搬家项目（副本）", create=False)
    assert list(copy.snapshot().answers) == answered, "the archive, not the project as it is now"


def test_a_damaged_or_foreign_archive_is_refused_and_nothing_is_imported(
    open_session: Callable[..., CoachSession], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = open_session("原项目")
    _answered(session, 2)
    session.close()
    archive = tmp_path / "p.coach.gz"
    assert main(["projects", "export", "原项目", str(archive)]) == 0
    doc = json.loads(gzip.decompress(archive.read_bytes()))

    edited = dict(doc, project={**doc["project"], "name": "篡改"})
    (tmp_path / "edited.gz").write_bytes(gzip.compress(json.dumps(edited).encode()))
    newer = dict(doc, version=99)
    (tmp_path / "newer.gz").write_bytes(gzip.compress(json.dumps(newer).encode()))
    (tmp_path / "plain.txt").write_text("not an archive", encoding="utf-8")
    capsys.readouterr()
    for name, expected in [
        ("edited.gz", "checksum mismatch"),
        ("newer.gz", "archive format version 99"),
        ("plain.txt", "not a project archive"),
        ("missing.gz", "no such file"),
    ]:
        assert main(["projects", "import", str(tmp_path / name)]) == 2, name
        assert expected in capsys.readouterr().err, name
    assert main(["projects", "--json"]) == 0
    assert [p["name"] for p in json.loads(capsys.readouterr().out)] == ["原项目"]
    assert main(["projects", "export", "没有这个", str(tmp_path / "x.gz")]) == 2
    assert "没有名为「没有这个」" in capsys.readouterr().err
