"""Write every deliverable in the chosen formats, plus `report.json`, all or nothing."""

from __future__ import annotations

import dataclasses
import json
import pickle
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from datetime import UTC
from functools import partial
from pathlib import Path
from typing import Any

from agent.cleantext import clean_data, clean_text
from agent.config import coach_home
from agent.deliverables.ahead import RenderAhead, collector_spared
from agent.deliverables.files import JOURNAL_DIR, StagedOutput, safe_filename
from agent.deliverables.registry import DeliverableSpec, load_registry
from agent.deliverables.render_md import RenderedDoc, render_document
from agent.deliverables.staleness import stale_deliverables
from agent.errors import InputError, StorageError
from agent.snapshot import ProjectSnapshot

FORMATS: tuple[str, ...] = ("md", "docx", "html", "json", "pdf")
DEFAULT_FORMATS: tuple[str, ...] = ("md", "docx", "html", "json")
Progress = Callable[[int, int, str], None]


def pdf_available() -> bool:
    """Whether WeasyPrint (the optional `pdf` extra) can be imported."""
    try:
        import weasyprint  # noqa: F401
    except Exception:
        return False
    return True


def parse_formats(text: str | Sequence[str]) -> list[str]:
    """Validated, de-duplicated format names; InputError naming the accepted ones otherwise."""
    items = [f.strip().lower() for f in (text.split(",") if isinstance(text, str) else text)]
    items = [f for f in items if f]
    unknown = [f for f in items if f not in FORMATS]
    if unknown or not items:
        raise InputError(
            f"unknown format {', '.join(unknown) or '(none)'} / 未知的输出格式",
            hint=f"accepted / 可选: {', '.join(FORMATS)} (comma-separated, e.g. md,docx)",
        )
    if "pdf" in items and not pdf_available():
        raise InputError(
            "PDF needs WeasyPrint, which is not installed / 未安装 WeasyPrint，无法输出 PDF",
            hint="pip install 'adoption-coach[pdf]', or drop pdf from --format",
        )
    return list(dict.fromkeys(items))


def _previous_hashes(out_dir: Path) -> dict[str, str]:
    try:
        report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
        return {d["id"]: d["input_hash"] for d in report.get("deliverables", []) if "input_hash" in d}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def file_stem(snapshot: ProjectSnapshot, doc: RenderedDoc) -> str:
    """`<project>_<NN>_<title>`: safe on every OS, Chinese titles kept in zh."""
    project = safe_filename(snapshot.profile.project.name or snapshot.name, max_bytes=80)
    title = doc.title if doc.lang == "zh" else doc.spec.slug
    return f"{project}_{doc.spec.order:02d}_{safe_filename(title, max_bytes=60)}"


def _docx_meta(doc: RenderedDoc, snapshot: ProjectSnapshot) -> Any:
    """The Word file's properties, header and footer: the project's, not the library's."""
    from datetime import datetime

    from agent.deliverables.doc_control import doc_control
    from agent.deliverables.docx_meta import DocMeta

    dc = doc_control(snapshot, doc.spec.id)
    project = snapshot.profile.project
    return DocMeta(
        title=doc.title,
        author=project.organisation or project.name or snapshot.name,
        subject=project.name or snapshot.name,
        version=dc.version,
        status=dc.status(doc.lang),
        created=datetime.combine(dc.day, datetime.min.time(), tzinfo=UTC),
        keywords=doc.spec.id,
    )


HELPER_FORMATS = ("md", "docx", "html", "json")
"""Formats the helper process makes ahead (`_made_ahead`); a PDF is always made by the exporter."""


def _content(doc: RenderedDoc, fmt: str, snapshot: ProjectSnapshot) -> str | bytes:
    """One file of `doc` in `fmt` (not PDF): text, written as UTF-8, or a Word file's bytes."""
    # every format is made from the Markdown: cleaned once here, none gets an escape sequence
    doc = dataclasses.replace(doc, markdown=clean_text(doc.markdown))
    if fmt == "md":
        from agent.deliverables.chart import unfence_charts

        return unfence_charts(doc.markdown)  # a chart's tables, as tables
    if fmt == "docx":
        from agent.deliverables.render_docx import docx_bytes

        return docx_bytes(doc.markdown, title=doc.title, lang=doc.lang, meta=_docx_meta(doc, snapshot))
    if fmt == "html":
        from agent.deliverables.render_html import markdown_to_html

        return markdown_to_html(doc.markdown, title=doc.title, lang=doc.lang)
    from agent.deliverables.render_json import document_json

    return json.dumps(clean_data(document_json(doc, snapshot)), ensure_ascii=False, indent=2)


def _made_ahead(snapshot: ProjectSnapshot, spec: DeliverableSpec, lang: str, fmts: list[str]) -> bytes:
    """The helper's job: one deliverable rendered, with its files in `fmts`, pickled for the exporter."""
    doc = render_document(snapshot, spec, lang)
    files = {fmt: _content(doc, fmt, snapshot) for fmt in fmts if fmt in HELPER_FORMATS}
    return pickle.dumps((doc, files), protocol=pickle.HIGHEST_PROTOCOL)


