"""`coach kb add|list|remove|search`: the knowledge base from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from agent.types import Passage
    from knowledge.models import IngestReport

_T: dict[str, dict[str, str]] = {
    "added": {"zh": "已添加", "en": "added"},
    "replaced": {"zh": "已更新", "en": "replaced"},
    "unchanged": {"zh": "未变化，跳过", "en": "unchanged, skipped"},
    "failed": {"zh": "失败", "en": "failed"},
    "chunks": {"zh": "段", "en": "chunks"},
    "summary": {
        "zh": "完成：新增 {added}，更新 {replaced}，未变化 {unchanged}，失败 {failed}；写入 {chunks} 段，用时 {secs:.1f} 秒",
        "en": "Done: {added} added, {replaced} replaced, {unchanged} unchanged, {failed} failed; "
        "{chunks} chunks written in {secs:.1f} s",
    },
    "nothing": {
        "zh": "没有任何文件被导入。支持 .md .txt .pdf .docx .html",
        "en": "Nothing could be ingested. Supported: .md .txt .pdf .docx .html",
    },
    "embedding": {"zh": "向量化", "en": "Embedding"},
    "no_docs": {
        "zh": "知识库中还没有你的文档。用 `coach kb add 路径` 添加。",
        "en": "No documents of yours yet. Add some with `coach kb add PATH`.",
    },
    "removed": {"zh": "已删除 {name}（{chunks} 段）", "en": "Removed {name} ({chunks} chunks)"},
    "no_hits": {
        "zh": "没有找到相关内容。试试换个说法，或去掉 --stage/--kind 过滤。",
        "en": "Nothing found. Try other words, or drop the --stage/--kind filters.",
    },
    "docs_header": {"zh": "文档", "en": "documents"},
}


def _t(key: str, lang: str, **kw: Any) -> str:
    text = _T[key].get(lang, _T[key]["en"])
    return text.format(**kw) if kw else text


def _lang(args: argparse.Namespace) -> str:
    lang = getattr(args, "lang", None)
    if lang:
        return str(lang)
    from agent.config import load_settings

    return load_settings().lang


def run(args: argparse.Namespace) -> int:
    """Dispatch `coach kb <command>`."""
    from agent.config import load_settings
    from knowledge.store import KnowledgeBase

    lang = _lang(args)
    kb = KnowledgeBase.open(load_settings())
    command = args.kb_command
    if command == "add":
        return _add(kb, [Path(p) for p in args.paths], lang)
    if command == "list":
        return _list(kb, bool(getattr(args, "json", False)), lang)
    if command == "remove":
        info = kb.remove(args.doc)
        print(_t("removed", lang, name=info.name, chunks=info.chunks))
        return 0
    return _search(kb, args, lang)


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _add(kb: Any, paths: list[Path], lang: str) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    err = _console(stderr=True)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    task = bar.add_task(_t("embedding", lang), total=None)

    def progress(done: int, total: int, label: str) -> None:
        bar.update(task, completed=done, total=total, description=f"{_t('embedding', lang)} {label}")

    with bar:
        report: IngestReport = kb.add_paths(paths, progress=progress)
    out = _console()
    for doc in report.added:
        out.print(f"[green]✓[/] {_t('added', lang)}: {doc.name} ({doc.chunks} {_t('chunks', lang)})")
    for doc in report.replaced:
        out.print(f"[green]↻[/] {_t('replaced', lang)}: {doc.name} ({doc.chunks} {_t('chunks', lang)})")
    for doc in report.unchanged:
        out.print(f"[dim]=[/] {_t('unchanged', lang)}: {doc.name}")
    for fail in report.failed:
        err.print(f"[red]✗[/] {fail.path}: {fail.reason}", markup=True, highlight=False)
    out.print(
        _t(
            "summary",
            lang,
            added=len(report.added),
            replaced=len(report.replaced),
            unchanged=len(report.unchanged),
            failed=len(report.failed),
            chunks=report.chunks_added,
            secs=report.seconds,
        )
    )
    if not report.ok:
        err.print(_t("nothing", lang))
        return 1
    return 0


def _list(kb: Any, as_json: bool, lang: str) -> int:
    docs = kb.list_documents()
    if as_json:
        print(json.dumps([d.model_dump() for d in docs], ensure_ascii=False, indent=2))
        return 0
    if not docs:
        print(_t("no_docs", lang))
        return 0
    from rich.table import Table

    table = Table(title=f"{len(docs)} {_t('docs_header', lang)}", title_justify="left")
    for col in ("id", "name", "chunks", "added", "path"):
        table.add_column(col, overflow="fold")
    for d in docs:
        table.add_row(d.id, d.name, str(d.chunks), d.added_at.replace("T", " ")[:16], d.path)
    _console().print(table)
    return 0


def passage_json(p: Passage) -> dict[str, Any]:
    """The `--json` shape of a search hit (stable: scripts rely on it). `section` is the heading as
    written in the source; `section_en` its English gloss ('' when none is known)."""
    from knowledge.pack import section_gloss

    return {
        "id": p.id,
        "text": p.text,
        "source": p.source,
        "section": p.section,
        "section_en": section_gloss(p.section),
        "score": p.score,
        "title": p.title,
        "title_en": p.title_en,
        "kind": p.kind,
        "stages": [s.value for s in p.stages],
        "kb": p.kb,
    }


def _search(kb: Any, args: argparse.Namespace, lang: str) -> int:
    from agent.errors import InputError
    from agent.types import Stage

    if args.k < 1:
        raise InputError(f"-k must be at least 1, got {args.k} / -k 至少为 1")
    hits = kb.search(
        args.query,
        k=args.k,
        stage=Stage(args.stage) if args.stage else None,
        kind=args.kind,
        scope=args.scope,
    )
    if args.json:
        print(json.dumps([passage_json(p) for p in hits], ensure_ascii=False, indent=2))
        return 0
    if not hits:
        print(_t("no_hits", lang), file=sys.stderr)
        return 0
    from rich.padding import Padding
    from rich.text import Text

    from agent.deliverables.labels import section_label, source_label

    out = _console()
    for rank, p in enumerate(hits, start=1):
        title = p.title_en if lang == "en" and p.title_en else p.title
        head = Text()
        head.append(f"{rank}. ", style="bold")
        head.append(f"{p.score:.2f}  ", style="cyan")
        head.append(source_label(p.source, lang) if p.kb == "builtin" else p.source, style="bold")
        if p.section:
            head.append(f" § {section_label(p.section, lang, p.kb)}")
        tags = [p.kb, p.kind, *(s.value for s in p.stages)]
        head.append(f"  [{' · '.join(tags)}]", style="dim")
        out.print(head)
        if title:
            out.print(Padding(Text(title, style="bold"), (0, 0, 0, 3)))
        excerpt = " ".join(p.text.split())
        if len(excerpt) > 240:
            excerpt = excerpt[:240] + "…"
        out.print(Padding(Text(excerpt), (0, 0, 1, 3)))
    return 0
