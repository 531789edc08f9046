"""Human labels for profile fields and option values (data: `knowledge/templates/labels.yaml`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.datafiles import load_yaml as load_yaml  # re-exported: registry, scorecard

if TYPE_CHECKING:
    from agent.types import Citation

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "knowledge" / "templates"


@cache
def _labels_file() -> Any:
    """`labels.yaml` as read (once: labels and field values come from the same file)."""
    return load_yaml(TEMPLATES_DIR / "labels.yaml")


@cache
def _labels() -> dict[str, dict[str, dict[str, str]]]:
    data = _labels_file()
    return {
        "fields": data["fields"],
        "values": {str(k): v for k, v in data["values"].items()},
        "sources": data.get("sources", {}),
    }


def field_label(path: str, lang: str) -> str:
    """The display name of a dotted profile path (the path itself when unlabelled)."""
    entry = _labels()["fields"].get(path)
    return entry[lang] if entry else path


def value_label(value: Any, lang: str) -> str:
    """The display text of one option value; free text and numbers come back unchanged."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    entry = _labels()["values"].get(str(value)) if isinstance(value, str) else None
    return entry[lang] if entry else str(value)


def _field_values() -> dict[str, dict[str, dict[str, str]]]:
    data: dict[str, dict[str, dict[str, str]]] = _labels_file().get("field_values", {})
    return data


def _option_label(path: str, value: Any, lang: str) -> str:
    """An option value as shown for one field: the field's own wording when "both" alone is unclear."""
    entry = _field_values().get(path, {}).get(value) if isinstance(value, str) else None
    return entry[lang] if entry else value_label(value, lang)


@cache
def _free_text_fields() -> frozenset[str]:
    """Profile paths whose values are the user's own words (never translated into labels)."""
    from agent.profile import Profile

    free: set[str] = set()
    for path in Profile.field_paths():
        section, _, name = path.partition(".")
        sec_type = Profile.model_fields[section].annotation
        annotation = repr(sec_type.model_fields[name].annotation)  # type: ignore[union-attr]
        if "Literal" not in annotation and "bool" not in annotation:
            free.add(path)
    return frozenset(free)


def is_free_text(path: str) -> bool:
    """Whether the field holds the user's own words (text or numbers) rather than options."""
    return path in _free_text_fields()


def format_value(value: Any, lang: str, path: str = "") -> str | None:
    """A profile value as reader-facing text; None when unknown (an open question)."""
    if value is None:
        return None
    free = path in _free_text_fields()
    sep = "、" if lang == "zh" else ", "
    if isinstance(value, list):
        if not value:
            return "—"
        return sep.join(str(v) if free else _option_label(path, v, lang) for v in value)
    if free and isinstance(value, str):
        return value
    return _option_label(path, value, lang)


def source_name(source: str, lang: str) -> str:
    """The document's reader-facing title alone (the file name when unknown); a regulation note's
    instrument by its official title, labelled as a regulation note."""
    from knowledge.regulatory import source_title

    regulation = source_title(source, lang)
    if regulation:
        return regulation
    entry = _labels().get("sources", {}).get(source)
    return entry[lang] if entry else source


def source_label(source: str, lang: str) -> str:
    """Reader-facing name of a cited source document (the file name when unknown)."""
    from knowledge.regulatory import source_title

    regulation = source_title(source, lang)
    if regulation:
        return regulation
    entry = _labels().get("sources", {}).get(source)
    return f"{entry[lang]} ({source})" if entry else source


def section_label(section: str, lang: str, kb: str = "builtin") -> str:
    """Reader-facing section of a cited passage.

    Chinese output and sections without a known gloss: the heading as written. English output: a
    built-in passage's section by its English gloss; a user's document (e.g. their own copy of a
    source document) keeps its heading, each known heading followed by its gloss in brackets.
    """
    from knowledge.pack import section_gloss

    if lang != "en" or not section:
        return section
    if kb == "regulation":
        from knowledge.regulatory import article_label

        return article_label(section, lang)
    if kb == "builtin":
        return section_gloss(section) or section
    parts = []
    for part in section.split(" > "):
        gloss = section_gloss(part)
        parts.append(f"{part} ({gloss})" if gloss else part)
    return " > ".join(parts)


def citation_in(citation: Citation, lang: str) -> Citation:
    """A citation as a reader of `lang` sees it: in English a built-in passage's English title and
    section gloss, a user's document its headings with their glosses; unchanged in Chinese."""
    from knowledge.pack import get_passage

    if lang != "en":
        return citation
    passage = get_passage(citation.passage_id)
    if passage is not None:
        return citation.model_copy(
            update={
                "title": passage.title_en or citation.title,
                "section": section_label(citation.section, lang, passage.kb),
            }
        )
    return citation.model_copy(
        update={
            "title": section_label(citation.title, lang, "org"),
            "section": section_label(citation.section, lang, "org"),
        }
    )
