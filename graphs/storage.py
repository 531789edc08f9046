"""Where sessions live: one SQLite file, `COACH_HOME/sessions.sqlite`, holding LangGraph's
checkpoints (one thread per project) and a small `coach_projects` table naming them.

The file is opened in WAL mode (a killed process loses at most the step in flight, never a
committed answer). A file that is not SQLite, or SQLite that is not ours, is refused with a
`StorageError` naming the file and what to do, never a traceback.
"""

from __future__ import annotations

import sqlite3
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.config import coach_home, ensure_home
from agent.errors import InputError, StorageError
from agent.types import Stage

SESSIONS_FILE = "sessions.sqlite"
APP_ID = "adoption-coach"
SCHEMA_VERSION = "1"
MAX_NAME = 200
_TYPES: tuple[tuple[str, str], ...] = (
    ("agent.types", "Stage"),
    ("agent.types", "Phase"),
    ("agent.types", "Finding"),
    ("agent.types", "Evidence"),
    ("agent.types", "Citation"),
    ("agent.types", "Statement"),
    ("agent.types", "Passage"),
    ("agent.snapshot", "AnswerRecord"),
    ("agent.snapshot", "CoachMessage"),
    ("agent.snapshot", "StageOverride"),
    ("agent.snapshot", "Usage"),
    ("agent.profile", "ProjectInfo"),
    ("agent.interview.reading_state", "PendingReading"),
)
"""The only types a checkpoint may hold besides plain data (LangGraph's msgpack allow-list)."""


class UnreadableCheckpoint(Exception):
    """A saved step whose bytes cannot be decoded: the file is SQLite, one project's data is damaged."""


def serializer() -> Any:
    """LangGraph's serializer allowing exactly our checkpointed types (for any checkpointer).

    Bytes that cannot be decoded raise `UnreadableCheckpoint`, which `storage_errors` turns into
    a `StorageError` naming the file.
    """
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    class CheckedSerializer(JsonPlusSerializer):
        def loads_typed(self, data: tuple[str, bytes]) -> Any:
            try:
                return super().loads_typed(data)
            except Exception as exc:
                raise UnreadableCheckpoint(f"{type(exc).__name__}: {exc}") from exc

    return CheckedSerializer(allowed_msgpack_modules=list(_TYPES))


def sessions_path() -> Path:
    return coach_home() / SESSIONS_FILE


def normalise_name(name: str) -> str:
    """A project name as stored: NFC, trimmed; any script is fine, empty or control chars are not."""
    clean = unicodedata.normalize("NFC", str(name)).strip()
    if not clean:
        raise InputError("The project name is empty / 项目名称为空", hint="Type a name, e.g. 智能客服试点")
    if len(clean) > MAX_NAME:
        raise InputError(f"The project name is longer than {MAX_NAME} characters / 项目名称过长")
    if any(unicodedata.category(ch) == "Cc" for ch in clean):
        raise InputError("The project name contains control characters / 项目名称含控制字符")
    if any(unicodedata.category(ch) == "Cs" for ch in clean):
        # bytes that are not UTF-8 on the command line or in an environment variable
        raise InputError(
            "The project name contains bytes that are not valid UTF-8 / 项目名称含无法识别的字节（不是有效的 UTF-8）",
            hint="Retype the name in a UTF-8 terminal; `coach projects` lists the saved names "
            "/ 请在 UTF-8 终端中重新输入名称，`coach projects` 可列出已保存的项目",
        )
    return clean


def _lenient_text(data: bytes) -> str:
    """SQLite text as str; bytes that are not UTF-8 read as U+FFFD instead of failing the query."""
    return data.decode("utf-8", "replace")


def _repair_names(conn: sqlite3.Connection) -> None:
    """Rename projects whose stored name is not UTF-8 (a damaged file, another tool) to its
    readable part, the damaged bytes shown as �. Otherwise reading the project list fails for
    every project, and the damaged one can be neither opened nor deleted."""
    rows = conn.execute("SELECT rowid, CAST(name AS BLOB) FROM coach_projects").fetchall()
    taken: set[str] = set()
    damaged: list[tuple[int, bytes]] = []
    for rowid, raw in rows:
        if raw is None:
            continue
        try:
            taken.add(bytes(raw).decode("utf-8"))
        except UnicodeDecodeError:
            damaged.append((rowid, bytes(raw)))
    for rowid, raw in damaged:
        base = unicodedata.normalize("NFC", raw.decode("utf-8", "replace")).strip() or "\ufffd"
        base = "".join(ch for ch in base if unicodedata.category(ch) != "Cc")[:MAX_NAME] or "\ufffd"
        name, n = base, 2
        while name in taken:
            name, n = f"{base} ({n})", n + 1
        conn.execute("UPDATE coach_projects SET name = ? WHERE rowid = ?", (name, rowid))
        taken.add(name)


