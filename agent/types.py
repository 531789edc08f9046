"""Shared vocabulary of the engine: stages, phases, languages, passages, findings.

These types are the contract between the knowledge base, the graph, the rules, the
deliverables and the two fronts (TUI and CLI). Keep them small and stable.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field


class Stage(StrEnum):
    """The seven interview stages, in order."""

    requirements = "requirements"
    selection = "selection"
    data = "data"
    development = "development"
    integration = "integration"
    testing = "testing"
    operations = "operations"


STAGES: tuple[Stage, ...] = tuple(Stage)

STAGE_TITLES: dict[Stage, dict[str, str]] = {
    Stage.requirements: {"zh": "需求分析与场景定位", "en": "Requirements & scenario"},
    Stage.selection: {"zh": "技术选型与架构设计", "en": "Technology selection & architecture"},
    Stage.data: {"zh": "数据准备与知识治理", "en": "Data preparation & knowledge governance"},
    Stage.development: {"zh": "模型开发与优化", "en": "Model development & optimisation"},
    Stage.integration: {"zh": "系统集成与部署", "en": "System integration & deployment"},
    Stage.testing: {"zh": "测试验证与迭代", "en": "Testing & iteration"},
    Stage.operations: {"zh": "上线运营与持续优化", "en": "Operations & continuous optimisation"},
}


class Phase(StrEnum):
    """The five adoption phases of the phase guide (seeds/000)."""

    concept = "concept"
    poc = "poc"
    value_validation = "value_validation"
    implementation = "implementation"
    production = "production"


PHASE_TITLES: dict[Phase, dict[str, str]] = {
    Phase.concept: {"zh": "技术概念", "en": "Technical concept"},
    Phase.poc: {"zh": "概念验证（PoC）", "en": "Proof of concept"},
    Phase.value_validation: {"zh": "价值验证", "en": "Value validation"},
    Phase.implementation: {"zh": "落地实施", "en": "Implementation"},
    Phase.production: {"zh": "进入生产", "en": "Production"},
}

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

PassageKind = Literal["guidance", "pitfall", "case", "deliverable", "regulation"]
"""`regulation`: a regulation note (knowledge/regulations/), a separate source from the seed-derived pack."""


class Passage(BaseModel):
    """One retrievable piece of guidance, from the built-in pack or a user's document."""

    id: str
    """Stable id: pack passages use their pack id; user chunks `doc-id#n`."""
    text: str
    title: str = ""
    """Chinese (or the document's own) title of the passage."""
    title_en: str = ""
    source: str
    """The document the passage rests on (a seed file name or the user's file name)."""
    section: str = ""
    """The heading/section of the source the passage rests on."""
    stages: list[Stage] = Field(default_factory=list)
    phase: Phase | None = None
    kind: PassageKind = "guidance"
    kb: str = "builtin"
    """The knowledge base the passage lives in: `builtin` or `org` (the user's documents)."""
    score: float = 0.0
    text_en: str = ""
    """English text of a built-in passage (same id, `knowledge/pack/en/`); '' for the user's documents."""
    lang: Lang = "zh"
    """The language `text` is written in (a user's document keeps its own)."""


class Citation(BaseModel):
    """A pointer from a statement to the passage that supports it."""

    passage_id: str
    source: str
    section: str = ""
    title: str = ""
    quote: str = ""
    """A short excerpt of the passage, for display."""


StatementKind = Literal["source", "coach", "figure", "regulation"]
"""What a sentence of advice is: `source` — what the cited passages say (quoted or closely
paraphrased); `coach` — the coach's own reasoning from the answers and the sources; `figure` — a
number one case reported, attributed to the case and the document reporting it (never a forecast)."""


class Statement(BaseModel):
    """One sentence (or a few) of advice, of one kind, with the passages it cites."""

    kind: StatementKind
    text: str
    cites: list[str] = Field(default_factory=list)
    """Pack passage ids this statement cites (its support is recorded in knowledge/citation_support.yaml)."""


Severity = Literal["high", "medium", "low"]
SEVERITY_ORDER: dict[str, int] = {"high": 0, "medium": 1, "low": 2}


class Evidence(BaseModel):
    """The answer (or inferred signal) that triggered a finding."""

    question_id: str
    field: str
    value: object = None
    text: str = ""
    """The user's own words, when the value came from free text."""


class Finding(BaseModel):
    """A pitfall flagged for the project."""

    id: str
    title: str
    severity: Severity
    stage: Stage
    evidence: list[Evidence] = Field(default_factory=list)
    advice: str
    """The advice as plain text (the statements joined, without their kind labels)."""
    statements: list[Statement] = Field(default_factory=list)
    """The advice sentence by sentence, each with its kind and citations (empty for model findings)."""
    citations: list[Citation] = Field(default_factory=list)
    origin: Literal["rule", "model"] = "rule"
    """`rule` for the declarative rule pack; `model` for findings the LLM added (never removes a rule finding)."""


class Gap(BaseModel):
    """A pitfall not yet assessed: a rule whose preconditions hold but whose trigger rests only on
    unanswered or "don't know" facts. Never a risk by itself: the coach says what to ask."""

    rule: str
    """The id of the rule that would flag the pitfall."""
    title: str
    stage: Stage
    severity: Severity
    """The severity the finding would have if the answers confirmed it."""
    fields: list[str] = Field(default_factory=list)
    """The profile fields still unknown."""
    question_ids: list[str] = Field(default_factory=list)
    ask: list[str] = Field(default_factory=list)
    """The questions to ask, worded for the project, in the snapshot's language."""
