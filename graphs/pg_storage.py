"""Team mode sessions: PostgreSQL instead of `COACH_HOME/sessions.sqlite` when `COACH_DATABASE_URL`
(or `database_url` in config.toml) is set.

One connection pool per open store; LangGraph's `PostgresSaver` over it (the same checkpointed state
and serializer as SQLite); the project list in a `coach_projects` table of the same shape; and one
writer per project (`graphs.pg_lock`). Schema setup is safe when several processes start at once:
it runs under a *polling* `pg_try_advisory_lock` — a blocking lock deadlocks with the checkpointer's
`CREATE INDEX CONCURRENTLY`, which waits for every other open transaction. The drivers come with the
`team` extra and are imported only here.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from agent.config import Settings
from agent.errors import InputError, StorageError
from graphs.pg_lock import LOCK_CLASS, Holder, ProjectLock
from graphs.storage import (
    _CHECKPOINT_KEYS,
    _TYPES,
    APP_ID,
    SCHEMA_VERSION,
    UnreadableCheckpoint,
    _row,
    serializer,
)

SETUP_LOCK = 0
"""The advisory lock (LOCK_CLASS, 0) held while one process creates or migrates the schema."""
SETUP_WAIT_S = 60.0
_COLUMNS = "name, thread_id, lang, stage, readiness, done, created_at, updated_at"


def _driver_missing(exc: ImportError) -> StorageError:
    return StorageError(
        f"COACH_DATABASE_URL is set but the PostgreSQL drivers are not installed ({exc.name}) "
        "/ 已设置 COACH_DATABASE_URL，但未安装 PostgreSQL 驱动",
        hint="pip install 'adoption-coach[team]', or unset COACH_DATABASE_URL to use the personal "
        "SQLite file / 请安装 team 扩展，或取消该变量",
    )


def redact(url: str) -> str:
    """The database URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@contextmanager
def pg_errors(url: str) -> Iterator[None]:
    """Turn driver failures into StorageErrors naming the (redacted) database and what to do."""
    try:
        yield
    except UnreadableCheckpoint as exc:
        raise StorageError(
            f"{redact(url)}: a saved project's history is damaged and cannot be read ({exc}) "
            "/ 项目的会话记录已损坏",
            hint="Other projects are unaffected: delete this one with `coach projects --delete NAME` "
            "/ 其他项目不受影响，可删除该项目后重新开始",
        ) from exc
    except StorageError:
        raise
    except Exception as exc:
        import psycopg
        import psycopg_pool

        if not isinstance(exc, psycopg.Error | psycopg_pool.PoolTimeout):
            raise
        raise StorageError(
            f"PostgreSQL at {redact(url)}: {type(exc).__name__}: {str(exc).strip().splitlines()[0]} "
            "/ 无法访问团队数据库",
            hint="Check COACH_DATABASE_URL and that the server is running (`coach doctor`) "
            "/ 请检查数据库地址与服务状态",
        ) from exc


class _Keep:
    """An enum channel value on its way to a blob (see `_checked_saver`)."""

    def __init__(self, value: Enum) -> None:
        self.value = value


