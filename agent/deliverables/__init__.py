"""Deliverables: templates filled with answers and cited guidance, in Markdown, DOCX, HTML, JSON, PDF.

Public API (imports stay light; renderers load python-docx, markdown-it and Jinja2 on first use):
`export_deliverables`, `render_stage_markdown`, `render_document`, `render_all`, `input_hashes`,
`stale_deliverables`, `load_registry`, `safe_filename`.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "export_deliverables",
    "input_hashes",
    "load_registry",
    "render_all",
    "render_document",
    "render_stage_markdown",
    "safe_filename",
    "stale_deliverables",
]

_HOMES = {
    "export_deliverables": "agent.deliverables.export",
    "render_stage_markdown": "agent.deliverables.render_md",
    "render_document": "agent.deliverables.render_md",
    "render_all": "agent.deliverables.render_md",
    "input_hashes": "agent.deliverables.staleness",
    "stale_deliverables": "agent.deliverables.staleness",
    "load_registry": "agent.deliverables.registry",
    "safe_filename": "agent.deliverables.files",
}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(name)
