"""`coach export PROJECT --out DIR [--format …] [--lang …]`: a saved session's deliverables."""

from __future__ import annotations

import argparse
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    """Regenerate every deliverable of a saved project into `--out`, with `report.json`."""
    from agent.commands.run import default_lang, print_summary
    from agent.deliverables.export import export_deliverables, parse_formats
    from agent.errors import InputError

    formats = parse_formats(args.format)
    from graphs.session import CoachSession

    try:
        session = CoachSession.open(args.project, create=False)
    except (KeyError, FileNotFoundError, LookupError) as exc:
        raise InputError(
            f"no saved project named {args.project!r} / 找不到该项目",
            hint="list projects with `coach projects`",
        ) from exc
    snapshot = session.snapshot()
    close = getattr(session, "close", None)
    if callable(close):
        close()
    lang = args.lang or snapshot.lang or default_lang()
    out = Path(args.out)
    written = export_deliverables(snapshot, out, formats=formats, lang=lang)
    print_summary(snapshot, out, written, lang)
    return 0
