"""How much of one project's body text appears verbatim in two or more of its documents.

`python -m eval.shared_text [--lang zh|en] [EXAMPLE…]` renders every example's deliverables and
prints, per example, the share of body characters (sentences and table cells, after the
document-control block and the legend, before the closing open-conflicts / open-questions / answers / sources
sections) whose sentence occurs verbatim in another document of the same project. Goal ≤ 15 %.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CLOSING = {
    "zh": ("\n## 待解决的矛盾", "\n## 待确认问题", "\n## 本文依据的回答", "\n## 参考来源"),
    "en": (
        "\n## Open conflicts",
        "\n## Open questions",
        "\n## Answers this document rests on",
        "\n## Sources",
    ),
}
_SPLIT = re.compile(r"(?<=[。；！？])|(?<=[.;!?])\s+|\n|\|")
_MARKERS = re.compile(r"(\[\d+\])+|\*\*|\*|`")
MIN_CHARS = {"zh": 8, "en": 16}
"""Shorter pieces (a label, "是", "—", "待确认" / "to be confirmed") are table furniture, not prose.
The same few words take about twice as many Latin characters as Chinese ones: with 8 for English
too, "to be confirmed" (15) counted as shared prose while "待确认" (3) did not — 16.3 % en against
13.6 % zh on the same documents (2026-12-06); with 16, 13.0 %."""


def body(markdown: str, lang: str) -> str:
    """The document without its header (title, control block, legend) and its closing sections."""
    start = markdown.find("\n## ")
    text = markdown[start:] if start >= 0 else markdown
    for heading in CLOSING[lang]:
        cut = text.find(heading)
        if cut >= 0:
            text = text[:cut]
    return text


def units(text: str, lang: str = "zh") -> list[str]:
    """Sentences and table cells, markers stripped, headings and short furniture dropped."""
    out = []
    for line in text.splitlines():
        if line.startswith("#") or set(line.strip()) <= set("|-: "):
            continue
        for piece in _SPLIT.split(line):
            piece = _MARKERS.sub("", piece).strip(" -•☐☑")
            if len(piece) >= MIN_CHARS[lang]:
                out.append(piece)
    return out


def shared_share(docs: dict[str, str], lang: str) -> float:
    """Share of body characters whose unit occurs in two or more documents."""
    where: dict[str, set[str]] = defaultdict(set)
    per_doc = {name: units(body(md, lang), lang) for name, md in docs.items()}
    for name, items in per_doc.items():
        for u in items:
            where[u].add(name)
    total = sum(len(u) for items in per_doc.values() for u in items)
    shared = sum(len(u) for items in per_doc.values() for u in items if len(where[u]) > 1)
    return shared / total if total else 0.0


def render_example(path: Path, lang: str) -> dict[str, str]:
    """Every deliverable of one example, as Markdown by deliverable id."""
    from agent.answers_schema import answers_json_schema
    from agent.deliverables.answers_file import load_answers_file, scoring_weights, validate_answers
    from agent.deliverables.render_md import render_all
    from cli.commands.run import _records, evaluate

    data, table = load_answers_file(path)
    validate_answers(data, answers_json_schema(), path, table, value_depth=2)
    name = str((data.get("project") or {}).get("name") or path.stem)
    weights = scoring_weights(data, path, table)
    snapshot = evaluate(name, _records(data, path, table), lang, scoring_weights=weights)
    return {d.spec.id: d.markdown for d in render_all(snapshot, lang)}


def main(argv: list[str] | None = None) -> int:
    """Print the shared-text share of every example and their mean."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="zh", choices=["zh", "en"])
    parser.add_argument("examples", nargs="*")
    args = parser.parse_args(argv)
    paths = [EXAMPLES / f"{e}.yaml" for e in args.examples] or sorted(EXAMPLES.glob("*.yaml"))
    shares = []
    for path in paths:
        share = shared_share(render_example(path, args.lang), args.lang)
        shares.append(share)
        print(f"{path.stem:40s} {share:6.1%}")
    mean = sum(shares) / len(shares)
    print(f"{'mean (goal ≤ 15 %)':40s} {mean:6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