def _corrupt(path: Path, exc: BaseException) -> StorageError:
    return StorageError(
        f"{path} is not a readable session database ({exc}) / 会话数据库损坏或不是本程序的文件",
        hint="Move the file away (your saved sessions are in it) or point COACH_HOME elsewhere "
        "/ 请移走该文件或设置其他 COACH_HOME",
    )


def _read_only(path: Path, exc: BaseException) -> StorageError:
    return StorageError(
        f"{path} is read-only, nothing can be saved ({exc}) / 会话数据库只读，无法保存",
        hint=f"Make {path.name} and its folder writable, or point COACH_HOME at a writable "
        "directory; your saved sessions are unchanged / 请赋予写权限或设置其他 COACH_HOME，已保存的内容未受影响",
    )


def _no_space(path: Path, exc: BaseException) -> StorageError:
    return StorageError(
        f"Cannot write {path}: the disk is full or failing ({exc}) / 磁盘已满或读写出错，无法保存",
        hint="Free some disk space and try again; everything saved before is kept "
        "/ 请释放磁盘空间后重试，此前保存的内容不会丢失",
    )


def _damaged_project(path: Path, exc: BaseException) -> StorageError:
    return StorageError(
        f"{path}: a saved project's history is damaged and cannot be read ({exc}) / 项目的会话记录已损坏",
        hint="Other projects are unaffected: delete this one with `coach projects --delete NAME` and "
        "start it again, or restore the file from a backup / 其他项目不受影响，可删除该项目后重新开始",
    )


@contextmanager
def storage_errors(path: Path) -> Iterator[None]:
    """Turn SQLite failures into StorageErrors that name the file and say what to do."""
    try:
        yield
    except UnreadableCheckpoint as exc:
        raise _damaged_project(path, exc) from exc
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise StorageError(
                f"{path} is busy (another coach process is writing) / 会话数据库正被占用",
                hint="Close the other coach window and try again / 请关闭另一个 coach 后重试",
            ) from exc
        if "readonly" in text or "read-only" in text:
            raise _read_only(path, exc) from exc
        if "disk is full" in text or "i/o error" in text:
            raise _no_space(path, exc) from exc
        raise _corrupt(path, exc) from exc
    except sqlite3.DatabaseError as exc:
        raise _corrupt(path, exc) from exc


_CHECKPOINT_KEYS = {
    "v": int,
    "id": str,
    "channel_values": dict,
    "channel_versions": dict,
    "versions_seen": dict,
}


