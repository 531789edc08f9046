"""Every example's deliverables, rendered once per test session (zh and en), for the tests that read
them as a committee member would: claims, document control, traceability."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from agent.deliverables.render_md import RenderedDoc, render_all
from agent.snapshot import ProjectSnapshot

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
EXAMPLES = sorted(p.stem for p in EXAMPLES_DIR.glob("*.yaml"))
LANGS = ("zh", "en")


@cache
def example_answers(example: str) -> dict[str, Any]:
    """The example's answers file as data."""
    data = yaml.safe_load((EXAMPLES_DIR / f"{example}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def answer(example: str, path: str) -> Any:
    """The value the answers file gives `section.field` (None when it gives none)."""
    section, name = path.split(".", 1)
    return (example_answers(example).get(section) or {}).get(name)


@cache
def example_snapshot(example: str, lang: str) -> ProjectSnapshot:
    """The example driven through the coaching graph, as `coach run` does."""
    from agent.answers_schema import answers_json_schema
    from agent.deliverables.answers_file import load_answers_file, scoring_weights, validate_answers
    from cli.commands.run import _records, evaluate

    file = EXAMPLES_DIR / f"{example}.yaml"
    data, table = load_answers_file(file)
    validate_answers(data, answers_json_schema(), file, table, value_depth=2)
    name = str((data.get("project") or {}).get("name") or file.stem)
    weights = scoring_weights(data, file, table)
    return evaluate(name, _records(data, file, table), lang, scoring_weights=weights)


@cache
def example_docs(example: str, lang: str) -> tuple[RenderedDoc, ...]:
    """Every deliverable of the example in `lang`."""
    return tuple(render_all(example_snapshot(example, lang), lang))


def doc(example: str, lang: str, deliverable_id: str) -> RenderedDoc:
    """One deliverable of the example."""
    return next(d for d in example_docs(example, lang) if d.spec.id == deliverable_id)


def table_rows(markdown: str) -> list[list[str]]:
    """Every table row of a Markdown document, split into stripped cells (header rows included)."""
    rows = []
    for line in markdown.splitlines():
        if line.startswith("|") and not set(line) <= set("|-: "):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def tables(markdown: str) -> list[list[list[str]]]:
    """Each table as its rows (the header first, the separator dropped)."""
    out: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            if not set(line) <= set("|-: "):
                current.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif current:
            out.append(current)
            current = []
    return out