def _checked_saver(pool: Any) -> Any:
    """LangGraph's Postgres checkpointer with our serializer, refusing a checkpoint of the wrong
    shape as the SQLite one does (`graphs.storage`).

    The saver keeps `str`/`int` channel values inline as JSON, which turns a `Stage` (a str enum)
    into a plain string on reading; enum values are sent to the blob table, through our
    serializer, instead, so a resumed state holds the same types as on SQLite.
    """
    from langgraph.checkpoint.postgres import PostgresSaver

    base = type(serializer())

    class KeepEnums(base):  # type: ignore[valid-type,misc]
        def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
            return super().dumps_typed(obj.value if isinstance(obj, _Keep) else obj)  # type: ignore[no-any-return]

    class CheckedPostgresSaver(PostgresSaver):
        def put(self, config: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
            values = checkpoint["channel_values"]
            boxed = {k: _Keep(v) for k, v in values.items() if isinstance(v, Enum)}
            if boxed:
                checkpoint = {**checkpoint, "channel_values": {**values, **boxed}}
            return super().put(config, checkpoint, metadata, new_versions)

        def get_tuple(self, config: Any) -> Any:
            found = super().get_tuple(config)
            if found is not None:
                checkpoint = found.checkpoint
                if not isinstance(checkpoint, dict) or any(
                    not isinstance(checkpoint.get(key), kind) for key, kind in _CHECKPOINT_KEYS.items()
                ):
                    raise UnreadableCheckpoint(f"checkpoint of thread {found.config} has the wrong shape")
            return found

    return CheckedPostgresSaver(pool, serde=KeepEnums(allowed_msgpack_modules=list(_TYPES)))


def _setup(pool: Any, saver: Any, url: str) -> None:
    """Create or migrate the checkpointer's tables and ours, one process at a time."""
    with pool.connection() as conn:
        deadline = time.monotonic() + SETUP_WAIT_S
        while not conn.execute(
            "SELECT pg_try_advisory_lock(%s, %s) AS ok", (LOCK_CLASS, SETUP_LOCK)
        ).fetchone()["ok"]:
            if time.monotonic() > deadline:
                raise StorageError(
                    f"PostgreSQL at {redact(url)}: another coach process has been setting up the schema "
                    f"for over {SETUP_WAIT_S:.0f} s / 数据库初始化等待超时",
                    hint="Try again; if it persists, look for a stuck coach process / 请重试",
                )
            time.sleep(0.05)
        try:
            saver.setup()
            conn.execute("CREATE TABLE IF NOT EXISTS coach_meta (key TEXT PRIMARY KEY, value TEXT)")
            conn.execute(
                "INSERT INTO coach_meta VALUES ('app', %s), ('schema', %s) ON CONFLICT (key) DO NOTHING",
                (APP_ID, SCHEMA_VERSION),
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS coach_projects (name TEXT PRIMARY KEY, thread_id TEXT NOT NULL, "
                "lang TEXT, stage TEXT, readiness INTEGER, done INTEGER DEFAULT 0, "
                "created_at TEXT, updated_at TEXT)"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS coach_writers (thread_id TEXT PRIMARY KEY, pid INTEGER, "
                "host TEXT, since TEXT)"
            )
            meta = {
                r["key"]: r["value"] for r in conn.execute("SELECT key, value FROM coach_meta").fetchall()
            }
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_CLASS, SETUP_LOCK))
    if meta.get("app") != APP_ID:
        raise StorageError(
            f"PostgreSQL at {redact(url)} holds another program's coach_meta table / 该数据库不是本程序的",
            hint="Point COACH_DATABASE_URL at a database of its own / 请为 coach 使用单独的数据库",
        )
    if meta.get("schema") != SCHEMA_VERSION:
        raise StorageError(
            f"PostgreSQL at {redact(url)}: schema {meta.get('schema')}, this coach knows {SCHEMA_VERSION} "
            "/ 数据库结构版本不符",
            hint="Run the same coach version as your team / 请与团队使用相同版本",
        )


class PgSessionStore:
    """The team's sessions database: the same interface as `graphs.storage.SessionStore`."""

    path = None
    """No file: messages name the database URL instead."""

    def __init__(self, url: str, pool: Any, saver: Any) -> None:
        self.url = url
        self.pool = pool
        self.saver = saver
        self._locks: dict[str, ProjectLock] = {}

    @classmethod
    def open(cls, url: str) -> PgSessionStore:
        """Connect (a small pool), set the schema up if needed; StorageError when unreachable."""
        try:
            from psycopg.rows import dict_row
            from psycopg_pool import ConnectionPool
        except ImportError as exc:
            raise _driver_missing(exc) from exc
        with pg_errors(url):
            import psycopg

            psycopg.connect(url, connect_timeout=10).close()  # fail fast and clearly when unreachable
            pool = ConnectionPool(
                url,
                min_size=1,
                max_size=4,
                kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
                open=False,
                timeout=10.0,
            )
            try:
                pool.open(wait=True, timeout=10.0)
                saver = _checked_saver(pool)
                _setup(pool, saver, url)
            except BaseException:
                pool.close()
                raise
        return cls(url, pool, saver)

    def errors(self) -> Any:
        """The context turning driver failures into StorageErrors (as `storage_errors` for SQLite)."""
        return pg_errors(self.url)

    def close(self) -> None:
        for lock in self._locks.values():
            lock.release()
        self._locks.clear()
        self.pool.close()

    # ---- one writer per project ---------------------------------------------------------------
    def claim(self, thread_id: str) -> Holder | None:
        """Become the project's writer (None), or learn who is (then this store may only read)."""
        lock = self._locks.get(thread_id)
        if lock is None:
            lock = ProjectLock(self.url, thread_id)
        with pg_errors(self.url):
            holder = lock.acquire()
        if holder is None:
            self._locks[thread_id] = lock
        return holder

    # ---- projects -----------------------------------------------------------------------------
    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with pg_errors(self.url), self.pool.connection() as conn:
            rows = conn.execute(sql, params).fetchall()
        keys = _COLUMNS.split(", ")
        return [_row(tuple(r[k] for k in keys)) for r in rows]

    def get(self, name: str) -> dict[str, Any] | None:
        rows = self._rows(f"SELECT {_COLUMNS} FROM coach_projects WHERE name = %s", (name,))
        return rows[0] if rows else None

    def create(self, name: str, lang: str) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat()
        row = {"name": name, "thread_id": uuid.uuid4().hex, "lang": lang, "stage": "requirements"}
        with pg_errors(self.url), self.pool.connection() as conn:
            inserted = conn.execute(
                "INSERT INTO coach_projects VALUES (%s, %s, %s, %s, 0, 0, %s, %s) "
                "ON CONFLICT (name) DO NOTHING RETURNING name",
                (name, row["thread_id"], lang, "requirements", now, now),
            ).fetchone()
        found = self.get(name)
        if inserted is None and found is not None:
            return found  # another process created it a moment ago: one project, one thread
        assert found is not None
        return found

    def add_row(self, row: dict[str, Any]) -> None:
        """Insert a whole project row (an imported project); InputError when the name is taken."""
        with pg_errors(self.url), self.pool.connection() as conn:
            inserted = conn.execute(
                f"INSERT INTO coach_projects ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (name) DO NOTHING RETURNING name",
                tuple(row[k] for k in _COLUMNS.split(", ")),
            ).fetchone()
        if inserted is None:
            raise InputError(f"A project named “{row['name']}” exists / 已有同名项目「{row['name']}」")

    def touch(self, name: str, *, stage: str, readiness: int | None, done: bool) -> None:
        """Record a project's place; `readiness` None keeps the one recorded last."""
        with pg_errors(self.url), self.pool.connection() as conn:
            conn.execute(
                "UPDATE coach_projects SET stage = %s, readiness = COALESCE(%s, readiness), done = %s, "
                "updated_at = %s WHERE name = %s",
                (stage, readiness, int(done), datetime.now(UTC).isoformat(), name),
            )

    def all(self) -> list[dict[str, Any]]:
        return self._rows(f"SELECT {_COLUMNS} FROM coach_projects ORDER BY updated_at DESC, name")

    def delete(self, name: str) -> None:
        row = self.get(name)
        if row is None:
            raise InputError(
                f"No project named “{name}” / 没有名为「{name}」的项目", hint="`coach projects` lists them"
            )
        holder = self.claim(row["thread_id"])
        if holder is not None:
            raise StorageError(holder.message(name), hint="Close it there first / 请先在那里关闭该项目")
        with pg_errors(self.url):
            self.saver.delete_thread(row["thread_id"])
            with self.pool.connection() as conn:
                conn.execute("DELETE FROM coach_projects WHERE name = %s", (name,))


def open_session_store(settings: Settings | None = None) -> Any:
    """The configured sessions store: PostgreSQL when `database_url` is set, else the SQLite file."""
    from agent.config import load_settings
    from graphs.storage import SessionStore

    settings = settings or load_settings()
    if settings.database_url is not None and settings.database_url.get_secret_value():
        return PgSessionStore.open(settings.database_url.get_secret_value())
    return SessionStore.open()
