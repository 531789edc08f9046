"""Export and preview through `agent.deliverables` when it is installed, else a project summary.

Runs inside a worker thread: no textual here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from agent.snapshot import ProjectSnapshot
from agent.types import Stage
from tui.summary import project_summary, stage_summary

if TYPE_CHECKING:
    from tui.backend import Progress, Session


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def summary_export(
    snapshot: ProjectSnapshot, out_dir: Path, formats: Sequence[str], lang: str, progress: Progress
) -> list[Path]:
    """Write the project summary as Markdown and the snapshot as JSON (the fallback exporter)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = [f for f in formats if f in ("md", "json")] or ["md"]
    files: list[Path] = []
    for i, fmt in enumerate(wanted):
        progress(i, len(wanted), fmt)
        if fmt == "md":
            path = out_dir / "summary.md"
            _atomic_write(path, project_summary(snapshot, lang))
        else:
            path = out_dir / "snapshot.json"
            _atomic_write(path, json.dumps(snapshot.model_dump(mode="json"), ensure_ascii=False, indent=2))
        files.append(path)
    progress(len(wanted), len(wanted), "")
    return files


def export_snapshot(
    session: Session, out_dir: Path, formats: Sequence[str], lang: str, progress: Progress
) -> list[Path]:
    """Export the session's deliverables in `formats` to `out_dir`; returns the files written.

    Uses `agent.deliverables.export` (all or nothing, with report.json); the summary export is
    only a fallback for an install without it. The session is told its deliverables are fresh.
    """
    snapshot = session.snapshot()
    try:
        from agent.deliverables.export import export_deliverables
    except ImportError:
        return summary_export(snapshot, out_dir, formats, lang, progress)
    written = export_deliverables(snapshot, out_dir, formats=list(formats), lang=lang, progress=progress)
    session.mark_exported()
    return [Path(p) for p in written]


def pdf_possible() -> bool:
    """Whether the optional PDF renderer is installed (without importing it)."""
    import importlib.util

    return importlib.util.find_spec("weasyprint") is not None


def render_preview(snapshot: ProjectSnapshot, stage: Stage, lang: str) -> str:
    """Markdown preview of the deliverable(s) of `stage` (a summary if the templates are missing)."""
    try:
        from agent.deliverables.render_md import render_stage_markdown
    except ImportError:
        return stage_summary(snapshot, stage, lang)
    return render_stage_markdown(snapshot, stage, lang) or stage_summary(snapshot, stage, lang)
