"""Line breaking for Chinese (and Japanese, Korean) text in Rich and Textual.

Both wrap at whitespace only, so a Chinese sentence is one long "word": it is moved whole to the
next line (leaving a half-empty line) or cut anywhere. Here every CJK character is its own word,
keeping opening brackets with the character after them and closing punctuation (，。」）…) with
the one before, so no line starts with a comma or a closing bracket.
"""

from __future__ import annotations

import re

_CJK = r"\u2e80-\u2fff\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_OPEN = r"（「『【《〈“‘"
_CLOSE = r"，。、；：！？）」』】》〉”’％…,.;:!?)\]%"

_UNIT = (
    rf"[{_OPEN}]*[{_CJK}][{_CLOSE}]*"  # one CJK character with its brackets and punctuation
    rf"|[{_OPEN}]*[^\s{_CJK}{_OPEN}]+"  # a run of anything else (a Latin word, a number…)
    r"|\S"  # a stray opening bracket
)

RICH_WORD = re.compile(rf"\s*(?:{_UNIT})\s*")
"""Replaces `rich._wrap.re_word` (`\\s*\\S+\\s*`)."""

TEXTUAL_CHUNK = re.compile(rf"(?:{_UNIT})\s*|\s+")
"""Replaces `textual._wrap.re_chunk` (`\\S+\\s*|\\s+`)."""


def enable() -> None:
    """Install the CJK-aware word patterns (idempotent; a Rich or Textual without them is left as is)."""
    import rich._wrap
    import textual._wrap

    if isinstance(getattr(rich._wrap, "re_word", None), re.Pattern):
        rich._wrap.re_word = RICH_WORD
    if isinstance(getattr(textual._wrap, "re_chunk", None), re.Pattern):
        textual._wrap.re_chunk = TEXTUAL_CHUNK
