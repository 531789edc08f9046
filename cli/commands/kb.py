"""`coach kb add|list|remove|search`: the knowledge base from the command line."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.i18n import Strings

if TYPE_CHECKING:
    from rich.console import Console

    from agent.types import Passage
    from knowledge.models import IngestReport

_STRINGS = Strings(Path(__file__).resolve().parent.parent / "strings.yaml")
_t = _STRINGS.t


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

    lines = ProgressLines(err, lang)

    def progress(done: int, total: int, label: str) -> None:
        if err.is_terminal:
            bar.update(task, completed=done, total=total, description=f"{_t('embedding', lang)} {label}")
        else:
            lines.update(done, total, label)

    with bar:
        report: IngestReport = kb.add_paths(paths, progress=progress)
    from rich.markup import escape

    from agent.cleantext import clean_text

    def shown(text: object) -> str:  # a file's name or path, as the terminal may print it
        return escape(clean_text(str(text)))

    out = _console()
    for doc in report.added:
        out.print(f"[green]✓[/] {_t('added', lang)}: {shown(doc.name)} ({doc.chunks} {_t('chunks', lang)})")
    for doc in report.replaced:
        out.print(
            f"[green]↻[/] {_t('replaced', lang)}: {shown(doc.name)} ({doc.chunks} {_t('chunks', lang)})"
        )
    for doc in report.unchanged:
        out.print(f"[dim]=[/] {_t('unchanged', lang)}: {shown(doc.name)}")
    for fail in report.failed:
        err.print(
            f"[red]✗[/] {shown(fail.path)}: {shown(fail.reason)}",
            markup=True,
            highlight=False,
            soft_wrap=True,
        )
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
    if report.failed:
        err.print(_t("some_failed", lang, failed=len(report.failed)))
        return 1
    return 0


class ProgressLines:
    """Progress as plain lines when stderr is not a terminal (a log, CI, a pipe): one when a file
    starts, then at most one every `every_s` seconds, and one when it is done."""

    def __init__(self, console: Console, lang: str, every_s: float = 10.0) -> None:
        self.console, self.lang, self.every_s = console, lang, every_s
        self._label = ""
        self._started = self._last = 0.0

    def update(self, done: int, total: int, label: str) -> None:
        now = time.monotonic()
        if label != self._label:
            self._label, self._started, self._last = label, now, now
        elif done < total and now - self._last < self.every_s:
            return
        self._last = now
        rate = done / (now - self._started) if now > self._started else 0.0
        pct = 100 * done // total if total else 100
        self.console.print(
            _t("progress", self.lang, label=label, done=done, total=total, pct=pct, rate=rate),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def _list(kb: Any, as_json: bool, lang: str) -> int:
    docs = kb.list_documents()
    if as_json:
        print(json.dumps([d.model_dump() for d in docs], ensure_ascii=False, indent=2))
        return 0
    if not docs:
        print(_t("no_docs", lang))
        return 0
    from rich.table import Table

    from agent.cleantext import clean_text

    table = Table(title=f"{len(docs)} {_t('docs_header', lang)}", title_justify="left")
    for col in ("id", "name", "chunks", "added", "path"):
        table.add_column(col, overflow="fold")
    for d in docs:
        table.add_row(
            d.id, clean_text(d.name), str(d.chunks), d.added_at.replace("T", " ")[:16], clean_text(d.path)
        )
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
        "lang": p.lang,
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

    from agent.cleantext import clean_text
    from agent.deliverables.labels import section_label, source_label

    out = _console()
    for rank, p in enumerate(hits, start=1):
        p = p.model_copy(
            update={f: clean_text(getattr(p, f)) for f in ("text", "title", "title_en", "source", "section")}
        )
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
