"""The deliverable registry (data: `knowledge/deliverables.yaml`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

REGISTRY_PATH = Path(__file__).resolve().parent.parent.parent / "knowledge" / "deliverables.yaml"

StageOrAcross = Literal[
    "requirements", "selection", "data", "development", "integration", "testing", "operations", "across"
]


class DeliverableSpec(BaseModel):
    """One deliverable: where it belongs, its template, what it reads and what it cites."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    order: int
    stage: StageOrAcross
    title: dict[str, str]
    """Title by language (`zh`, `en`)."""
    slug: str
    """English file-name stem, e.g. `requirement-specification`."""
    template: str
    """Template file under `knowledge/templates/`."""
    inputs: list[str] = Field(default_factory=list)
    """Profile field paths the document reads (its staleness hash covers them)."""
    findings: list[str] = Field(default_factory=list)
    """Stages whose findings the document reports; `all` for every finding."""
    cites: list[str] = Field(default_factory=list)
    """Pack passage ids the template cites."""
    narratives: list[str] = Field(default_factory=list)
    """Sections where LLM mode may insert a drafted paragraph (`snapshot.narratives["<id>.<section>"]`)."""

    def narrative_keys(self) -> list[str]:
        """The `snapshot.narratives` keys this deliverable reads."""
        return [f"{self.id}.{section}" for section in self.narratives]

    def title_in(self, lang: str) -> str:
        """The title in `lang` (Chinese when missing)."""
        return self.title.get(lang) or self.title["zh"]

    def uses_findings_of(self, stage: str) -> bool:
        """Whether findings of `stage` are inputs of this document."""
        return "all" in self.findings or stage in self.findings


@cache
def load_registry() -> tuple[DeliverableSpec, ...]:
    """Every deliverable, in document order."""
    from agent.deliverables.labels import load_yaml

    items = load_yaml(REGISTRY_PATH)
    specs = [DeliverableSpec.model_validate(item) for item in items]
    return tuple(sorted(specs, key=lambda s: s.order))


def get_spec(deliverable_id: str) -> DeliverableSpec:
    """A deliverable by id; KeyError when unknown."""
    for spec in load_registry():
        if spec.id == deliverable_id:
            return spec
    raise KeyError(deliverable_id)
