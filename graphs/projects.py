"""Saved projects as the fronts list them: `coach projects` and the TUI picker.

Light on purpose (no LangGraph, no model): the picker lists projects before the engine loads.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from agent.config import load_settings
from agent.locks import project_locks
from agent.types import Lang, Stage
from graphs.pg_storage import open_session_store
from graphs.storage import normalise_name, sessions_path


class ProjectSummary(BaseModel):
    """One saved project, as `coach projects` and the TUI picker list it."""

    name: str
    lang: Lang = "zh"
    stage: Stage = Stage.requirements
    readiness: int = 0
    """Mean readiness over the seven stages, 0–100."""
    done: bool = False
    updated_at: datetime | None = None


def list_projects() -> list[ProjectSummary]:
    """Saved projects, most recently used first."""
    settings = load_settings()
    if settings.database_url is None and not sessions_path().exists():
        return []
    store = open_session_store(settings)
    try:
        return [
            ProjectSummary(
                name=r["name"],
                lang=r["lang"] or "zh",
                stage=Stage(r["stage"] or "requirements"),
                readiness=r["readiness"] or 0,
                done=r["done"],
                updated_at=r["updated_at"],
            )
            for r in store.all()
        ]
    finally:
        store.close()


def delete_project(name: str) -> None:
    """Delete a project and its session history (InputError when there is none)."""
    name = normalise_name(name)
    store = open_session_store()
    try:
        try:
            lease = project_locks().acquire(name)  # ProjectBusy while a window has it open
        except OSError:
            lease = None  # no lock file can be made (read-only home): the store refuses the write
        try:
            store.delete(name)
        finally:
            if lease is not None:
                lease.release()
    finally:
        store.close()
