"""`coach doctor`: check Python, storage, configuration, organisation templates, endpoint, the chat model (a real chat
completion and a structured-output call, `doctor_model`), embedding model and knowledge store.

Each check prints one ✓/✗ line (with a fix hint when it fails); exit code 1 if any check failed.
The API key is never printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

MIN_PYTHON = (3, 11)


@dataclass
class Check:
    """The outcome of one check."""

    ok: bool
    label: str
    detail: str = ""
    hint: str = ""


def _python() -> Check:
    v = sys.version_info
    ok = (v.major, v.minor) >= MIN_PYTHON
    return Check(
        ok, "Python", f"{v.major}.{v.minor}.{v.micro}", "" if ok else "Install Python 3.11+ / 请安装 3.11+"
    )


def _home() -> Check:
    from agent.config import coach_home, ensure_home
    from agent.errors import CoachError

    try:
        home = ensure_home()
        fd, tmp = tempfile.mkstemp(dir=home, prefix=".doctor-")
        os.close(fd)
        os.unlink(tmp)
    except (CoachError, OSError) as exc:
        return Check(False, "COACH_HOME", f"{coach_home()}: {exc}", "Set COACH_HOME to a writable folder")
    return Check(True, "COACH_HOME", f"{home} (writable / 可写)")


def _config(state: dict[str, object]) -> Check:
    from agent.config import config_path, load_settings
    from agent.errors import CoachError

    try:
        settings = load_settings()
    except CoachError as exc:
        return Check(False, "Config / 配置", exc.message, exc.hint)
    state["settings"] = settings
    path = config_path()
    return Check(
        True, "Config / 配置", str(path) if path.exists() else f"{path} (absent: defaults / 未创建：默认值)"
    )


def _templates() -> Check | None:
    """The organisation's templates and reference Word file (COACH_HOME/templates), when there are any."""
    from agent.deliverables.render_md import check_templates
    from agent.errors import CoachError

    label = "Templates / 组织模板"
    try:
        found = check_templates()
    except CoachError as exc:
        return Check(False, label, exc.message, exc.hint)
    if not found.templates and not found.partials and found.reference_docx is None:
        return None
    parts = [*found.templates, *found.partials] + (["reference.docx"] if found.reference_docx else [])
    return Check(True, label, f"{found.folder}: {', '.join(parts)}")


def _mode(state: dict[str, object]) -> Check:
    from agent.config import Settings

    settings = state.get("settings")
    if not isinstance(settings, Settings):
        return Check(False, "Mode / 模式", "unknown: config invalid", "Fix the config file first")
    if not settings.llm_enabled:
        return Check(True, "Mode / 模式", "guided (offline, no LLM) / 引导模式（离线）")
    where = settings.base_url or "https://api.openai.com/v1"
    return Check(True, "Mode / 模式", f"LLM: {settings.chat_model_name} @ {where} / 大模型模式")


def _endpoint(state: dict[str, object]) -> Check | None:
    from agent.config import Settings

    settings = state.get("settings")
    if not isinstance(settings, Settings) or not settings.llm_enabled:
        return None
    import httpx

    base = (settings.base_url or "https://api.openai.com/v1").rstrip("/")
    headers = {"Authorization": f"Bearer {settings.api_key.get_secret_value()}"} if settings.api_key else {}
    hint = (
        "Check OPENAI_BASE_URL / OPENAI_API_KEY and that the server is running / 请检查地址、密钥和服务状态"
    )
    started = time.perf_counter()
    try:
        resp = httpx.get(f"{base}/models", headers=headers, timeout=5.0)
    except httpx.HTTPError as exc:
        what = (
            "no reply in 5 s / 5 秒内无回复"
            if isinstance(exc, httpx.TimeoutException)
            else "cannot connect / 无法连接"
        )
        state["unreachable"] = not isinstance(exc, httpx.TimeoutException)  # no model call can work
        return Check(False, "Endpoint / 接口", f"{base}/models: {what}", hint)
    ms = (time.perf_counter() - started) * 1000
    if resp.status_code in (401, 403):
        return Check(
            False,
            "Endpoint / 接口",
            f"{base}/models: HTTP {resp.status_code} (key rejected / 密钥无效)",
            hint,
        )
    if resp.status_code >= 400:
        return Check(False, "Endpoint / 接口", f"{base}/models: HTTP {resp.status_code}", hint)
    try:
        state["served"] = [str(m.get("id")) for m in resp.json().get("data", []) if isinstance(m, dict)]
    except (ValueError, AttributeError):
        state["served"] = []
    return Check(True, "Endpoint / 接口", f"{base}/models: HTTP {resp.status_code} in {ms:.0f} ms")


def _model_check(state: dict[str, object], label: str, which: str) -> Check | None:
    """A real call with the configured model (`doctor_model.chat` or `.structured`)."""
    from agent.config import Settings
    from cli.commands import doctor_model

    settings = state.get("settings")
    if not isinstance(settings, Settings) or not settings.llm_enabled or state.get("unreachable"):
        return None
    served = state.get("served")
    probe = doctor_model.chat if which == "chat" else doctor_model.structured
    outcome = probe(settings, list(served) if isinstance(served, list) else [])
    return Check(outcome.ok, label, outcome.detail, outcome.hint)


