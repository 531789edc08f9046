"""The secret the security tests plant, and where to look for it."""

from __future__ import annotations

from pathlib import Path

API_KEY = "sk-test-SECRET-4f9c2a7e1b3d5f60a8c9e2d4"
"""A key that must never leave the process's memory: not in files, logs, output or error messages."""
FRAGMENTS = (API_KEY, API_KEY.removeprefix("sk-test-"), "SECRET-4f9c2a7e")
"""The key and distinctive parts of it (a masked key that still shows its middle counts as a leak)."""


def leaks(text: str | bytes) -> list[str]:
    """The fragments of the key that occur in the text (empty: no leak)."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
    return [f for f in FRAGMENTS if f.encode() in data]


def leaking_files(root: Path) -> dict[str, list[str]]:
    """Every file under root whose bytes contain a fragment of the key (SQLite pages, WAL, exports…)."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            hits = leaks(path.read_bytes())
            if hits:
                found[str(path.relative_to(root))] = hits
    return found
