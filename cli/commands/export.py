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
    session = CoachSession.open(args.project, create=False)
    try:
        snapshot = session.snapshot()
        lang = args.lang or snapshot.lang or default_lang()
        out = Path(args.out)
        written = export_deliverables(snapshot, out, formats=formats, lang=lang)
        session.mark_exported()
    finally:
        session.close()
    print_summary(snapshot, out, written, lang)
    return 0
