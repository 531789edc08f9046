"""Safe file names and all-or-nothing writes into an output directory."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
from pathlib import Path
from types import TracebackType

from agent.cleantext import clean_text

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
    text = unicodedata.normalize("NFC", clean_text(name))
    text = _FORBIDDEN.sub("_", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"_+", "_", text).strip(" ._")
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    encoded = text.encode("utf-8")
    if len(encoded) > max_bytes:
        text = encoded[:max_bytes].decode("utf-8", errors="ignore").rstrip(" ._")
    return text or fallback


STAGING_PREFIX = ".coach-staging-"
"""Hidden staging directories in an output directory: `.coach-staging-<pid>-<random>`."""
_STALE_AFTER_S = 3600.0
"""Where a process cannot be checked (Windows), a staging directory this old is abandoned."""
_LIVE: set[str] = set()
"""Staging directories of exports running in this process (the TUI may export while another runs)."""


def _pid_alive(pid: int) -> bool:
    """Whether process `pid` still runs (True when it cannot be told: keep its files)."""
    if pid == os.getpid():
        return False  # a directory of ours not in _LIVE: a dead process's, whose pid we reuse
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _abandoned(stage: Path) -> bool:
    """A staging directory left by a process that was killed mid-export."""
    if os.path.realpath(stage) in _LIVE:
        return False
    pid_text = stage.name[len(STAGING_PREFIX) :].split("-", 1)[0]
    if os.name == "posix" and pid_text.isdigit():
        return not _pid_alive(int(pid_text))
    try:
        age = time.time() - stage.stat().st_mtime
    except OSError:
        return False
    # an older version's name (no pid), or no way to check the process: go by age
    return not pid_text.isdigit() or age > _STALE_AFTER_S


def _fsync(path: Path, *, directory: bool = False) -> None:
    """Flush a file (or a directory's entries) to disk; a no-op where the platform can't."""
    try:
        fd = os.open(path, os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_abandoned_staging(out_dir: Path) -> list[Path]:
    """Remove the staging directories killed exports left in `out_dir`; returns them."""
    removed = []
    try:
        candidates = [p for p in out_dir.iterdir() if p.name.startswith(STAGING_PREFIX) and p.is_dir()]
    except OSError:
        return []
    for stage in candidates:
        if _abandoned(stage):
            shutil.rmtree(stage, ignore_errors=True)
            removed.append(stage)
    return removed


JOURNAL_DIR = "staging"
"""Under COACH_HOME: one small file per running export naming its staging directory, so the next
start of the coach can remove what an export killed mid-way left in any output directory."""


def _journal_add(journal: Path, stage: Path, created: Path | None) -> Path | None:
    """Record a live staging directory; None when the journal cannot be written (best effort)."""
    try:
        journal.mkdir(parents=True, exist_ok=True)
        entry = journal / f"{stage.name}.json"
        entry.write_text(
            json.dumps({"stage": str(stage), "created": str(created) if created else None}),
            encoding="utf-8",
        )
    except OSError:
        return None
    return entry


def sweep_staging(journal: Path) -> list[Path]:
    """Remove the staging directories of exports that were killed (their process is gone).

    Run at start-up: an entry whose process still runs is kept; a directory that is not a staging
    directory is never touched; an output directory the killed export created is removed when it
    holds nothing else. Returns the staging directories removed.
    """
    try:
        entries = list(journal.glob(f"{STAGING_PREFIX}*.json"))
    except OSError:
        return []
    removed: list[Path] = []
    for entry in entries:
        try:
            record = json.loads(entry.read_text(encoding="utf-8"))
            stage = Path(record["stage"])
            created = Path(record["created"]) if record.get("created") else None
        except (OSError, ValueError, KeyError, TypeError):
            entry.unlink(missing_ok=True)  # unreadable: a torn write of a killed process
            continue
        if not stage.name.startswith(STAGING_PREFIX) or not _abandoned(stage):
            if stage.name.startswith(STAGING_PREFIX) and stage.exists():
                continue  # a live export's
            entry.unlink(missing_ok=True)
            continue
        if stage.is_dir():
            shutil.rmtree(stage, ignore_errors=True)
            removed.append(stage)
        if created is not None and stage.parent == created:
            with contextlib.suppress(OSError):
                created.rmdir()  # only when empty
        entry.unlink(missing_ok=True)
    return removed


class StagedOutput:
    """Write files into a hidden staging directory inside `out_dir`; move them into place on success.

    Used as a context manager: on an exception the staging directory is removed (and `out_dir` too,
    when this run created it), so a failed run leaves the output directory as it was. Each file is
    moved into place with an atomic rename, so a process killed at any point leaves every file in
    `out_dir` complete (the previous or the new version); what a kill leaves in the hidden staging
    directory is removed by the next export into the same directory, or at the next start of the
    coach when a journal is given (`sweep_staging`).
    """

    def __init__(self, out_dir: Path, journal: Path | None = None) -> None:
        self.out_dir = out_dir
        self.created = False
        self.stage: Path | None = None
        self.names: list[str] = []
        self.journal = journal
        """Where to record the staging directory while it lives (see `sweep_staging`)."""
        self._entry: Path | None = None

    def __enter__(self) -> StagedOutput:
        if not self.out_dir.exists():
            self.out_dir.mkdir(parents=True)
            self.created = True
        else:
            remove_abandoned_staging(self.out_dir)
        self.stage = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=self.out_dir))
        _LIVE.add(os.path.realpath(self.stage))
        if self.journal is not None:
            created = self.out_dir.resolve() if self.created else None
            self._entry = _journal_add(self.journal, self.stage.resolve(), created)
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
        staged = [name for name in self.names if (self.stage / name).exists()]
        for name in staged:
            # on disk before the rename: after a power cut a file is the old or the new one, not empty
            _fsync(self.stage / name)
        final: list[Path] = []
        for name in staged:
            dest = self.out_dir / name
            os.replace(self.stage / name, dest)
            final.append(dest)
        _fsync(self.out_dir, directory=True)
        return final

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.stage is not None:
            shutil.rmtree(self.stage, ignore_errors=True)
            _LIVE.discard(os.path.realpath(self.stage))
        if self._entry is not None:
            self._entry.unlink(missing_ok=True)
        if exc_type is not None and self.created:
            shutil.rmtree(self.out_dir, ignore_errors=True)
