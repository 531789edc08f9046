"""Regulation notes: a separate, labelled source beside the seed-derived pack (`knowledge/regulations/`).

The notes summarise laws, standards and frameworks (China's generative-AI measures and labelling rules,
PIPL, the EU AI Act, NIST AI RMF, ISO/IEC 42001) in the project's own words. They are guidance, not
legal advice: every document that uses them says so. They never enter the seed pack (`load_pack`);
citations reach them through `knowledge.pack.cite` / `get_passage`, as passages of kind `regulation`
in the knowledge base `regulation`.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.datafiles import load_yaml
from agent.types import Passage, Stage

REGULATIONS_DIR = Path(__file__).parent / "regulations"
NOTES_FILE = REGULATIONS_DIR / "notes.yaml"
SOURCE_PREFIX = "regulation:"
KB = "regulation"
ID_RE = re.compile(r"^reg(-[a-z0-9]+)+$")
DATE_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")

DISCLAIMER = {
    "zh": "法规注释仅供参考，不构成法律意见；适用与否请由法务或外部律师确认。",
    "en": "Regulation notes are guidance, not legal advice; have counsel confirm what applies.",
}

Jurisdiction = Literal["CN", "EU", "US", "INTL"]


class RegulationError(ValueError):
    """The regulation notes are malformed (message names the file and note)."""


class Instrument(BaseModel):
    """A law, rule, standard or framework the notes rest on."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: dict[str, str]
    """Official title by language."""
    jurisdiction: Jurisdiction
    binding: str
    """law | departmental_rules | mandatory_standard | recommended_standard | voluntary_framework | …"""
    effective: str
    """Date it took (or takes) effect, ISO."""


class RegulationNote(BaseModel):
    """One note: what one article or clause asks, in the project's words."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    kind: Literal["regulation"]
    instrument: str
    article: dict[str, str]
    as_of: str
    """When the note was last checked against the text available."""
    stages: list[Stage] = Field(default_factory=list)
    title: dict[str, str]
    text: dict[str, str]
    dates_note: dict[str, str] = Field(default_factory=dict)
    """Dates announced to change or amended, with how sure we are."""


class RegulationPack(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    instruments: dict[str, Instrument]
    notes: list[RegulationNote]


@cache
def load_regulations(path: Path = NOTES_FILE) -> RegulationPack:
    """The notes and their instruments, validated; RegulationError names the file and note."""
    raw = load_yaml(path) or {}
    try:
        pack = RegulationPack.model_validate(raw)
    except ValueError as exc:
        raise RegulationError(f"{path.name}: {exc}") from None
    seen: set[str] = set()
    for inst_id, inst in pack.instruments.items():
        if not DATE_RE.match(inst.effective) or not inst.title.get("zh") or not inst.title.get("en"):
            raise RegulationError(f"{path.name}: instrument {inst_id}: needs zh/en title and an ISO date")
    for note in pack.notes:
        where = f"{path.name}: note {note.id}"
        if not ID_RE.match(note.id) or note.id in seen:
            raise RegulationError(f"{where}: id must be unique, kebab-case and start with 'reg-'")
        seen.add(note.id)
        if note.instrument not in pack.instruments:
            raise RegulationError(f"{where}: unknown instrument {note.instrument!r}")
        if not DATE_RE.match(note.as_of):
            raise RegulationError(f"{where}: as_of must be an ISO date")
        for field in ("article", "title", "text"):
            if not all(getattr(note, field).get(lang) for lang in ("zh", "en")):
                raise RegulationError(f"{where}: {field} needs zh and en")
        if note.dates_note and not all(note.dates_note.get(lang) for lang in ("zh", "en")):
            raise RegulationError(f"{where}: dates_note needs zh and en")
    return pack


@cache
def notes_index() -> dict[str, RegulationNote]:
    """Notes by id."""
    return {n.id: n for n in load_regulations().notes}


def get_note(note_id: str) -> RegulationNote | None:
    """A regulation note by id, or None."""
    return notes_index().get(note_id)


def instrument_of(note: RegulationNote) -> Instrument:
    """The instrument a note rests on."""
    return load_regulations().instruments[note.instrument]


def as_passage(note: RegulationNote) -> Passage:
    """The note as a citable passage (Chinese text; kind and knowledge base `regulation`)."""
    return Passage(
        id=note.id,
        text=note.text["zh"],
        title=note.title["zh"],
        title_en=note.title["en"],
        source=SOURCE_PREFIX + note.instrument,
        section=note.article["zh"],
        stages=list(note.stages),
        kind="regulation",
        kb=KB,
    )


def get_passage(note_id: str) -> Passage | None:
    """A regulation note as a passage, or None."""
    note = get_note(note_id)
    return as_passage(note) if note else None


def is_regulation_source(source: str) -> bool:
    """Whether a citation's source names a regulation instrument."""
    return source.startswith(SOURCE_PREFIX)


def source_title(source: str, lang: str) -> str | None:
    """Reader-facing name of a regulation source, labelled as a note (None for other sources)."""
    if not is_regulation_source(source):
        return None
    inst = load_regulations().instruments.get(source.removeprefix(SOURCE_PREFIX))
    if inst is None:
        return None
    title = inst.title.get(lang) or inst.title["zh"]
    zh_when, en_when = _DATE_WORDS.get(inst.binding, ("发布", "published"))
    if lang == "en":
        return f"Regulation note: {title} ({en_when} {inst.effective})"
    return f"法规注释：{title}（{inst.effective} {zh_when}）"


# How an instrument's date reads: a law is in force, a standard in effect, a framework published.
_DATE_WORDS = {
    "law": ("起施行", "in force from"),
    "departmental_rules": ("起施行", "in force from"),
    "mandatory_standard": ("起实施", "in effect from"),
    "recommended_standard": ("起实施", "in effect from"),
}


@cache
def _articles_en() -> dict[str, str]:
    return {n.article["zh"]: n.article["en"] for n in load_regulations().notes}


def article_label(section: str, lang: str) -> str:
    """A note's article in `lang` (notes store the Chinese one as the passage section)."""
    return _articles_en().get(section, section) if lang == "en" else section