def _embedding(state: dict[str, object]) -> Check:
    from agent.config import Settings
    from knowledge.embeddings import get_embedder

    settings = state.get("settings")
    settings = settings if isinstance(settings, Settings) else Settings()
    label = "Embedding / 向量模型"
    try:
        embedder = get_embedder(settings)
        started = time.perf_counter()
        vec = embedder.embed_queries(["测试 embedding test"])
        ms = (time.perf_counter() - started) * 1000
    except Exception as exc:
        return Check(
            False,
            label,
            f"{type(exc).__name__}: {exc}".splitlines()[0],
            "Unset COACH_EMBEDDING_MODEL to use the bundled offline model / 可取消设置以使用内置模型",
        )
    return Check(True, label, f"{embedder.name}, dim {vec.shape[1]}, {ms:.0f} ms")


def _store(state: dict[str, object]) -> Check:
    from agent.config import Settings
    from knowledge.store import KnowledgeBase

    settings = state.get("settings")
    try:
        kb = KnowledgeBase.open(settings if isinstance(settings, Settings) else Settings())
        docs = kb.list_documents()
    except Exception as exc:
        return Check(
            False,
            "Store / 知识库存储",
            f"{exc}".splitlines()[0],
            "Delete COACH_HOME/kb/chroma and re-add your documents / 删除后重新导入",
        )
    state["kb"] = kb
    where = getattr(kb.index, "url", "") or kb.root / "chroma"
    return Check(True, "Store / 知识库存储", f"{where}: {len(docs)} document(s) / 个文档")


def _pack(state: dict[str, object]) -> Check:
    kb = state.get("kb")
    if kb is None:
        return Check(False, "Built-in pack / 内置知识包", "store unavailable", "Fix the store check first")
    try:
        started = time.perf_counter()
        n = kb.ensure_builtin()  # type: ignore[attr-defined]
        secs = time.perf_counter() - started
    except Exception as exc:
        return Check(False, "Built-in pack / 内置知识包", f"{exc}".splitlines()[0], "Reinstall the project")
    if n == 0:
        return Check(
            False, "Built-in pack / 内置知识包", "0 passages", "The package data is missing: reinstall"
        )
    return Check(True, "Built-in pack / 内置知识包", f"{n} passages indexed / 段已索引 ({secs:.1f} s)")


def _database(state: dict[str, object]) -> Check | None:
    """Team mode: the PostgreSQL sessions database (reachable, version, schema, projects)."""
    from agent.config import Settings
    from agent.errors import CoachError

    settings = state.get("settings")
    if not isinstance(settings, Settings) or settings.database_url is None:
        return None
    from graphs.pg_storage import PgSessionStore, redact

    url = settings.database_url.get_secret_value()
    label = "Database / 团队数据库"
    try:
        store = PgSessionStore.open(url)
        try:
            with store.errors(), store.pool.connection() as conn:
                version = conn.execute("SHOW server_version").fetchone()["server_version"]
                schema = conn.execute("SELECT value FROM coach_meta WHERE key = 'schema'").fetchone()["value"]
            projects = len(store.all())
        finally:
            store.close()
    except CoachError as exc:
        return Check(False, label, exc.message, exc.hint)
    return Check(
        True, label, f"{redact(url)}: PostgreSQL {version}, schema {schema}, {projects} project(s) / 个项目"
    )


def _chroma(state: dict[str, object]) -> Check | None:
    """Team mode: the Chroma server (reachable, version, store version and embedding model)."""
    from agent.config import Settings
    from agent.errors import CoachError

    settings = state.get("settings")
    if not isinstance(settings, Settings) or not settings.chroma_url:
        return None
    from knowledge.embeddings import get_embedder
    from knowledge.records import INDEX_SCHEMA
    from knowledge.remote import http_client

    label = "Chroma server / 知识库服务器"
    try:
        client = http_client(settings)
        version = client.get_version()
        ours = get_embedder(settings).fingerprint
        for col in client.list_collections():
            meta = col.metadata or {}
            if col.name in ("builtin", "org") and meta.get("fingerprint") not in (None, ours):
                return Check(
                    False,
                    label,
                    f"{settings.chroma_url}: collection '{col.name}' embedded with {meta['fingerprint']}, "
                    f"this coach uses {ours} / 向量模型不一致",
                    "Use the team's COACH_EMBEDDING_MODEL / 请使用团队的向量模型设置",
                )
            if col.name in ("builtin", "org") and meta.get("schema") not in (None, INDEX_SCHEMA):
                return Check(
                    False,
                    label,
                    f"{settings.chroma_url}: collection '{col.name}' store version {meta['schema']}, "
                    f"this coach {INDEX_SCHEMA} / 存储版本不一致",
                    "Run the same coach version as your team / 请与团队使用相同版本",
                )
    except CoachError as exc:
        return Check(False, label, exc.message, exc.hint)
    return Check(
        True, label, f"{settings.chroma_url}: Chroma {version}, store {INDEX_SCHEMA}, embedding {ours}"
    )


def run(args: argparse.Namespace) -> int:
    """Run every check; exit 1 if any failed."""
    state: dict[str, object] = {}
    checks: list[Callable[[], Check | None]] = [
        _python,
        _home,
        lambda: _config(state),
        _templates,
        lambda: _mode(state),
        lambda: _endpoint(state),
        lambda: _model_check(state, "Chat / 对话", "chat"),
        lambda: _model_check(state, "Structured output / 结构化输出", "structured"),
        lambda: _embedding(state),
        lambda: _database(state),
        lambda: _chroma(state),
        lambda: _store(state),
        lambda: _pack(state),
    ]
    failed = 0
    for check in checks:
        result = check()
        if result is None:
            continue
        mark = "✓" if result.ok else "✗"
        print(f"{mark} {result.label}: {result.detail}", flush=True)
        if not result.ok:
            failed += 1
            if result.hint:
                print(f"    → {result.hint}", flush=True)
    print("All checks passed / 全部通过" if not failed else f"{failed} check(s) failed / 项检查未通过")
    return 1 if failed else 0
