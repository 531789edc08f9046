"""Word document metadata a reader and a document-management system see: core properties,
running header and a footer with page numbers ("第 3 页，共 9 页" / "Page 3 of 9").

python-docx's default template carries "python-docx" as author and a 2013 creation date; every
deliverable overwrites them with the project's own values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class DocMeta:
    """What a deliverable's Word file says about itself."""

    title: str
    author: str
    """The organisation (or project) that owns the document; never the library's name."""
    subject: str = ""
    """The project's name."""
    version: str = ""
    status: str = ""
    created: datetime | None = None
    keywords: str = ""


def apply_core_properties(document: Any, meta: DocMeta) -> None:
    """Title, author, created/modified, subject, version, status: no template leftovers."""
    now = meta.created or datetime.now(UTC)
    props = document.core_properties
    props.title = meta.title
    props.author = meta.author
    props.last_modified_by = meta.author
    props.subject = meta.subject
    props.keywords = meta.keywords
    props.comments = ""
    props.category = meta.status
    props.content_status = meta.status
    props.version = meta.version
    props.created = now
    props.modified = now
    props.last_printed = now
    props.revision = 1


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice compute when they lay the page out.

    One run per part, as Word writes it: LibreOffice sizes a field's result from the run of its
    result, and gave a field packed into one run the paragraph's size (a 10.5 pt page number in an
    8 pt footer)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    paragraph.add_run()._r.append(char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(char("end"))


def add_header_footer(
    section: Any, meta: DocMeta, lang: str, *, header: bool = True, footer: bool = True
) -> None:
    """Running header (project · document · version · status) and a "page n of m" footer (either
    left out when an organisation's reference file brings its own)."""
    if header:
        _add_header(section, meta)
    if footer:
        _add_footer(section, lang)


def _add_header(section: Any, meta: DocMeta) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    header = section.header.paragraphs[0]
    parts = [p for p in (meta.subject, meta.title, meta.version and f"v{meta.version}", meta.status) if p]
    run = header.add_run(" · ".join(parts))
    run.font.size = Pt(8)
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _add_footer(section: Any, lang: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if lang == "en":
        footer.add_run("Page ")
        _field(footer, "PAGE")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES")
    else:
        footer.add_run("第 ")
        _field(footer, "PAGE")
        footer.add_run(" 页，共 ")
        _field(footer, "NUMPAGES")
        footer.add_run(" 页")
    for r in footer.runs:
        r.font.size = Pt(8)
