"""The built-in guidance pack: passages written from the source documents, shipped as YAML.

Loading the pack needs no vector store: rules, recommendations and deliverables cite passages
by id and resolve them here, deterministically. The store indexes the same passages for search.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from agent.datafiles import load_yaml
from agent.types import Citation, Passage

PACK_DIR = Path(__file__).parent / "pack"


@cache
def load_pack() -> tuple[Passage, ...]:
    """Every passage of the built-in pack, in file then list order."""
    passages: list[Passage] = []
    for path in sorted(PACK_DIR.glob("*.yaml")):
        for item in load_yaml(path) or []:
            passages.append(Passage.model_validate({**item, "kb": "builtin"}))
    return tuple(passages)


@cache
def pack_index() -> dict[str, Passage]:
    """Passages by id."""
    return {p.id: p for p in load_pack()}


def get_passage(passage_id: str) -> Passage | None:
    """A built-in passage by id (a seed-pack passage or a regulation note), or None."""
    from knowledge import regulatory

    return pack_index().get(passage_id) or regulatory.get_passage(passage_id)


GLOSSES_FILE = Path(__file__).parent / "section_glosses.yaml"


@cache
def section_glosses() -> dict[str, str]:
    """English glosses of the source documents' headings, by the heading as written."""
    return {str(k): str(v) for k, v in (load_yaml(GLOSSES_FILE) or {}).items()}


def section_gloss(section: str) -> str:
    """The English gloss of a section path (`A > B`, each heading glossed); '' when any has none."""
    glosses = [section_glosses().get(part.strip(), "") for part in section.split(" > ")]
    return " > ".join(glosses) if section and all(glosses) else ""


def cite(passage_id: str, quote_chars: int = 80, lang: str = "zh") -> Citation:
    """A citation to a built-in passage; raises KeyError for an unknown id (a broken data file).

    In English the title is the passage's English title and the section its heading's English gloss;
    the quote is always the passage's own (Chinese) words.
    """
    p = pack_index().get(passage_id)
    if p is None:
        return _cite_regulation(passage_id, quote_chars, lang)
    quote = p.text.strip().replace("\n", " ")
    if len(quote) > quote_chars:
        quote = quote[:quote_chars] + "…"
    title, section = p.title, p.section
    if lang == "en":
        title, section = p.title_en or p.title, section_gloss(p.section) or p.section
    return Citation(passage_id=p.id, source=p.source, section=section, title=title, quote=quote)


def _cite_regulation(note_id: str, quote_chars: int, lang: str) -> Citation:
    """A citation to a regulation note (a separate source, labelled as such); KeyError when unknown."""
    from knowledge import regulatory

    note = regulatory.get_note(note_id)
    if note is None:
        raise KeyError(note_id)
    key = "en" if lang == "en" else "zh"
    quote = " ".join(note.text[key].split())
    if len(quote) > quote_chars:
        quote = quote[:quote_chars] + "…"
    return Citation(
        passage_id=note.id,
        source=regulatory.SOURCE_PREFIX + note.instrument,
        section=note.article[key],
        title=note.title[key],
        quote=quote,
    )
