"""The `coach` command. Parsing is cheap; each subcommand imports its heavy parts lazily.

Each subcommand lives in `cli/commands/<name>.py` and exposes `run(args) -> int`.
A `CoachError` becomes a one-line message (plus hint) on stderr and its exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

FORMATS = "md,docx,html,json"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coach",
        description="Adoption Coach — 大模型落地教练: interviews a project lead stage by stage, "
        "flags pitfalls with evidence and citations, and writes the deliverables. "
        "No arguments opens the terminal UI.",
    )
    parser.add_argument("--lang", choices=["zh", "en"], help="language of the UI and output (default: zh)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("run", help="non-interactive run: answers file in, deliverables and report.json out")
    p.add_argument("--answers", required=True, metavar="FILE", help="YAML or JSON answers file")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.add_argument(
        "--format", default=FORMATS, help=f"comma-separated formats (default: {FORMATS}; also pdf)"
    )
    p.add_argument("--lang", dest="sub_lang", choices=["zh", "en"], help="language of the deliverables")
    p.add_argument("--strict", action="store_true", help="missing answers are an error, not open questions")

    p = sub.add_parser("answers-template", help="print a commented YAML answers skeleton with every question")
    p.add_argument("--lang", dest="sub_lang", choices=["zh", "en"])
    sub.add_parser("schema", help="print the JSON Schema of the answers file")

    p = sub.add_parser("export", help="export a session's deliverables")
    p.add_argument("project", help="project (session) name")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--format", default=FORMATS)
    p.add_argument("--lang", dest="sub_lang", choices=["zh", "en"])

    p = sub.add_parser("projects", help="list, or delete, saved projects")
    p.add_argument("--delete", metavar="NAME", help="delete a project and its session")
    p.add_argument("--json", action="store_true")
    psub = p.add_subparsers(dest="projects_command", metavar="ACTION")
    q = psub.add_parser("export", help="write a project to a self-contained archive file")
    q.add_argument("name", metavar="NAME")
    q.add_argument("file", metavar="FILE")
    q = psub.add_parser("import", help="add a project from an archive written by `projects export`")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--as", dest="as_name", metavar="NAME", help="import under another name")

    kb = sub.add_parser("kb", help="the knowledge base: built-in guidance plus your documents")
    kbsub = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)
    p = kbsub.add_parser("add", help="ingest documents (.md .txt .pdf .docx .html) or folders")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p = kbsub.add_parser("list", help="list ingested documents")
    p.add_argument("--json", action="store_true")
    p = kbsub.add_parser("remove", help="remove an ingested document")
    p.add_argument("doc", metavar="DOC", help="document id, name or path as shown by `coach kb list`")
    p = kbsub.add_parser("search", help="search the guidance and your documents")
    p.add_argument("query", metavar="QUERY")
    p.add_argument(
        "--stage",
        choices=["requirements", "selection", "data", "development", "integration", "testing", "operations"],
    )
    p.add_argument("--kind", choices=["guidance", "pitfall", "case", "deliverable"])
    p.add_argument("--scope", choices=["all", "builtin", "org"], default="all")
    p.add_argument("-k", type=int, default=5, metavar="N", help="number of passages (default 5)")
    p.add_argument("--json", action="store_true", help="print a JSON list of passages")

    sub.add_parser("doctor", help="check configuration, endpoint, embedding model and storage")

    p = sub.add_parser("serve", help="the coach in a browser (textual-serve; each tab its own session)")
    p.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--public-url", help="the URL browsers use, when behind a proxy (e.g. https://coach.example)"
    )
    p.add_argument("--lang", dest="sub_lang", choices=["zh", "en"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `coach` console script."""
    args = build_parser().parse_args(argv)
    lang = getattr(args, "sub_lang", None) or args.lang
    args.lang = lang
    from agent.errors import CoachError

    try:
        if args.command is None:
            from tui.app import run_app

            return run_app(lang=lang)
        module_name = args.command.replace("-", "_")
        module = importlib.import_module(f"cli.commands.{module_name}")
        return int(module.run(args) or 0)
    except CoachError as exc:
        print(f"coach: {exc.title}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("coach: interrupted / 已中断", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
