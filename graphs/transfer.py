"""Moving a project between stores: `coach projects export NAME FILE` / `coach projects import FILE`.

The archive is self-contained: a gzip'd JSON document holding a format name and version, the project
row, every checkpoint of its thread with its metadata and pending writes (LangGraph's own serializer,
base64), and a SHA-256 over all of it. Import checks the format, the version and the checksum before
writing anything, refuses a name already taken, and gives the project a new thread, so one archive
can go into a personal SQLite home or the team's PostgreSQL alike.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import uuid
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from agent.errors import InputError

FORMAT = "adoption-coach-project"
VERSION = 1


def _enc(serde: Any, value: Any) -> list[str]:
    kind, data = serde.dumps_typed(value)
    return [kind, base64.b64encode(data).decode("ascii")]


def _dec(serde: Any, value: list[str]) -> Any:
    return serde.loads_typed((value[0], base64.b64decode(value[1])))


def _checksum(doc: dict[str, Any]) -> str:
    body = {k: v for k, v in doc.items() if k != "sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def export_project(store: Any, name: str, file: Path) -> int:
    """Write project `name` of `store` to `file`; the number of checkpoints written."""
    row = store.get(name)
    if row is None:
        raise InputError(
            f"No project named “{name}” / 没有名为「{name}」的项目", hint="`coach projects` lists them"
        )
    serde = store.saver.serde
    checkpoints = []
    with store.errors():
        found = list(store.saver.list({"configurable": {"thread_id": row["thread_id"]}}))
    for tup in reversed(found):  # oldest first: each one's parent is written before it
        conf = tup.config["configurable"]
        parent = (tup.parent_config or {}).get("configurable", {}).get("checkpoint_id")
        checkpoints.append(
            {
                "ns": conf.get("checkpoint_ns", ""),
                "id": conf["checkpoint_id"],
                "parent": parent,
                "checkpoint": _enc(serde, tup.checkpoint),
                "metadata": _enc(serde, tup.metadata),
                "writes": [[t, ch, _enc(serde, v)] for t, ch, v in tup.pending_writes or []],
            }
        )
    project = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
    project.pop("thread_id")
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "project": project,
        "checkpoints": checkpoints,
    }
    doc["sha256"] = _checksum(doc)
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(file.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False)
    tmp.replace(file)
    return len(checkpoints)


def read_archive(file: Path) -> dict[str, Any]:
    """The archive's document, checked (format, version, checksum); InputError naming what is wrong."""
    try:
        with gzip.open(file, "rt", encoding="utf-8") as fh:
            doc = json.load(fh)
    except FileNotFoundError as exc:
        raise InputError(f"{file}: no such file / 文件不存在") from exc
    except (OSError, EOFError, ValueError) as exc:
        raise InputError(
            f"{file}: not a project archive ({type(exc).__name__}) / 不是项目归档文件",
            hint="Use a file written by `coach projects export` / 请使用 coach projects export 导出的文件",
        ) from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputError(f"{file}: not an Adoption Coach project archive / 不是项目归档文件")
    if doc.get("version") != VERSION:
        raise InputError(
            f"{file}: archive format version {doc.get('version')}, this coach reads {VERSION} / 归档版本不受支持",
            hint="Import it with the coach version that exported it / 请使用导出时的版本导入",
        )
    if doc.get("sha256") != _checksum(doc):
        raise InputError(
            f"{file}: checksum mismatch, the archive is damaged or was edited / 校验和不符，归档已损坏",
            hint="Export the project again / 请重新导出",
        )
    return doc


def import_project(store: Any, file: Path, name: str | None = None) -> str:
    """Add the archived project to `store` (under `name` if given); its name. Nothing is written
    when the archive fails its checks or the name is taken."""
    from graphs.storage import normalise_name

    doc = read_archive(file)
    row = dict(doc["project"])
    row["name"] = normalise_name(name or row["name"])
    if store.get(row["name"]) is not None:
        raise InputError(
            f"A project named “{row['name']}” already exists / 已有名为「{row['name']}」的项目",
            hint="Delete or rename it first, or import under another name (--as NAME) / 可用 --as 另起名称",
        )
    thread = uuid.uuid4().hex
    serde = store.saver.serde
    with store.errors():
        for cp in doc["checkpoints"]:
            checkpoint = _dec(serde, cp["checkpoint"])
            conf = {
                "configurable": {
                    "thread_id": thread,
                    "checkpoint_ns": cp["ns"],
                    "checkpoint_id": cp["parent"],
                }
            }
            saved = store.saver.put(
                conf, checkpoint, _dec(serde, cp["metadata"]), checkpoint["channel_versions"]
            )
            by_task: dict[str, list[tuple[str, Any]]] = defaultdict(list)
            for task, channel, value in cp["writes"]:
                by_task[task].append((channel, _dec(serde, value)))
            for task, writes in by_task.items():
                store.saver.put_writes(saved, writes, task)
        store.add_row({**row, "thread_id": thread, "done": int(bool(row.get("done")))})
    return str(row["name"])
