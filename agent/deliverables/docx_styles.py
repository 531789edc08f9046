"""Where a Word deliverable's styles come from: the built-in set, or an organisation's reference file.

Built in: python-docx's default template with Chinese-capable fonts (`w:eastAsia`), a 10.5 pt body
and dark-blue headings, prepared once per language.

An organisation's reference file (`COACH_HOME/templates/reference.docx`, pandoc's --reference-doc)
instead becomes the base of every deliverable.
The file's body is emptied; its styles (fonts, headings, colours), page size and margins, header
and footer, theme and settings stay. A style the deliverables use and the file lacks (a list, a
quote, the table grid) is copied from the built-in set, with its list numbering. Word may give a
style another id than its name (a Chinese Word saves "heading 1" as id "1"), so the deliverables
set styles through `StyleIds`, built from the names.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from agent.deliverables.org_templates import reference_docx_path

EAST_ASIAN_FONT = "Microsoft YaHei"
LATIN_FONT = "Calibri"
MONO_FONT = "Consolas"
TABLE_CELL_PADDING_TWIPS = 34
"""Space above and below a table cell's text (1.7 pt)."""

CANONICAL_STYLES = (
    "Normal",
    "Title",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Heading 4",
    "Quote",
    "Intense Quote",
    "List Bullet",
    "List Bullet 2",
    "List Number",
    "List Number 2",
    "Table Grid",
)
"""Styles the renderer sets, by name; their ids in python-docx's default template are the names
without spaces ("Heading 1" → "Heading1")."""


def canonical_id(name: str) -> str:
    """The id python-docx's default template gives a style name."""
    return name.replace(" ", "")


def style_ids(document: Any) -> dict[str, str]:
    """Canonical id → this document's id, for the styles the renderer sets."""
    by_name = {s.name: s.style_id for s in document.styles}
    return {canonical_id(n): by_name[n] for n in CANONICAL_STYLES if n in by_name}


def _copy_numbering(target: Any, source: Any, num_id: str) -> str | None:
    """Copy list definition `num_id` (and its abstract definition) from `source`'s numbering into
    `target`'s under fresh ids; the new num id, or None when `source` lacks it."""
    from docx.oxml.ns import qn

    src = source.part.numbering_part.element
    num = next((n for n in src.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id), None)
    if num is None:
        return None
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(
        (a for a in src.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id), None
    )
    if abstract is None:
        return None
    dst = target.part.numbering_part.element
    used_nums = [int(n.get(qn("w:numId"))) for n in dst.findall(qn("w:num"))]
    used_abstract = [int(a.get(qn("w:abstractNumId"))) for a in dst.findall(qn("w:abstractNum"))]
    new_abstract = copy.deepcopy(abstract)
    new_abstract.set(qn("w:abstractNumId"), str(max(used_abstract, default=-1) + 1))
    for link in new_abstract.findall(qn("w:nsid")):  # a fresh list, not one Word merges with the file's
        new_abstract.remove(link)
    first_num = dst.find(qn("w:num"))
    if first_num is not None:  # the schema wants every abstractNum before the first num
        first_num.addprevious(new_abstract)
    else:
        dst.append(new_abstract)
    new_num = copy.deepcopy(num)
    new_id = str(max(used_nums, default=0) + 1)
    new_num.set(qn("w:numId"), new_id)
    new_num.find(qn("w:abstractNumId")).set(qn("w:val"), new_abstract.get(qn("w:abstractNumId")))
    dst.append(new_num)
    return new_id


def _add_missing_styles(document: Any) -> list[str]:
    """Copy every style the renderer sets and `document` lacks from python-docx's default template."""
    import docx
    from docx.oxml.ns import qn

    have = {s.name for s in document.styles}
    missing = [n for n in CANONICAL_STYLES if n not in have]
    if not missing:
        return []
    default = docx.Document()
    default_by_name = {s.name: s for s in default.styles}
    taken = {s.style_id for s in document.styles}
    for name in missing:
        element = copy.deepcopy(default_by_name[name].element)
        if element.get(qn("w:styleId")) in taken:  # an unrelated style of that id: keep theirs
            element.set(qn("w:styleId"), canonical_id(name) + "Coach")
        based_on = element.find(qn("w:basedOn"))
        if based_on is not None:  # based on their Normal (whatever its id), so their fonts carry over
            normal = style_ids(document).get("Normal")
            if normal:
                based_on.set(qn("w:val"), normal)
            else:
                element.remove(based_on)
        for num_id in element.iter(qn("w:numId")):
            new_id = _copy_numbering(document, default, num_id.get(qn("w:val")))
            if new_id is not None:
                num_id.set(qn("w:val"), new_id)
        document.styles.element.append(element)
    return missing


def _empty_body(document: Any) -> None:
    """Remove the sample text; keep the last section's properties (page size, margins, header and
    footer references)."""
    from docx.oxml.ns import qn

    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def has_content(part: Any) -> bool:
    """Whether a header or footer holds anything (text, a field, a picture)."""
    if part.is_linked_to_previous:
        return False
    xml = part._element.xml
    return bool("".join(p.text for p in part.paragraphs).strip()) or any(
        tag in xml for tag in ("<w:drawing", "<w:pict", "<w:fldSimple", "<w:instrText", "<w:tbl")
    )


