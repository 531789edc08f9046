"""`coach serve [--host 127.0.0.1] [--port 8000] [--public-url URL]`: the terminal UI in a browser.

Through textual-serve (the `team` extra): every browser tab that opens the page starts its own
`coach` process, so its own session; with `COACH_DATABASE_URL` set, colleagues' tabs share the team's
projects (one writer per project). Bound to 127.0.0.1 unless told otherwise: textual-serve has no
authentication, so a team puts it behind a proxy that has (README, Team mode).

Offline by construction: the page textual-serve ships loads a web font from a CDN; the page served
here is that template with the link replaced by the font in textual-serve's own wheel, and a font
list ending in the usual CJK families, so Chinese renders with whatever the machine has.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from pathlib import Path

_CDN_LINK = re.compile(r"<link[^>]*href=\"https?://[^\"]*\"[^>]*/?>", re.S)
_LOCAL_FONTS = """<style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
      }
      .intro, body Button {
        font-family: "Roboto Mono", "Noto Sans Mono CJK SC", "WenQuanYi Micro Hei Mono",
          "Microsoft YaHei", "PingFang SC", monospace !important;
      }
    </style>"""


def offline_templates(target: Path) -> Path:
    """A templates folder holding textual-serve's page with its CDN font link replaced by the
    bundled font; returns it. Fails if a remote URL is still referenced."""
    import textual_serve

    source = Path(textual_serve.__file__).parent / "templates" / "app_index.html"
    page = _CDN_LINK.sub(_LOCAL_FONTS, source.read_text(encoding="utf-8"))
    if re.search(r"(?:href|src)=\"https?://", page):
        raise RuntimeError(f"{source}: the page still loads something from the internet")
    target.mkdir(parents=True, exist_ok=True)
    (target / "app_index.html").write_text(page, encoding="utf-8")
    return target


def app_command(lang: str | None) -> str:
    """The command each browser tab runs: this Python's `coach` TUI."""
    parts = [sys.executable, "-m", "cli"] + (["--lang", lang] if lang else [])
    return " ".join(shlex.quote(p) for p in parts)


def run(args: argparse.Namespace) -> int:
    """Serve the TUI until interrupted."""
    import shutil
    import tempfile

    from agent.errors import ConfigError

    try:
        from textual_serve.server import Server
    except ImportError as exc:
        raise ConfigError(
            "`coach serve` needs textual-serve / 需要安装 textual-serve",
            hint="pip install 'adoption-coach[team]'",
        ) from exc
    templates = offline_templates(Path(tempfile.mkdtemp(prefix="coach-serve-")))
    server = Server(
        app_command(args.lang),
        host=args.host,
        port=args.port,
        title="Adoption Coach · 大模型落地教练",
        public_url=args.public_url,
        templates_path=str(templates),
    )
    print(f"coach serve: http://{args.host}:{args.port} (Ctrl+C to stop / 按 Ctrl+C 停止)", flush=True)
    try:
        server.serve()
    finally:
        shutil.rmtree(templates, ignore_errors=True)
    return 0
