"""The seam between the app and the engine: what a session and a session factory must offer.

The real factory imports `graphs.session` (LangGraph, Chroma…) lazily, inside a worker, so the
first screen is up before the engine loads. Tests pass a fake factory with the same shape.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from agent.config import Settings
from agent.locks import ProjectBusy
from agent.snapshot import CoachMessage, ProjectSnapshot, Turn
from agent.types import Stage

Progress = Callable[[int, int, str], None]
"""Export progress callback: (done, total, current item)."""


class Session(Protocol):
    """One open project: the contract of `graphs.session.CoachSession`."""

    def current(self) -> Turn:
        """The pending question and the project's evaluation."""
        ...

    def transcript(self) -> list[CoachMessage]:
        """The conversation so far, oldest first (a resumed project replays it)."""
        ...

    def send(self, text: str, *, on_token: Callable[[str], None] | None = None) -> Turn:
        """What the user typed, as typed: the engine reads commands and options."""
        ...

    def snapshot(self) -> ProjectSnapshot: ...

    def mark_exported(self) -> None:
        """The deliverables were just written from the current snapshot."""
        ...

    def close(self) -> None: ...


class SessionFactory(Protocol):
    """Opens, lists, deletes and exports projects."""

    def open(
        self,
        name: str,
        *,
        lang: str,
        sector: str | None,
        settings: Settings | None,
        create: bool,
        depth: str = "standard",
        read_only: bool = False,
    ) -> Session:
        """Open a project; `agent.locks.ProjectBusy` when another window writes it (unless `read_only`)."""
        ...

    def warm_up(self) -> None:
        """Prepare what the first LLM-mode turn needs (called in the worker that opened a session)."""
        ...

    def list_projects(self) -> list[Any]: ...

    def delete_project(self, name: str) -> None: ...

    def export(
        self, session: Session, out_dir: Path, formats: Sequence[str], lang: str, progress: Progress
    ) -> list[Path]: ...

    def preview(self, snapshot: ProjectSnapshot, stage: Stage, lang: str) -> str | None: ...


@dataclass
class ProjectRow:
    """A project as the picker shows it, whatever the engine's summary type looks like."""

    name: str
    lang: str = "zh"
    stage: Stage | None = None
    readiness: int | None = None
    updated_at: datetime | None = None


def project_row(summary: Any) -> ProjectRow:
    """Normalise a `ProjectSummary` (or a dict) into a `ProjectRow`."""
    get = summary.get if isinstance(summary, dict) else lambda k, d=None: getattr(summary, k, d)
    stage_raw = get("stage") or get("current_stage")
    try:
        stage = Stage(str(stage_raw)) if stage_raw else None
    except ValueError:
        stage = None
    readiness = get("readiness")
    if isinstance(readiness, dict):
        values = [int(v) for v in readiness.values()]
        readiness = round(sum(values) / 7) if values else 0
    updated = get("updated_at")
    return ProjectRow(
        name=str(get("name")),
        lang=str(get("lang") or "zh"),
        stage=stage,
        readiness=int(readiness) if readiness is not None else None,
        updated_at=updated if isinstance(updated, datetime) else None,
    )


def open_or_view(
    factory: SessionFactory, name: str, *, create: bool, **kwargs: Any
) -> tuple[Session, ProjectBusy | None]:
    """Open a project for writing; when another window writes it, open it read-only and say who."""

    try:
        return factory.open(name, create=create, **kwargs), None
    except ProjectBusy as busy:
        return factory.open(name, create=False, read_only=True, **kwargs), busy


def settle_heap() -> None:
    """Collect once, then freeze the heap out of the cyclic GC's sight.

    With LangGraph, LangChain, pydantic and Textual loaded, a full (gen 2) collection walks
    hundreds of thousands of objects while holding the GIL: a stop-the-world pause of a few
    hundred ms that lands on the UI at random during a turn. Done here, while the project is
    opening, later collections only look at objects created since.
    """
    gc.collect()
    gc.freeze()


class EngineFactory:
    """The real engine: `graphs.session` and `agent.deliverables`, imported on first use."""

    def _session_module(self) -> Any:
        return importlib.import_module("graphs.session")

    def open(
        self,
        name: str,
        *,
        lang: str,
        sector: str | None,
        settings: Settings | None,
        create: bool,
        depth: str = "standard",
        read_only: bool = False,
    ) -> Session:
        module = self._session_module()
        session: Session = module.CoachSession.open(
            name, lang=lang, sector=sector, settings=settings, create=create, depth=depth, read_only=read_only
        )
        return session

    def warm_up(self) -> None:
        """Import what the first LLM-mode turn needs, in the worker that opened the session.

        The first structured-output call imports LangChain's function-calling helpers and builds
        pydantic JSON schemas, holding the GIL long enough to stall the UI for a few hundred ms;
        done here, it happens while the project is still opening.
        """
        from langchain_core.utils.function_calling import convert_to_openai_tool
        from pydantic import BaseModel

        class _Warm(BaseModel):
            value: str | None = None

        convert_to_openai_tool(_Warm)

    def list_projects(self) -> list[Any]:
        # graphs.projects is light: the picker lists projects before the engine loads
        return list(importlib.import_module("graphs.projects").list_projects())

    def delete_project(self, name: str) -> None:
        importlib.import_module("graphs.projects").delete_project(name)

    def export(
        self, session: Session, out_dir: Path, formats: Sequence[str], lang: str, progress: Progress
    ) -> list[Path]:
        from tui.exporting import export_snapshot

        return export_snapshot(session, out_dir, formats, lang, progress)

    def preview(self, snapshot: ProjectSnapshot, stage: Stage, lang: str) -> str | None:
        from tui.exporting import render_preview

        return render_preview(snapshot, stage, lang)