@lru_cache(maxsize=4)
def _prepared(path: str, mtime_ns: int, size: int, lang: str) -> tuple[bytes, tuple[tuple[str, str], ...]]:
    import docx

    document = docx.Document(path)
    _empty_body(document)
    _add_missing_styles(document)
    document.core_properties.language = "zh-CN" if lang == "zh" else "en-GB"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), tuple(style_ids(document).items())


def prepared_reference(path: Path, lang: str) -> tuple[bytes, dict[str, str]]:
    """The reference file, emptied and completed, as bytes (cached while the file is unchanged),
    and its style ids."""
    stat = path.stat()
    data, ids = _prepared(str(path), stat.st_mtime_ns, stat.st_size, lang)
    return data, dict(ids)


def set_fonts(element: Any, east_asian: str = EAST_ASIAN_FONT, latin: str = LATIN_FONT) -> None:
    """Set the fonts of a style or run element, including `w:eastAsia` for Chinese glyphs."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr() if hasattr(element, "get_or_add_rPr") else element.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(theme_attr)) is not None:
            del fonts.attrib[qn(theme_attr)]


def _prepare_styles(document: Any, lang: str) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    # Document defaults first (every style inherits them), then the styles that name theme fonts.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None and rpr_default.find(qn("w:rPr")) is not None:
        set_fonts(rpr_default)
    by_name = {s.name: s for s in document.styles}
    for name in CANONICAL_STYLES:
        if name in by_name:
            set_fonts(by_name[name].element)
    normal = by_name["Normal"]
    normal.font.size = Pt(10.5)
    rpr = normal.element.get_or_add_rPr()
    rpr.append(rpr.makeelement(qn("w:lang"), {qn("w:val"): "en-US", qn("w:eastAsia"): "zh-CN"}))
    for level in range(1, 5):
        by_name[f"Heading {level}"].font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    # a little air above and below a cell's text (the default grid has none: lines touch the rules)
    margins = by_name["Table Grid"].element.find(qn("w:tblPr")).find(qn("w:tblCellMar"))
    for side in ("top", "bottom"):
        margins.find(qn(f"w:{side}")).set(qn("w:w"), str(TABLE_CELL_PADDING_TWIPS))
    document.core_properties.language = "zh-CN" if lang == "zh" else "en-GB"


@lru_cache(maxsize=2)
def builtin_template(lang: str) -> bytes:
    """python-docx's default template with our styles, prepared once per language (reading it
    back costs less than opening the default and preparing the styles for every document)."""
    import docx

    document = docx.Document()
    _prepare_styles(document, lang)
    _trim(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


EXTRA_KEPT_STYLES = ("Header", "Footer", "Caption", "ListParagraph")
"""Style ids kept beside the canonical ones: the header and footer paragraphs', and two a picture or
a list may use."""


def _trim(document: Any) -> None:
    """The default template without what no deliverable uses, read and written for every file:
    Word 2010's `stylesWithEffects` copy of the styles (430 KB), the thumbnail picture of
    python-docx's own sample page (shown by file browsers as if it were ours), and the ~140 style
    definitions no deliverable sets (350 KB; Word adds a built-in style back when it is applied)."""
    from docx.oxml.ns import qn

    for rid, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            document.part.drop_rel(rid)
    package_rels = document.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package_rels[rid]
    styles = document.styles.element
    by_id = {el.get(qn("w:styleId")): el for el in styles.findall(qn("w:style"))}
    keep = {canonical_id(n) for n in CANONICAL_STYLES} | set(EXTRA_KEPT_STYLES)
    keep |= {sid for sid, el in by_id.items() if el.get(qn("w:default")) in ("1", "true")}
    todo = list(keep)
    while todo:  # what the kept styles are based on, linked to, or followed by
        el = by_id.get(todo.pop())
        for tag in ("w:basedOn", "w:link", "w:next"):
            ref = el.find(qn(tag)) if el is not None else None
            target = ref.get(qn("w:val")) if ref is not None else None
            if target and target not in keep:
                keep.add(target)
                todo.append(target)
    for sid, el in by_id.items():
        if sid not in keep:
            styles.remove(el)


_STYLE_IDS: ContextVar[dict[str, str] | None] = ContextVar("coach_docx_style_ids", default=None)
"""The document's id for each canonical style id (an organisation's reference file may use others)."""


def style_for(style_id: str) -> str:
    """The current document's id of a canonical style id."""
    return (_STYLE_IDS.get() or {}).get(style_id, style_id)


@contextmanager
def styles_of(ids: dict[str, str]) -> Iterator[None]:
    """Set styles through `ids` (canonical id → the document's) while a document is written."""
    token = _STYLE_IDS.set(ids)
    try:
        yield
    finally:
        _STYLE_IDS.reset(token)


def base_document(lang: str) -> tuple[bytes, dict[str, str], bool]:
    """The document every deliverable starts from: (its bytes, its style ids, whether it is the
    organisation's reference file)."""
    reference = reference_docx_path()
    if reference is None:
        return builtin_template(lang), {}, False
    data, ids = prepared_reference(reference, lang)
    return data, ids, True
