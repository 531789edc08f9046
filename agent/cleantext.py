"""Clean text out: the one helper that strips what a terminal, a document or a file name must not
receive from user text (`clean_text`).

Removed: escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL/ST`, any other `ESC x`), the C0
controls except tab and newline (so NUL, BEL, CR, backspace), DEL, the C1 controls (U+0080–U+009F,
which some terminals read as CSI/OSC) and the bidirectional overrides and isolates (U+202A–U+202E,
U+2066–U+2069) that make text display other than it reads. Applied where text leaves the program:
the CLI's prints, the TUI's rendering, the deliverables (Markdown, HTML, DOCX, JSON) and file names.
"""

from __future__ import annotations

import re
from typing import Any

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: ESC [ params intermediates final
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: ESC ] … BEL or ST (or cut short)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b.?",  # any other escape, or a lone ESC
    re.DOTALL,
)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    """`text` without escape sequences, control characters (tab and newline kept) or bidi overrides."""
    if not text or not _CONTROLS.search(text):  # ESC is a control: no control, no escape sequence
        return text
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def clean_data(value: Any) -> Any:
    """`clean_text` applied to every string in nested dicts, lists and tuples (keys too)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_data(k): clean_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(clean_data(v) for v in value)
    return value
