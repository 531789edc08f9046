"""Check the deliverables rubric (`eval/deliverables_rubric.yaml`) on every example, zh and en.

`python -m eval.run_rubric` prints each failed check (example, language, document, criterion) and
the pass rate; exit status 0 either way (an evaluation, not a gate — the tests are the gate).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import yaml

from eval.shared_text import EXAMPLES, render_example

RUBRIC = Path(__file__).resolve().parent / "deliverables_rubric.yaml"


def load_rubric() -> list[dict[str, Any]]:
    """The rubric's criteria."""
    return list(yaml.safe_load(RUBRIC.read_text(encoding="utf-8"))["criteria"])


def _pattern(spec: dict[str, str], lang: str) -> str:
    return spec.get(lang) or spec["any"]


def check(docs: dict[str, str], lang: str, criteria: list[dict[str, Any]]) -> list[tuple[str, str, bool]]:
    """(document id, criterion id, passed) for every criterion that applies to a document."""
    results = []
    for c in criteria:
        targets = list(docs) if c["doc"] == "all" else [c["doc"]]
        for doc_id in targets:
            text = docs[doc_id]
            if "match" in c:
                ok = re.search(_pattern(c["match"], lang), text) is not None
            else:
                ok = re.search(_pattern(c["absent"], lang), text) is None
            results.append((doc_id, c["id"], ok))
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the rubric over the examples and print the pass rate."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("examples", nargs="*")
    args = parser.parse_args(argv)
    paths = [EXAMPLES / f"{e}.yaml" for e in args.examples] or sorted(EXAMPLES.glob("*.yaml"))
    criteria = load_rubric()
    passed = total = 0
    for path in paths:
        for lang in ("zh", "en"):
            for doc_id, crit, ok in check(render_example(path, lang), lang, criteria):
                total += 1
                passed += ok
                if not ok:
                    print(f"FAIL {path.stem} [{lang}] {doc_id}: {crit}")
    print(
        f"rubric: {passed}/{total} checks passed ({passed / total:.1%}) over {len(paths)} examples × zh, en"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
