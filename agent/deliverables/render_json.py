"""A rendered deliverable as structured JSON: sections of blocks, sources, open questions, inputs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent.deliverables.mdblocks import parse_blocks

if TYPE_CHECKING:
    from agent.deliverables.render_md import RenderedDoc
    from agent.snapshot import ProjectSnapshot


def document_json(doc: RenderedDoc, snapshot: ProjectSnapshot) -> dict[str, Any]:
    """The structured content of one deliverable (sections hold the body's blocks)."""
    sections: list[dict[str, Any]] = []
    preamble: list[dict[str, Any]] = []
    mermaid: str | None = None
    for block in parse_blocks(doc.markdown):
        if block["type"] == "heading" and block["level"] == 1:
            continue
        if block["type"] == "heading" and block["level"] == 2:
            sections.append({"heading": block["text"], "blocks": []})
            continue
        if block["type"] == "code" and block["lang"] == "mermaid":
            mermaid = block["text"]
        (sections[-1]["blocks"] if sections else preamble).append(block)
    return {
        "id": doc.spec.id,
        "title": doc.title,
        "stage": doc.spec.stage,
        "lang": doc.lang,
        "project": snapshot.profile.project.name or snapshot.name,
        "mode": snapshot.mode,
        "input_hash": doc.input_hash,
        "mermaid": mermaid,
        "preamble": preamble,
        "sections": sections,
        "answers": [{"field": f, "label": label, "answer": text} for f, label, text in doc.answers],
        "open_questions": [
            {"field": o.field, "question": o.question, "question_id": o.question_id, "reason": o.reason}
            for o in doc.open_items
        ],
        "sources": [
            {
                "number": s.number,
                "passage_id": s.passage_id,
                "source": s.source,
                "section": s.section,
                "title": s.title,
                "kb": s.kb,
            }
            for s in doc.sources
        ],
        "model_drafted": doc.narratives,
    }
