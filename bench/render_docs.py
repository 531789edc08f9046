"""Render every example's deliverables to pictures, to be looked at as a reader would see them.

    python -m bench.render_docs [--examples bank_customer_service,hospital_guideline_qa] [--lang zh,en]
                                [--pages 3] [--out out/render_review]

For each example and language: `coach run`'s export (all deliverables, DOCX and HTML) into
`OUT/<example>/<lang>/`, then
- DOCX → PDF with LibreOffice headless (one call per folder) → PNG pages with pdftoppm
  (`<stem>.docx-p1.png`, the first `--pages` pages);
- HTML → PNG with headless Chromium (`<stem>.html.png`, the top `--html-height` pixels at 1200 px wide).
Prints what it wrote and how long each step took. LibreOffice, pdftoppm and Chromium are optional for
the coach itself; the script says how to install what is missing (Debian: apt-get install -y
libreoffice-writer-nogui poppler-utils chromium fonts-wqy-microhei).
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
INSTALL = {
    "soffice": "apt-get install -y libreoffice-writer-nogui (DOCX → PDF)",
    "pdftoppm": "apt-get install -y poppler-utils (PDF → PNG)",
    "chromium": "apt-get install -y chromium fonts-wqy-microhei (HTML → PNG)",
}


def missing_tools(formats: list[str]) -> list[str]:
    """Install lines for the tools the chosen formats need and the machine lacks."""
    need = (["soffice", "pdftoppm"] if "docx" in formats else []) + (
        ["chromium"] if "html" in formats else []
    )
    return [f"{tool}: {INSTALL[tool]}" for tool in need if not _which(tool)]


def _which(tool: str) -> str | None:
    if tool == "chromium":
        return next(
            (p for b in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(b))), None
        )
    return shutil.which(tool)


def export_example(example: Path, lang: str, out: Path) -> list[Path]:
    """The example's deliverables as DOCX and HTML, as `coach run` writes them."""
    from agent.answers_schema import answers_json_schema
    from agent.deliverables.answers_file import load_answers_file, validate_answers
    from agent.deliverables.export import export_deliverables
    from cli.commands.run import _records, evaluate

    data, table = load_answers_file(example)
    validate_answers(data, answers_json_schema(), example, table, value_depth=2)
    snapshot = evaluate(str(data["project"]["name"]), _records(data, example, table), lang)
    if out.exists():
        shutil.rmtree(out)
    return export_deliverables(snapshot, out, formats=["docx", "html"], lang=lang)


def docx_pages(folder: Path, pages: int) -> list[Path]:
    """Every .docx in `folder` → PDF (LibreOffice, one call) → its first `pages` pages as PNG."""
    docs = sorted(folder.glob("*.docx"))
    with tempfile.TemporaryDirectory(prefix="coach-lo-") as profile:
        argv = [
            _which("soffice") or "soffice",
            f"-env:UserInstallation=file://{profile}",  # its own profile: runs beside another soffice
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, docs),
        ]
        subprocess.run(argv, check=True, capture_output=True, timeout=900)
    written = []
    for doc in docs:
        pdf = doc.with_suffix(".pdf")
        prefix = folder / f"{doc.stem}.docx"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", str(pages), str(pdf), str(prefix)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        for png in sorted(folder.glob(f"{glob.escape(doc.stem)}.docx-*.png")):
            # pdftoppm pads page numbers to the page count's width: "-01" or "-1"
            target = folder / f"{doc.stem}.docx-p{int(png.stem.rsplit('-', 1)[1])}.png"
            png.rename(target)
            written.append(target)
    return written


def html_shots(folder: Path, height: int) -> list[Path]:
    """Every .html in `folder` → the top `height` pixels at 1200 px wide (headless Chromium)."""
    browser = _which("chromium") or "chromium"
    written = []
    for page in sorted(folder.glob("*.html")):
        png = folder / f"{page.stem}.html.png"
        argv = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size=1200,{height}",
            f"--screenshot={png}",
            page.resolve().as_uri(),
        ]
        subprocess.run(argv, check=True, capture_output=True, timeout=120)
        written.append(png)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.render_docs", description=__doc__.split("\n")[0])
    parser.add_argument("--examples", default="", help="comma-separated example names (default: all)")
    parser.add_argument("--lang", default="zh,en")
    parser.add_argument("--formats", default="docx,html", help="which pictures: docx, html or both")
    parser.add_argument("--pages", type=int, default=3, help="DOCX pages per document (default 3)")
    parser.add_argument("--html-height", type=int, default=2400)
    parser.add_argument("--out", default=str(ROOT / "out" / "render_review"))
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    missing = missing_tools(formats)
    if missing:
        print("missing tools / 缺少工具:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    names = [n for n in args.examples.split(",") if n] or sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
    out = Path(args.out)
    os.environ.setdefault("COACH_HOME", tempfile.mkdtemp(prefix="coach-render-home-"))
    for name in names:
        for lang in [lang for lang in args.lang.split(",") if lang]:
            folder = out / name / lang
            t0 = time.perf_counter()
            export_example(EXAMPLES / f"{name}.yaml", lang, folder)
            t1 = time.perf_counter()
            pngs = docx_pages(folder, args.pages) if "docx" in formats else []
            t2 = time.perf_counter()
            pngs += html_shots(folder, args.html_height) if "html" in formats else []
            t3 = time.perf_counter()
            print(
                f"{name} [{lang}]: {len(pngs)} pictures in {folder} "
                f"(export {t1 - t0:.1f} s, DOCX→PNG {t2 - t1:.1f} s, HTML→PNG {t3 - t2:.1f} s)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
