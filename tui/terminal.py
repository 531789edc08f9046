"""Terminal input that survives bytes which are not UTF-8.

Textual's Linux driver decodes stdin with a strict UTF-8 decoder on its input thread: one byte
that is not UTF-8 (a terminal set to GBK, a paste from a mis-encoded file, Alt sending a raw
high byte) raises UnicodeDecodeError there and takes the whole app down with a traceback. Here
such bytes read as U+FFFD (�) instead, so the user sees what arrived and can correct it.
"""

from __future__ import annotations

import codecs
from typing import Any


def _lenient_decoder(encoding: str, *args: Any, **kwargs: Any) -> Any:
    """`codecs.getincrementaldecoder`, but a decoder built from it replaces undecodable bytes."""
    cls = codecs.getincrementaldecoder(encoding)

    def build(errors: str = "replace") -> codecs.IncrementalDecoder:
        return cls(errors if errors != "strict" else "replace")

    return build


def tolerate_invalid_input() -> None:
    """Make the Linux driver replace undecodable input bytes (idempotent; other drivers are left
    as they are)."""
    try:
        from textual.drivers import linux_driver
    except ImportError:  # e.g. Windows
        return
    if getattr(linux_driver, "getincrementaldecoder", None) is codecs.getincrementaldecoder:
        linux_driver.getincrementaldecoder = _lenient_decoder  # type: ignore[attr-defined]
