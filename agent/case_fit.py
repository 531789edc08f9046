"""Which of the pack's named cases fit a project (`knowledge/case_fit.yaml`).

Advice names a case to show the project someone like it did this: the bank case speaks to a bank, the
drug-research assistant to a professional domain, and a hospital hears neither a bank's case nor a
proofreading model's figure where the pack has a closer one. The data says, per case, the projects it
fits (a condition over the profile); `unfit_cases` lists the cases a text names that do not fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from agent import conditions
from agent.datafiles import load_yaml
from agent.profile import Profile

CASE_FIT_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "case_fit.yaml"


@dataclass(frozen=True)
class NamedCase:
    """A case of the pack, the words that name it and the projects it fits."""

    id: str
    names: tuple[str, ...]
    fits: dict[str, Any]


@cache
def load_cases(path: Path = CASE_FIT_FILE) -> tuple[NamedCase, ...]:
    """The case catalogue, validated (names given, conditions well-formed)."""
    out = []
    for case_id, item in (load_yaml(path) or {}).get("cases", {}).items():
        where = f"{path.name}: case {case_id}"
        names = tuple(str(n) for n in item.get("names") or [])
        if not names:
            raise ValueError(f"{where}: no names")
        conditions.validate(item.get("fits") or {}, where)
        out.append(NamedCase(case_id, names, dict(item.get("fits") or {})))
    return tuple(out)


def named_cases(text: str) -> list[NamedCase]:
    """The cases `text` names."""
    return [c for c in load_cases() if any(n in text for n in c.names)]


def unfit_cases(text: str, profile: Profile) -> list[str]:
    """The ids of the cases `text` names that do not fit the project."""
    return [c.id for c in named_cases(text) if not conditions.evaluate(c.fits, profile)]
