"""The knowledge store on real Chroma: search, filters, idempotent ingestion, changes, removal."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import InputError
from agent.types import Stage
from knowledge.store import KnowledgeBase
from tests.knowledge.kb_helpers import SAMPLE_MD, write_doc

HALLUCINATION_SECTION = "避坑要点二：以“领域知识融合”对抗模型幻觉"


def test_builtin_search_finds_the_hallucination_pitfall_with_its_citation(kb: KnowledgeBase) -> None:
    hits = kb.search("如何降低大模型幻觉", k=3)
    assert hits, "no passage returned"
    ids = [h.id for h in hits]
    assert "pitfall-hallucination" in ids
    top = next(h for h in hits if h.id == "pitfall-hallucination")
    assert top.source == "003_829d98c82b09c91c.txt"
    assert top.section == HALLUCINATION_SECTION
    assert top.kb == "builtin" and top.kind == "pitfall"
    assert "幻觉" in top.text
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_english_and_colloquial_queries_reach_the_chinese_guidance(kb: KnowledgeBase) -> None:
    assert "pitfall-hallucination" in [h.id for h in kb.search("the model makes things up", k=3)]
    assert "poc-steps" in [h.id for h in kb.search("steps of a proof of concept", k=3)]


def test_stage_filter_keeps_only_passages_of_that_stage(kb: KnowledgeBase) -> None:
    hits = kb.search("需要关注什么", k=8, stage=Stage.operations, scope="builtin")
    assert hits
    assert all(Stage.operations in h.stages for h in hits)
    unfiltered = kb.search("需要关注什么", k=8, scope="builtin")
    assert any(Stage.operations not in h.stages for h in unfiltered)


def test_kind_filter_keeps_only_that_kind(kb: KnowledgeBase) -> None:
    hits = kb.search("成本", k=5, kind="case")
    assert hits and all(h.kind == "case" for h in hits)
    assert "pitfall-cost-case" in [h.id for h in hits]


def test_user_chunks_compete_under_a_stage_filter_but_not_under_another_kind(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    kb.add_paths([write_doc(tmp_path, "rules.md", SAMPLE_MD)])
    query = "客户身份证号数据发给外部模型前要谁审批"
    staged = kb.search(query, k=3, stage=Stage.operations)
    assert staged[0].kb == "org" and staged[0].source == "rules.md"
    assert "数据出境审批" in staged[0].section
    assert all(h.kb == "builtin" for h in kb.search(query, k=3, kind="pitfall"))


def test_scopes_search_the_bases_apart_or_together(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.add_paths([write_doc(tmp_path, "rules.md", SAMPLE_MD)])
    assert {h.kb for h in kb.search("值班 告警", k=5, scope="org")} == {"org"}
    assert {h.kb for h in kb.search("值班 告警", k=5, scope="builtin")} == {"builtin"}
    together = kb.search("值班 告警", k=5)
    assert together[0].kb == "org"
    assert "builtin" in {h.kb for h in together}


def test_adding_the_same_file_twice_adds_nothing(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = write_doc(tmp_path, "rules.md", SAMPLE_MD)
    first = kb.add_paths([path])
    assert [d.name for d in first.added] == ["rules.md"] and first.chunks_added >= 2
    count = kb.index.org().count()
    second = kb.add_paths([path])
    assert second.added == [] and second.replaced == [] and second.chunks_added == 0
    assert [d.name for d in second.unchanged] == ["rules.md"]
    assert kb.index.org().count() == count
    assert len(kb.list_documents()) == 1


def test_a_changed_file_replaces_its_old_chunks(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = write_doc(tmp_path, "rules.md", SAMPLE_MD)
    kb.add_paths([path])
    path.write_text(
        "# 规范 v2\n\n## 新流程\n\n所有外部模型调用改由模型网关统一转发，网关负责脱敏和审计日志。\n", "utf-8"
    )
    report = kb.add_paths([path])
    assert [d.name for d in report.replaced] == ["rules.md"]
    docs = kb.list_documents()
    assert len(docs) == 1 and docs[0].chunks == 1
    texts = [h.text for h in kb.search("值班 告警阈值", k=5, scope="org")]
    assert texts and all("值班" not in t for t in texts)
    assert "模型网关" in kb.search("模型网关", k=1, scope="org")[0].text
    assert kb.index.org().count() == 1


def test_remove_by_name_and_unknown_document(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.add_paths([write_doc(tmp_path, "rules.md", SAMPLE_MD)])
    info = kb.remove("rules.md")
    assert info.name == "rules.md" and info.chunks >= 2
    assert kb.list_documents() == []
    assert kb.search("值班", k=3, scope="org") == []
    with pytest.raises(InputError, match=r"rules\.md"):
        kb.remove("rules.md")


def test_remove_by_id_and_by_path(kb: KnowledgeBase, tmp_path: Path) -> None:
    a = write_doc(tmp_path / "a", "notes.md", "# A\n\n第一份资料的内容，关于采购流程。")
    b = write_doc(tmp_path / "b", "notes.md", "# B\n\n第二份资料的内容，关于报销流程。")
    kb.add_paths([a, b])
    with pytest.raises(InputError, match="2 documents"):
        kb.remove("notes.md")
    kb.remove(str(a))
    [left] = kb.list_documents()
    assert left.path == str(b.resolve())
    kb.remove(left.id)
    assert kb.list_documents() == []


def test_empty_query_is_an_input_error(kb: KnowledgeBase) -> None:
    with pytest.raises(InputError):
        kb.search("   ")


def test_lexical_index_is_cached_on_disk(
    kb: KnowledgeBase, kb_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from knowledge import lexical

    monkeypatch.setattr(lexical, "_MEMORY", {})
    first = [h.id for h in kb.search("幻觉", k=3, scope="builtin")]
    assert list((kb_home / "kb" / "lexical").glob("builtin-char-*.pkl"))

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the index should come from the disk cache")

    monkeypatch.setattr(lexical, "_MEMORY", {})  # as in a new process
    monkeypatch.setattr(lexical.BM25Index, "build", no_build)
    assert [h.id for h in KnowledgeBase.open().search("幻觉", k=3, scope="builtin")] == first


def test_documents_added_and_removed_by_another_process_are_searched_at_once(
    kb: KnowledgeBase, kb_home: Path, tmp_path: Path
) -> None:
    """An open session (the TUI) sees `coach kb add` / `kb remove` run in another terminal."""
    import os
    import subprocess
    import sys

    kb.add_paths([write_doc(tmp_path / "a", "notes.md", "# 采购\n\n第一份资料的内容，关于采购流程。")])
    assert {h.source for h in kb.search("值班 告警阈值", k=3, scope="org")} == {"notes.md"}  # warm
    doc = write_doc(tmp_path / "b", "rules.md", SAMPLE_MD)
    env = {**os.environ, "COACH_HOME": str(kb_home)}
    script = (
        "import sys; from knowledge.store import KnowledgeBase; kb = KnowledgeBase.open(); "
        "kb.remove(sys.argv[2]) if sys.argv[1] == 'rm' else kb.add_paths([sys.argv[2]])"
    )
    repo = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", script, "add", str(doc)], cwd=repo, env=env, check=True)
    # (Chroma's vector index of this process does not see another process's writes; the words do.)
    assert "rules.md" in {h.source for h in kb.search("值班 告警阈值", k=3, scope="org")}
    subprocess.run([sys.executable, "-c", script, "rm", "rules.md"], cwd=repo, env=env, check=True)
    assert {h.source for h in kb.search("值班 告警阈值", k=3, scope="org")} == {"notes.md"}


@pytest.mark.parametrize(
    "message",
    [
        "Error executing plan: Internal error: Error creating hnsw segment reader: Nothing found on disk",
        "Collection 7c1f does not exist.",
    ],
)
def test_a_search_that_meets_another_processs_write_reads_again(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, message: str
) -> None:
    """`kb search` while `kb add` runs in another process: Chroma can fail the read mid-write; the
    user gets the passages (read again after the writer), not a traceback."""
    from chromadb.errors import InternalError

    import knowledge.store

    real, calls = knowledge.store.search, []

    def racing(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise InternalError(message)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(knowledge.store, "search", racing)
    hits = kb.search("幻觉", k=3)
    assert hits and len(calls) == 2


def test_a_search_failing_for_another_reason_is_not_retried(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import knowledge.store

    calls: list[int] = []

    def broken(*args: object, **kwargs: object) -> object:
        calls.append(1)
        raise OSError("disk I/O error")

    monkeypatch.setattr(knowledge.store, "search", broken)
    with pytest.raises(OSError, match="disk I/O error"):
        kb.search("幻觉", k=3)
    assert len(calls) == 1
