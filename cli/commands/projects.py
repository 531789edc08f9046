"""`coach projects [--json] [--delete NAME]`: the saved interview sessions."""

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
}


def run(args: argparse.Namespace) -> int:
    """List projects (a table, or JSON with --json), or delete one with --delete."""
    from agent.cleantext import clean_text
    from agent.config import load_settings
    from graphs.session import delete_project, list_projects

    lang: Lang = args.lang or load_settings().lang
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
