"""One writer per project on PostgreSQL: a session-level advisory lock held on a connection of its
own for as long as the project is open.

The lock dies with its connection, so a killed process frees the project at once; who holds it
(pid, host, since) is kept in `coach_writers`, so a second opener is told instead of silently
overwriting answers. Taking it polls `pg_try_advisory_lock`, never a blocking `pg_advisory_lock`
(which could wait forever behind a forgotten session). The SQLite side (a lock file) is the same
idea behind the same two calls: `acquire() -> Holder | None` and `release()`.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

LOCK_CLASS = 0x636F
"""First key of every coach advisory lock ("co"); the second is 0 (schema setup) or the project's
thread hashed by PostgreSQL's `hashtext`."""


@dataclass(frozen=True)
class Holder:
    """Who has a project open for writing."""

    pid: int
    host: str
    since: datetime | None

    def message(self, name: str) -> str:
        """One bilingual line telling a second opener who holds the project."""
        when = self.since.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if self.since else "?"
        return (
            f"Project “{name}” is open for writing by process {self.pid} on {self.host} since {when}; "
            f"opened read-only / 项目「{name}」正由 {self.host} 上的进程 {self.pid} 编辑（自 {when}），"
            "当前为只读"
        )


class ProjectLock:
    """The writer lock of one project (thread), on its own autocommit connection."""

    def __init__(self, url: str, thread_id: str) -> None:
        self.url = url
        self.thread_id = thread_id
        self._conn: Any = None

    @property
    def held(self) -> bool:
        return self._conn is not None

    def acquire(self, wait_s: float = 0.0) -> Holder | None:
        """Take the lock (None), polling up to `wait_s`; else the current holder."""
        import psycopg

        if self._conn is not None:
            return None
        conn = psycopg.connect(self.url, autocommit=True)
        deadline = time.monotonic() + wait_s
        try:
            while True:
                got = conn.execute(
                    "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (LOCK_CLASS, self.thread_id)
                ).fetchone()
                if got and got[0]:
                    break
                if time.monotonic() >= deadline:
                    return self._holder(conn)
                time.sleep(0.05)
            conn.execute(
                "INSERT INTO coach_writers VALUES (%s, %s, %s, %s) ON CONFLICT (thread_id) DO UPDATE "
                "SET pid = EXCLUDED.pid, host = EXCLUDED.host, since = EXCLUDED.since",
                (self.thread_id, os.getpid(), socket.gethostname(), datetime.now(UTC).isoformat()),
            )
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return None

    def _holder(self, conn: Any) -> Holder:
        try:
            row = conn.execute(
                "SELECT pid, host, since FROM coach_writers WHERE thread_id = %s", (self.thread_id,)
            ).fetchone()
        finally:
            conn.close()
        if row is None:  # taken a moment ago, its row not yet written
            return Holder(pid=0, host="?", since=None)
        since = datetime.fromisoformat(row[2]) if row[2] else None
        return Holder(pid=int(row[0] or 0), host=str(row[1] or "?"), since=since)

    def release(self) -> None:
        """Give the project up (closing the connection ends the lock)."""
        if self._conn is None:
            return
        try:
            self._conn.execute("DELETE FROM coach_writers WHERE thread_id = %s", (self.thread_id,))
        except Exception:
            pass  # the lock goes with the connection anyway; a stale row is overwritten by the next writer
        finally:
            self._conn.close()
            self._conn = None