def _checked_saver(conn: sqlite3.Connection) -> Any:
    """LangGraph's SQLite checkpointer, refusing a checkpoint whose bytes decode to the wrong shape
    (damaged bytes can still be valid msgpack) with `UnreadableCheckpoint` instead of a crash deep
    inside LangGraph."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    class CheckedSqliteSaver(SqliteSaver):
        def get_tuple(self, config: Any) -> Any:
            found = super().get_tuple(config)
            if found is not None:
                checkpoint = found.checkpoint
                if not isinstance(checkpoint, dict) or any(
                    not isinstance(checkpoint.get(key), kind) for key, kind in _CHECKPOINT_KEYS.items()
                ):
                    raise UnreadableCheckpoint(f"checkpoint of thread {found.config} has the wrong shape")
            return found

    return CheckedSqliteSaver(conn, serde=serializer())


def _half_created(conn: sqlite3.Connection, tables: set[str]) -> bool:
    """An empty `coach_meta` and nothing else: a first start (of an earlier version, which did not
    create the file in one transaction) killed before it named the file; safe to finish."""
    return tables == {"coach_meta"} and conn.execute("SELECT count(*) FROM coach_meta").fetchone()[0] == 0


class SessionStore:
    """The sessions database: the LangGraph checkpointer plus the project list."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.saver = _checked_saver(conn)
        with storage_errors(path):
            self.saver.setup()

    @classmethod
    def open(cls, path: Path | None = None) -> SessionStore:
        """Open (creating if needed) the sessions database; StorageError if it is corrupt or foreign."""
        if path is None:
            ensure_home()
            path = sessions_path()
        try:
            conn = sqlite3.connect(str(path), check_same_thread=False, timeout=5.0)
        except sqlite3.Error as exc:
            raise _corrupt(path, exc) from exc
        try:
            with storage_errors(path):
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                if tables and "coach_meta" not in tables:
                    raise StorageError(
                        f"{path} is an SQLite file of another program, not Adoption Coach sessions "
                        "/ 该文件不是本程序的会话数据库",
                        hint="Move the file away or point COACH_HOME elsewhere / 请移走该文件或设置其他 COACH_HOME",
                    )
                new = not tables or _half_created(conn, tables)
                if not new:
                    app = conn.execute("SELECT value FROM coach_meta WHERE key='app'").fetchone()
                    if not app or app[0] != APP_ID:
                        raise _corrupt(path, ValueError("unknown application id"))
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                # one transaction: a process killed here leaves an empty file or a complete one
                conn.execute("BEGIN IMMEDIATE")
                if new:
                    conn.execute("CREATE TABLE IF NOT EXISTS coach_meta (key TEXT PRIMARY KEY, value TEXT)")
                    conn.execute(
                        "INSERT OR REPLACE INTO coach_meta VALUES ('app', ?), ('schema', ?)",
                        (APP_ID, SCHEMA_VERSION),
                    )
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS coach_projects (name TEXT PRIMARY KEY, thread_id TEXT NOT NULL, "
                    "lang TEXT, stage TEXT, readiness INTEGER, done INTEGER DEFAULT 0, "
                    "created_at TEXT, updated_at TEXT)"
                )
                _repair_names(conn)
                conn.commit()
            conn.text_factory = _lenient_text  # a damaged summary column reads as unknown (see _row)
            return cls(conn, path)
        except BaseException:
            conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    # ---- projects -------------------------------------------------------------------------
    def get(self, name: str) -> dict[str, Any] | None:
        with storage_errors(self.path):
            row = self.conn.execute(
                "SELECT name, thread_id, lang, stage, readiness, done, created_at, updated_at "
                "FROM coach_projects WHERE name = ?",
                (name,),
            ).fetchone()
        return _row(row) if row else None

    def create(self, name: str, lang: str) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat()
        thread_id = uuid.uuid4().hex
        with storage_errors(self.path):
            self.conn.execute(
                "INSERT INTO coach_projects VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                (name, thread_id, lang, "requirements", 0, now, now),
            )
            self.conn.commit()
        return {
            "name": name,
            "thread_id": thread_id,
            "lang": lang,
            "stage": "requirements",
            "readiness": 0,
            "done": False,
            "created_at": now,
            "updated_at": now,
        }

    def errors(self) -> Any:
        """The context turning SQLite failures into StorageErrors naming the file."""
        return storage_errors(self.path)

    def add_row(self, row: dict[str, Any]) -> None:
        """Insert a whole project row (an imported project); InputError when the name is taken."""
        keys = ("name", "thread_id", "lang", "stage", "readiness", "done", "created_at", "updated_at")
        with storage_errors(self.path):
            try:
                self.conn.execute(
                    f"INSERT INTO coach_projects ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})",
                    tuple(row[k] for k in keys),
                )
            except sqlite3.IntegrityError as exc:
                raise InputError(
                    f"A project named “{row['name']}” exists / 已有同名项目「{row['name']}」"
                ) from exc
            self.conn.commit()

    def touch(self, name: str, *, stage: str, readiness: int | None, done: bool) -> None:
        """Record a project's place; `readiness` None keeps the one recorded last."""
        with storage_errors(self.path):
            self.conn.execute(
                "UPDATE coach_projects SET stage = ?, readiness = COALESCE(?, readiness), done = ?,"
                " updated_at = ? WHERE name = ?",
                (stage, readiness, int(done), datetime.now(UTC).isoformat(), name),
            )
            self.conn.commit()

    def all(self) -> list[dict[str, Any]]:
        with storage_errors(self.path):
            rows = self.conn.execute(
                "SELECT name, thread_id, lang, stage, readiness, done, created_at, updated_at "
                "FROM coach_projects ORDER BY updated_at DESC, name"
            ).fetchall()
        return [_row(r) for r in rows]

    def delete(self, name: str) -> None:
        row = self.get(name)
        if row is None:
            raise InputError(
                f"No project named “{name}” / 没有名为「{name}」的项目", hint="`coach projects` lists them"
            )
        with storage_errors(self.path):
            self.saver.delete_thread(row["thread_id"])
            self.conn.execute("DELETE FROM coach_projects WHERE name = ?", (name,))
            self.conn.commit()


def _row(row: tuple[Any, ...]) -> dict[str, Any]:
    """A project row. The summary columns are a cache of the checkpointed state (rewritten on each
    step), so a damaged value reads as unknown instead of making every project unreadable."""
    keys = ("name", "thread_id", "lang", "stage", "readiness", "done", "created_at", "updated_at")
    out = dict(zip(keys, row, strict=True))
    out["done"] = bool(out["done"]) if isinstance(out["done"], int) else False
    if out["lang"] not in ("zh", "en"):
        out["lang"] = None
    if out["stage"] not in {s.value for s in Stage}:
        out["stage"] = None
    readiness = out["readiness"]
    out["readiness"] = min(max(readiness, 0), 100) if isinstance(readiness, int) else 0
    for k in ("created_at", "updated_at"):
        try:
            out[k] = datetime.fromisoformat(out[k]) if isinstance(out[k], str) and out[k] else None
        except ValueError:
            out[k] = None
    return out
