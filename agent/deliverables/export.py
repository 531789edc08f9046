"""Write every deliverable in the chosen formats, plus `report.json`, all or nothing."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from datetime import UTC
from pathlib import Path
from typing import Any

from agent.cleantext import clean_data, clean_text
from agent.config import coach_home
from agent.deliverables.files import JOURNAL_DIR, StagedOutput, safe_filename
from agent.deliverables.render_md import RenderedDoc, render_all
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


def _write(doc: RenderedDoc, fmt: str, path: Path, snapshot: ProjectSnapshot) -> None:
    # every format is made from the Markdown: cleaned once here, none gets an escape sequence
    doc = dataclasses.replace(doc, markdown=clean_text(doc.markdown))
    if fmt == "md":
        from agent.deliverables.chart import unfence_charts

        path.write_text(unfence_charts(doc.markdown), encoding="utf-8")  # a chart's tables, as tables
    elif fmt == "docx":
        from agent.deliverables.render_docx import markdown_to_docx

        markdown_to_docx(doc.markdown, path, title=doc.title, lang=doc.lang, meta=_docx_meta(doc, snapshot))
    elif fmt == "html":
        from agent.deliverables.render_html import markdown_to_html

        path.write_text(markdown_to_html(doc.markdown, title=doc.title, lang=doc.lang), encoding="utf-8")
    elif fmt == "json":
        from agent.deliverables.render_json import document_json

        path.write_text(
            json.dumps(clean_data(document_json(doc, snapshot)), ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
    elif fmt == "pdf":
        import weasyprint

        from agent.deliverables.render_html import markdown_to_html

        weasyprint.HTML(string=markdown_to_html(doc.markdown, title=doc.title, lang=doc.lang)).write_pdf(
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
    from agent.deliverables.report import REPORT_NAME, build_report

    fmts = parse_formats(list(formats))
    from agent.deliverables.render_md import check_templates

    check_templates()  # an organisation's broken template is refused before anything is rendered
    # user text (names, answers, document passages) is cleaned before it is rendered: an escape
    # sequence cut in half by Markdown escaping could no longer be recognised afterwards
    snapshot = type(snapshot).model_validate(clean_data(snapshot.model_dump()))
    language = lang or snapshot.lang
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: not a directory / 输出路径不是目录", hint="choose a directory with --out")
    stale = sorted(
        set(stale_deliverables(snapshot, _previous_hashes(out))) | set(snapshot.stale_deliverables)
    )
    docs = render_all(snapshot, language)
    total = len(docs) * len(fmts) + 1
    entries: list[dict[str, Any]] = []
    try:
        with StagedOutput(out, journal=coach_home() / JOURNAL_DIR) as staged:
            done = 0
            for doc in docs:
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
    if progress:
        progress(total, total, "")
    return written
