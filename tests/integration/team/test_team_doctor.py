"""`coach doctor` in team mode: the database and the Chroma server are checked (reachable, version,
schema, embedding match) and a mismatch or an unreachable service is a failed check with a hint."""

from __future__ import annotations

import pytest

from cli.main import main

from ..team_services import Chroma, free_port


def test_doctor_checks_the_team_database_and_chroma_server(
    team_db: str, chroma_server: Chroma, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_server.url.rsplit(":", 1)[1]))
    for col in client.list_collections():
        client.delete_collection(col.name)
    monkeypatch.setenv("COACH_CHROMA_URL", chroma_server.url)
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    db_line = next(line for line in out.splitlines() if "Database / 团队数据库" in line)
    assert db_line.startswith("✓") and "PostgreSQL 15" in db_line and "schema 1" in db_line
    chroma_line = next(line for line in out.splitlines() if "Chroma server / 知识库服务器" in line)
    assert chroma_line.startswith("✓") and "Chroma " in chroma_line and "embedding" in chroma_line

    col = client.get_collection("builtin")  # indexed by the doctor's pack check
    col.modify(metadata={**(col.metadata or {}), "fingerprint": "another-embedder"})
    monkeypatch.setenv("COACH_DATABASE_URL", f"postgresql://coach@127.0.0.1:{free_port()}/coach")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "✗ Database / 团队数据库: PostgreSQL at postgresql://coach@127.0.0.1" in out
    assert "✗ Chroma server / 知识库服务器" in out and "another-embedder" in out
