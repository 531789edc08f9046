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


def _global_options(defaults: bool) -> argparse.ArgumentParser:
    """`--lang` and `--home`, accepted before or after the subcommand (`coach kb search q --lang en`).

    Subcommands get them with suppressed defaults, so one given before the subcommand is kept."""
    options = argparse.ArgumentParser(add_help=False)
    unset = None if defaults else argparse.SUPPRESS
    options.add_argument(
        "--lang", choices=["zh", "en"], default=unset, help="language of the UI and output (default: zh)"
    )
    options.add_argument(
        "--home", metavar="DIR", default=unset, help="data directory for this command (COACH_HOME)"
    )
    return options


def build_parser() -> argparse.ArgumentParser:
    common = _global_options(defaults=False)
    parser = argparse.ArgumentParser(
        parents=[_global_options(defaults=True)],
        prog="coach",
        description="Adoption Coach — 大模型落地教练: interviews a project lead stage by stage, "
        "flags pitfalls with evidence and citations, and writes the deliverables. "
        "No arguments opens the terminal UI.",
    )
    parser.add_argument(
        "--depth",
        choices=["quick", "standard", "full"],
        default="standard",
        help="interview depth of a project created in the terminal UI: quick (at most 20 questions: "
        "the phase gate and the high-severity pitfalls), standard (at most 45, the default) or full; "
        "deepen later with /depth. Answers files (coach run) are not affected",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "run", parents=[common], help="non-interactive run: answers file in, deliverables and report.json out"
    )
    p.add_argument("--answers", required=True, metavar="FILE", help="YAML or JSON answers file")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.add_argument(
        "--format", default=FORMATS, help=f"comma-separated formats (default: {FORMATS}; also pdf)"
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="missing answers, and free text that cannot be read for certain, are an error (exit 2)",
    )

    p = sub.add_parser(
        "answers-template",
        parents=[common],
        help="print a commented YAML answers skeleton with every question",
    )
    sub.add_parser("schema", parents=[common], help="print the JSON Schema of the answers file")

    p = sub.add_parser("export", parents=[common], help="export a session's deliverables")
    p.add_argument("project", help="project (session) name")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--format", default=FORMATS)
    p.add_argument(
        "--read-only",
        action="store_true",
        help="export a project another window has open (its export state is left unchanged)",
    )

    p = sub.add_parser("projects", parents=[common], help="list, or delete, saved projects")
    p.add_argument("--delete", metavar="NAME", help="delete a project and its session")
    p.add_argument("--json", action="store_true")
    psub = p.add_subparsers(dest="projects_command", metavar="ACTION")
    q = psub.add_parser("export", help="write a project to a self-contained archive file")
    q.add_argument("name", metavar="NAME")
    q.add_argument("file", metavar="FILE")
    q = psub.add_parser("import", help="add a project from an archive written by `projects export`")
    q.add_argument("file", metavar="FILE")
    q.add_argument("--as", dest="as_name", metavar="NAME", help="import under another name")

    kb = sub.add_parser(
        "kb", parents=[common], help="the knowledge base: built-in guidance plus your documents"
    )
    kbsub = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)
    p = kbsub.add_parser(
        "add", parents=[common], help="ingest documents (.md .txt .pdf .docx .html) or folders"
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p = kbsub.add_parser("list", parents=[common], help="list ingested documents")
    p.add_argument("--json", action="store_true")
    p = kbsub.add_parser("remove", parents=[common], help="remove an ingested document")
    p.add_argument("doc", metavar="DOC", help="document id, name or path as shown by `coach kb list`")
    p = kbsub.add_parser("search", parents=[common], help="search the guidance and your documents")
    p.add_argument("query", metavar="QUERY")
    p.add_argument(
        "--stage",
        choices=["requirements", "selection", "data", "development", "integration", "testing", "operations"],
    )
    p.add_argument("--kind", choices=["guidance", "pitfall", "case", "deliverable"])
    p.add_argument("--scope", choices=["all", "builtin", "org"], default="all")
    p.add_argument("-k", type=int, default=5, metavar="N", help="number of passages (default 5)")
    p.add_argument("--json", action="store_true", help="print a JSON list of passages")

    sub.add_parser(
        "doctor", parents=[common], help="check configuration, endpoint, embedding model and storage"
    )

    p = sub.add_parser(
        "serve", parents=[common], help="the coach in a browser (textual-serve; each tab its own session)"
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--public-url", help="the URL browsers use, when behind a proxy (e.g. https://coach.example)"
    )
    return parser


def _sweep_killed_exports() -> None:
    """Remove what an export killed mid-way left in its output directory (hidden staging folders).

    Costs one stat on a normal start: the sweep's module is imported only when a journal exists.
    """
    import os

    home = os.environ.get("COACH_HOME")
    if home is None:
        from agent.config import coach_home

        home = str(coach_home())
    journal = os.path.join(os.path.expanduser(home), "staging")
    if os.path.isdir(journal):
        from pathlib import Path

        from agent.deliverables.files import sweep_staging

        sweep_staging(Path(journal))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `coach` console script."""
    args = build_parser().parse_args(argv)
    lang = args.lang
    if args.home:
        import os

        os.environ["COACH_HOME"] = args.home
    from agent.errors import CoachError

    _sweep_killed_exports()
    try:
        if args.command is None:
            from tui.app import run_app

            return run_app(lang=lang, depth=args.depth)
        module_name = args.command.replace("-", "_")
        module = importlib.import_module(f"cli.commands.{module_name}")
        return int(module.run(args) or 0)
    except CoachError as exc:
        from agent.cleantext import clean_text

        print(clean_text(f"coach: {exc.title}: {exc}"), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("coach: interrupted / 已中断", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
