"""`coach export PROJECT --out DIR [--format …] [--lang …]`: a saved session's deliverables."""

from __future__ import annotations

import argparse
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    """Regenerate every deliverable of a saved project into `--out`, with `report.json`."""
    from agent.deliverables.export import export_deliverables, parse_formats
    from cli.commands.run import default_lang, print_summary
    from graphs.session import CoachSession

    formats = parse_formats(args.format)
    # An unknown project is an InputError (exit 2) raised by the session itself.
    # Another window writing the project: ProjectBusy (pid, since), unless --read-only (the files
    # are written; the project is not told it was exported)
    session = CoachSession.open(args.project, create=False, read_only=bool(getattr(args, "read_only", False)))
    try:
        snapshot = session.snapshot()
        lang = args.lang or snapshot.lang or default_lang()
        out = Path(args.out)
        written = export_deliverables(snapshot, out, formats=formats, lang=lang)
        if not session.read_only:
            session.mark_exported()
    finally:
        session.close()
    print_summary(snapshot, out, written, lang)
    return 0