_AHEAD: ContextVar[dict[tuple[str, str], str | bytes] | None] = ContextVar("coach_ahead", default=None)
"""While an export runs with a helper process: (deliverable id, format) → the file the helper
made (`ahead.RenderAhead`), taken by `_write` in place of making it."""


def _write(doc: RenderedDoc, fmt: str, path: Path, snapshot: ProjectSnapshot) -> None:
    made = _AHEAD.get()
    content = made.pop((doc.spec.id, fmt), None) if made is not None else None
    if content is None and fmt in HELPER_FORMATS:
        content = _content(doc, fmt, snapshot)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif content is not None:
        # built in memory, then written in one go: a refused write (disk full, file size limit)
        # raises here, cleanly, instead of inside the zip writer's clean-up at garbage collection
        path.write_bytes(content)
    elif fmt == "pdf":
        import weasyprint

        from agent.deliverables.render_html import markdown_to_html

        markdown = clean_text(doc.markdown)  # cleaned, as for every other format
        weasyprint.HTML(string=markdown_to_html(markdown, title=doc.title, lang=doc.lang)).write_pdf(
            str(path)
        )


def export_deliverables(
    snapshot: ProjectSnapshot,
    out_dir: Path | str,
    *,
    formats: Sequence[str] = DEFAULT_FORMATS,
    lang: str | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Render every deliverable and write it in each format, plus `report.json`, into `out_dir`.

    Every deliverable is regenerated (so stale ones are always refreshed); the report lists which
    ones were stale against the previous `report.json` in `out_dir` or the session. Returns the
    written paths. A failure leaves `out_dir` as it was.
    """
    fmts = parse_formats(list(formats))
    with collector_spared():
        return _export(snapshot, Path(out_dir), fmts, lang, progress)


def _export(
    snapshot: ProjectSnapshot, out: Path, fmts: list[str], lang: str | None, progress: Progress | None
) -> list[Path]:
    from agent.deliverables.render_md import check_templates
    from agent.deliverables.report import REPORT_NAME, build_report

    check_templates()  # an organisation's broken template is refused before anything is rendered
    # user text (names, answers, document passages) is cleaned before it is rendered: an escape
    # sequence cut in half by Markdown escaping could no longer be recognised afterwards
    snapshot = type(snapshot).model_validate(clean_data(snapshot.model_dump()))
    language = lang or snapshot.lang
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: not a directory / 输出路径不是目录", hint="choose a directory with --out")
    stale = sorted(
        set(stale_deliverables(snapshot, _previous_hashes(out))) | set(snapshot.stale_deliverables)
    )
    specs = load_registry()
    total = len(specs) * len(fmts) + 1
    entries: list[dict[str, Any]] = []
    if "docx" in fmts:
        from agent.deliverables.render_docx import warm_up

        warm_up(language)  # once, before the helper is forked: neither process does it again
    # a helper process renders deliverables from the last one backwards while this one renders
    # them from the first; each takes what the other has not claimed (`ahead`)
    jobs = [partial(_made_ahead, snapshot, spec, language, fmts) for spec in specs]
    # the first one before the fork: the data files and caches every deliverable reads are then
    # loaded once, for both processes
    first = render_document(snapshot, specs[0], language)
    made: dict[tuple[str, str], str | bytes] = {}
    token = _AHEAD.set(made)
    try:
        with (
            RenderAhead(jobs) as ahead,
            StagedOutput(out, journal=coach_home() / JOURNAL_DIR) as staged,
        ):
            done = 0
            for i, spec in enumerate(specs):
                pickled = ahead.take(i)
                if pickled is None:
                    doc = first if i == 0 else render_document(snapshot, spec, language)
                else:
                    doc, contents = pickle.loads(pickled)  # our own helper's
                    made.update({(spec.id, fmt): data for fmt, data in contents.items()})
                stem = file_stem(snapshot, doc)
                files = []
                for fmt in fmts:
                    if progress:
                        progress(done, total, f"{doc.title}.{fmt}")
                    name = f"{stem}.{fmt}"
                    _write(doc, fmt, staged.path(name), snapshot)
                    files.append(name)
                    done += 1
                entries.append(
                    {
                        "id": doc.spec.id,
                        "title": doc.title,
                        "stage": doc.spec.stage,
                        "files": files,
                        "input_hash": doc.input_hash,
                        "stale": doc.spec.id in stale,
                        "open_questions": len(doc.open_items),
                        "sources": len(doc.sources),
                        "model_drafted": doc.narratives,
                    }
                )
            report = build_report(snapshot, entries, lang=language, stale=stale)
            staged.path(REPORT_NAME).write_text(
                json.dumps(clean_data(report), ensure_ascii=False, indent=2), encoding="utf-8"
            )
            if progress:
                progress(total - 1, total, REPORT_NAME)
            written = staged.commit()
    except OSError as exc:
        raise StorageError(
            f"cannot write to {out}: {exc.strerror or exc} / 无法写入输出目录",
            hint="check the path, permissions and free space; nothing was written",
        ) from exc
    finally:
        _AHEAD.reset(token)
    if progress:
        progress(total, total, "")
    return written
