"""The built-in guidance pack: passages written from the source documents, shipped as YAML.

Loading the pack needs no vector store: rules, recommendations and deliverables cite passages
by id and resolve them here, deterministically. The store indexes the same passages for search.

Each passage has a Chinese text (`pack/*.yaml`) and an English text written from the same source
(`pack/en/<same file>.yaml`, keyed by passage id), so a citation resolves in either language.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from agent.datafiles import load_yaml
from agent.types import Citation, Lang, Passage

PACK_DIR = Path(__file__).parent / "pack"
EN_DIR = PACK_DIR / "en"
ASKS_DIR = PACK_DIR / "asks"


@cache
def english_texts() -> dict[str, str]:
    """The English text of each built-in passage, by passage id."""
    texts: dict[str, str] = {}
    for path in sorted(EN_DIR.glob("*.yaml")):
        texts.update({str(k): str(v).strip() for k, v in (load_yaml(path) or {}).items()})
    return texts


@cache
def asks() -> dict[str, dict[Lang, tuple[str, ...]]]:
    """What users ask that each built-in passage answers, by passage id and language (`pack/asks/`).

    Short questions in a project lead's words (doc2query), indexed for BM25 beside the passage's text
    so a paraphrase that shares no word with the passage still finds it; never quoted or shown.
    """
    out: dict[str, dict[Lang, tuple[str, ...]]] = {}
    for path in sorted(ASKS_DIR.glob("*.yaml")):
        for pid, langs in (load_yaml(path) or {}).items():
            out[str(pid)] = {
                "zh": tuple(str(x).strip() for x in langs.get("zh") or ()),
                "en": tuple(str(x).strip() for x in langs.get("en") or ()),
            }
    return out


@cache
def load_pack() -> tuple[Passage, ...]:
    """Every passage of the built-in pack, in file then list order, with its English text."""
    english = english_texts()
    passages: list[Passage] = []
    for path in sorted(PACK_DIR.glob("*.yaml")):
        for item in load_yaml(path) or []:
            text_en = english.get(str(item.get("id")), "")
            passages.append(Passage.model_validate({**item, "kb": "builtin", "text_en": text_en}))
    return tuple(passages)


_CJK = re.compile(r"[\u3400-\u9fff]")


def text_lang(text: str) -> Lang:
    """The language a text is written in: Chinese when a fifth or more of its letters are CJK."""
    cjk = len(_CJK.findall(text))
    letters = cjk + sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "zh" if letters and cjk * 5 >= letters else "en"


def localize(passage: Passage, lang: Lang) -> Passage:
    """`passage` with its text in `lang` when it is a built-in passage; a user's document keeps its own
    language, recorded in `lang`."""
    if passage.kb != "builtin":
        return passage.model_copy(update={"lang": text_lang(passage.text)})
    original = pack_index().get(passage.id)
    if original is None:
        return passage
    if lang == "en" and original.text_en:
        return passage.model_copy(
            update={"text": original.text_en, "text_en": original.text_en, "lang": "en"}
        )
    return passage.model_copy(update={"text": original.text, "text_en": original.text_en, "lang": "zh"})


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

    In English the title is the passage's English title, the section its heading's English gloss and
    the quote the passage's English text.
    """
    p = pack_index().get(passage_id)
    if p is None:
        return _cite_regulation(passage_id, quote_chars, lang)
    quote = " ".join((p.text_en if lang == "en" and p.text_en else p.text).split())
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
