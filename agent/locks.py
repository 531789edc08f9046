"""Locks that keep two processes on one `COACH_HOME` from losing or damaging each other's work.

- **One writer per project** (`ProjectLocks`): a session opening a project for writing takes its
  lease; a second opener gets `ProjectBusy` naming the holder (pid, host, since) and may open the
  project read-only. The embedded backend (`FileProjectLocks`) holds an OS file lock
  (`filelock`: `flock` on POSIX) for as long as the process keeps the project open, so a lock left
  by a killed process is no lock at all (the OS released it): stale locks are recovered silently.
  A team backend (PostgreSQL advisory locks) implements the same two-method protocol and is
  installed with `use_project_locks`.
- **Knowledge-base writes** (`kb_write_lock`): adding or removing documents and (re)building the
  built-in index happen one process at a time; a reader that met a half-swapped collection waits
  for the writer and reads again.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from agent.errors import CoachError

LOCKS_DIR = "locks"
KB_LOCK = ".write.lock"
KB_WAIT_S = 600.0
"""Longest wait for another process's knowledge-base write (a large `kb add` takes minutes)."""


@dataclass(frozen=True)
class Holder:
    """Who holds a project: process id, host name and since when (ISO 8601, UTC)."""

    pid: int
    host: str
    since: str

    def since_local(self) -> str:
        """`since` as local time, minutes precision (for the message)."""
        try:
            return datetime.fromisoformat(self.since).astimezone().strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return self.since


class ProjectBusy(CoachError):
    """The project is open for writing in another window or process."""

    title = "Project busy / 项目已打开"
    exit_code = 1

    def __init__(self, project: str, holder: Holder | None) -> None:
        self.project = project
        self.holder = holder
        if holder is not None:
            where = "" if holder.host == socket.gethostname() else f" @ {holder.host}"
            when = holder.since_local()
            zh = f"项目已在另一个窗口打开（pid {holder.pid}{where}，自 {when}）"
            en = f"project open in another window (pid {holder.pid}{where}, since {when})"
        else:
            zh, en = "项目已在另一个窗口打开", "project open in another window"
        super().__init__(
            f"{zh} / {en}",
            hint="close it there, or open it read-only / 请先在那边关闭，或以只读方式打开",
        )


class ProjectReadOnly(CoachError):
    """An input sent to a project opened read-only."""

    title = "Read-only / 只读"
    exit_code = 1

    def __init__(self, project: str) -> None:
        super().__init__(
            f"“{project}” is open read-only here: another window is writing it / 此处为只读：另一个窗口正在编辑该项目",
            hint="close the other window, then open the project again / 关闭另一个窗口后重新打开",
        )


class ProjectLease(Protocol):
    """A held project: released when the session closes (or the process ends)."""

    def release(self) -> None: ...


class ProjectLocks(Protocol):
    """One writer per project. `acquire` returns a lease or raises `ProjectBusy`."""

    def acquire(self, project: str) -> ProjectLease: ...


class _FileLease:
    def __init__(self, lock: object, info: Path) -> None:
        self._lock = lock
        self._info = info

    def release(self) -> None:
        with suppress(OSError):
            self._info.unlink()
        self._lock.release()  # type: ignore[attr-defined]


class FileProjectLocks:
    """Project leases as OS file locks in `directory` (`COACH_HOME/locks`), one file per project."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _paths(self, project: str) -> tuple[Path, Path]:
        key = hashlib.sha256(project.encode("utf-8")).hexdigest()[:20]
        return self.directory / f"project-{key}.lock", self.directory / f"project-{key}.json"

    def acquire(self, project: str) -> ProjectLease:
        from filelock import FileLock, Timeout

        self.directory.mkdir(parents=True, exist_ok=True)
        path, info = self._paths(project)
        lock = FileLock(path, timeout=0, thread_local=False)
        try:
            lock.acquire()
        except Timeout:
            raise ProjectBusy(project, read_holder(info)) from None
        holder = Holder(os.getpid(), socket.gethostname(), datetime.now(UTC).isoformat(timespec="seconds"))
        tmp = info.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(holder.__dict__), encoding="utf-8")
        tmp.replace(info)  # whatever a killed holder left there is replaced
        return _FileLease(lock, info)

    def holder(self, project: str) -> Holder | None:
        """Who holds `project` now (None: nobody, or a holder that died)."""
        from filelock import FileLock, Timeout

        path, info = self._paths(project)
        if not path.exists():
            return None
        probe = FileLock(path, timeout=0, thread_local=False)
        try:
            probe.acquire()
        except Timeout:
            return read_holder(info)
        probe.release()
        return None


def read_holder(info: Path) -> Holder | None:
    """The holder a lease file names (None when absent or unreadable)."""
    try:
        data = json.loads(info.read_text(encoding="utf-8"))
        return Holder(int(data["pid"]), str(data["host"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


_backend: ProjectLocks | None = None


def use_project_locks(backend: ProjectLocks | None) -> None:
    """Install another backend (a team database's advisory locks); None: the file locks again."""
    global _backend
    _backend = backend


def project_locks() -> ProjectLocks:
    """The installed backend, else file locks under `COACH_HOME/locks`."""
    if _backend is not None:
        return _backend
    from agent.config import coach_home

    return FileProjectLocks(coach_home() / LOCKS_DIR)


def writer_lease(project: str) -> ProjectLease | None:
    """The project's writer lease (`ProjectBusy` when another window holds it); None where no lock
    file can be made (a read-only home: nothing can be written there anyway)."""
    try:
        return project_locks().acquire(project)
    except OSError:
        return None


@contextmanager
def kb_write_lock(root: Path, timeout: float = KB_WAIT_S) -> Iterator[None]:
    """Hold the knowledge base's write lock (`root/.write.lock`), waiting up to `timeout` seconds
    for another process's write to finish (re-entrant within one process)."""
    from filelock import FileLock, Timeout

    from agent.errors import StorageError

    root.mkdir(parents=True, exist_ok=True)
    lock = _kb_locks.setdefault(str(root), FileLock(root / KB_LOCK, timeout=timeout, thread_local=False))
    try:
        lock.acquire()
    except Timeout:
        raise StorageError(
            f"the knowledge base is busy: another process has been writing for over {timeout:.0f} s "
            "/ 知识库正被另一个进程写入",
            hint="wait for the other `coach kb add` to finish, then try again / 请等其完成后重试",
        ) from None
    try:
        yield
    finally:
        lock.release()


_kb_locks: dict[str, Any] = {}
