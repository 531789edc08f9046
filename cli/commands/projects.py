"""`coach projects [--json] [--delete NAME]`: the saved interview sessions;
`coach projects export NAME FILE` / `coach projects import FILE [--as NAME]`: move one between stores."""

from __future__ import annotations

import argparse
import json

from agent.types import STAGE_TITLES, Lang

_T: dict[str, dict[str, str]] = {
    "none": {
        "zh": "还没有保存的项目。运行 `coach` 开始一个。",
        "en": "No saved projects yet. Run `coach` to start one.",
    },
    "deleted": {"zh": "已删除项目「{name}」。", "en": "Deleted project “{name}”."},
    "head": {"zh": "项目\t当前阶段\t就绪度\t更新时间", "en": "Project\tStage\tReadiness\tUpdated"},
    "done": {"zh": "（已完成）", "en": " (done)"},
    "exported": {
        "zh": "已导出项目「{name}」（{n} 个检查点）到 {file}。",
        "en": "Exported project “{name}” ({n} checkpoints) to {file}.",
    },
    "imported": {"zh": "已导入项目「{name}」。", "en": "Imported project “{name}”."},
}


def _transfer(args: argparse.Namespace, lang: Lang) -> int:
    from pathlib import Path

    from graphs.pg_storage import open_session_store
    from graphs.storage import normalise_name
    from graphs.transfer import export_project, import_project

    store = open_session_store()
    try:
        if args.projects_command == "export":
            name = normalise_name(args.name)
            n = export_project(store, name, Path(args.file))
            print(_T["exported"][lang].format(name=name, n=n, file=args.file))
        else:
            name = import_project(store, Path(args.file), args.as_name)
            print(_T["imported"][lang].format(name=name))
    finally:
        store.close()
    return 0


def run(args: argparse.Namespace) -> int:
    """List projects (a table, or JSON with --json), or delete one with --delete."""
    from agent.cleantext import clean_text
    from agent.config import load_settings
    from graphs.session import delete_project, list_projects

    lang: Lang = args.lang or load_settings().lang
    if getattr(args, "projects_command", None):
        return _transfer(args, lang)
    if args.delete:
        delete_project(args.delete)
        print(clean_text(_T["deleted"][lang].format(name=args.delete)))
        return 0
    projects = list_projects()
    if args.json:
        print(json.dumps([p.model_dump(mode="json") for p in projects], ensure_ascii=False, indent=2))
        return 0
    if not projects:
        print(_T["none"][lang])
        return 0
    print(_T["head"][lang])
    for p in projects:
        stage = STAGE_TITLES[p.stage][lang] + (_T["done"][lang] if p.done else "")
        updated = p.updated_at.astimezone().strftime("%Y-%m-%d %H:%M") if p.updated_at else "—"
        print(f"{clean_text(p.name)}\t{stage}\t{p.readiness}/100\t{updated}")
    return 0
