"""Safe file names and all-or-nothing writes into an output directory."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path
from types import TracebackType

_FORBIDDEN = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
MAX_NAME_BYTES = 150


def safe_filename(name: str, *, fallback: str = "project", max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file-name component safe on Windows, macOS and Linux; Chinese and other letters kept.

    Strips path separators, `:*?"<>|`, control characters, leading/trailing dots and spaces; avoids
    reserved device names (CON, NUL, COM1…); truncates to `max_bytes` of UTF-8 on a character boundary.
    """
    text = unicodedata.normalize("NFC", name)
    text = _FORBIDDEN.sub("_", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"_+", "_", text).strip(" ._")
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    encoded = text.encode("utf-8")
    if len(encoded) > max_bytes:
        text = encoded[:max_bytes].decode("utf-8", errors="ignore").rstrip(" ._")
    return text or fallback


class StagedOutput:
    """Write files into a hidden staging directory inside `out_dir`; move them into place on success.

    Used as a context manager: on an exception the staging directory is removed (and `out_dir` too,
    when this run created it), so a failed run leaves the output directory as it was.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.created = False
        self.stage: Path | None = None
        self.names: list[str] = []

    def __enter__(self) -> StagedOutput:
        if not self.out_dir.exists():
            self.out_dir.mkdir(parents=True)
            self.created = True
        self.stage = Path(tempfile.mkdtemp(prefix=".coach-staging-", dir=self.out_dir))
        return self

    def path(self, name: str) -> Path:
        """Staging path for a final file name (a plain name: no directories)."""
        assert self.stage is not None
        if Path(name).name != name or name in ("", ".", ".."):
            raise ValueError(f"not a plain file name: {name!r}")
        self.names.append(name)
        return self.stage / name

    def commit(self) -> list[Path]:
        """Move every staged file into the output directory; returns the final paths."""
        assert self.stage is not None
        final: list[Path] = []
        for name in self.names:
            src = self.stage / name
            if src.exists():
                dest = self.out_dir / name
                os.replace(src, dest)
                final.append(dest)
        return final

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.stage is not None:
            shutil.rmtree(self.stage, ignore_errors=True)
        if exc_type is not None and self.created:
            shutil.rmtree(self.out_dir, ignore_errors=True)
