"""The shared knowledge base on a real `chroma run` server: add and search through the server, a
second client sees the first one's documents, and a client with another embedder or pack is refused."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from agent.config import load_settings
from agent.errors import StorageError
from knowledge.store import KnowledgeBase

from ..team_services import Chroma


@pytest.fixture
def team_chroma(chroma_server: Chroma, monkeypatch: pytest.MonkeyPatch) -> Chroma:
    """COACH_CHROMA_URL set, and the server's collections emptied for this test."""
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_server.url.rsplit(":", 1)[1]))
    for col in client.list_collections():
        client.delete_collection(col.name)
    monkeypatch.setenv("COACH_CHROMA_URL", chroma_server.url)
    return chroma_server


def test_documents_added_by_one_client_are_found_by_another(
    team_chroma: Chroma, tmp_path: Path, coach_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = tmp_path / "差旅报销制度.md"
    marker = f"报销审批码{uuid.uuid4().hex[:6]}"
    doc.write_text(
        f"# 差旅报销制度\n\n大模型客服上线前，{marker}：客户数据不得出境，须经法务审批。\n", encoding="utf-8"
    )
    first = KnowledgeBase.open(load_settings())
    report = first.add_paths([doc])
    assert report.added and not report.failed
    assert not (coach_home / "kb" / "chroma" / "chroma.sqlite3").exists(), "nothing in an embedded store"

    monkeypatch.setenv("COACH_HOME", str(tmp_path / "colleague"))  # another person's machine
    second = KnowledgeBase.open(load_settings())
    assert [d.name for d in second.list_documents()] == ["差旅报销制度.md"]
    hits = second.search(f"{marker} 客户数据出境", k=3, scope="org")
    assert hits and marker in hits[0].text
    assert second.ensure_builtin() > 100, "the built-in pack is on the server too"
    builtin = second.search("私有化部署 数据安全", k=3, scope="builtin")
    assert builtin and all(p.source for p in builtin)


def test_a_client_with_another_embedding_model_is_refused_not_reindexing(
    team_chroma: Chroma, tmp_path: Path
) -> None:
    kb = KnowledgeBase.open(load_settings())
    n = kb.ensure_builtin()
    col = kb.index.client.get_collection("builtin")
    ours = (col.metadata or {})["fingerprint"]
    col.modify(metadata={**(col.metadata or {}), "fingerprint": "someone-elses-embedder"})

    other = KnowledgeBase.open(load_settings())
    with pytest.raises(StorageError, match="embedding model someone-elses-embedder") as err:
        other.search("数据安全", k=3)
    assert "向量模型" in str(err.value) and err.value.hint
    after = kb.index.client.get_collection("builtin")
    assert (after.metadata or {})["fingerprint"] == "someone-elses-embedder" and after.count() == n, (
        "the shared collection is left as it was"
    )
    assert ours != "someone-elses-embedder"


def test_a_client_with_another_guidance_pack_is_refused(team_chroma: Chroma) -> None:
    kb = KnowledgeBase.open(load_settings())
    kb.ensure_builtin()
    col = kb.index.client.get_collection("builtin")
    col.modify(metadata={**(col.metadata or {}), "pack_hash": "0123456789abcdef"})
    with pytest.raises(StorageError, match="guidance pack 0123456789ab"):
        KnowledgeBase.open(load_settings()).ensure_builtin()


def test_an_unreachable_server_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from ..team_services import free_port

    monkeypatch.setenv("COACH_CHROMA_URL", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StorageError, match="Cannot reach the Chroma server"):
        KnowledgeBase.open(load_settings())


class _TokenProxy:
    """A reverse proxy in front of the Chroma server that wants `Authorization: Bearer <token>` (what
    a team puts in front of it; the server has no authentication of its own)."""

    def __init__(self, upstream: str, token: str) -> None:
        import http.server
        import threading

        import httpx

        proxy = self
        self.refused = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def _forward(self) -> None:
                if self.headers.get("Authorization") != f"Bearer {token}":
                    proxy.refused += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "authorization")
                }
                resp = httpx.request(self.command, upstream + self.path, content=body, headers=headers)
                self.send_response(resp.status_code)
                for k, v in resp.headers.items():
                    if k.lower() not in (
                        "transfer-encoding",
                        "content-length",
                        "connection",
                        "content-encoding",
                    ):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(resp.content)))
                self.end_headers()
                self.wfile.write(resp.content)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_the_token_reaches_a_proxy_in_front_of_the_server(
    team_chroma: Chroma, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = _TokenProxy(team_chroma.url, "team-secret")
    try:
        monkeypatch.setenv("COACH_CHROMA_URL", proxy.url)
        with pytest.raises(StorageError, match="Cannot reach the Chroma server"):
            KnowledgeBase.open(load_settings())  # no token: the proxy says 401
        assert proxy.refused >= 1
        monkeypatch.setenv("COACH_CHROMA_TOKEN", "team-secret")
        refused = proxy.refused
        kb = KnowledgeBase.open(load_settings())
        assert kb.ensure_builtin() > 100
        assert kb.search("数据安全 私有化部署", k=2)
        assert proxy.refused == refused, "every request carried the token"
    finally:
        proxy.close()
