"""Derived profile values: facts the rules' preconditions need that earlier answers already imply.

Who holds the model's weights (`selection.model_source`) follows from the model name and vendor the
user gave ("厂商电力行业大模型一体机（闭源）" → a vendor's closed model; "某云厂商大模型 API" → a hosted
API; "Qwen2.5-7B" → open weights); what the model hands back (`development.output_kind`) follows from
the scenario ("识别类型并分到对应理赔队列" → labels). A derived value fills a field only while its
own question is unanswered, and carries the answer it was read from as its evidence. The phrase
tables live in `knowledge/derivations.yaml`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from agent.datafiles import load_yaml
from agent.profile import Profile

DERIVATIONS_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "derivations.yaml"


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _pattern(phrase: str) -> re.Pattern[str]:
    p = _norm(phrase)
    if p.isascii():
        return re.compile(rf"(?<![a-z]){re.escape(p)}(?![a-z])")
    return re.compile(re.escape(p))


@cache
def _tables() -> dict[str, dict[str, tuple[re.Pattern[str], ...]]]:
    data = load_yaml(DERIVATIONS_FILE) or {}
    return {
        name: {key: tuple(_pattern(str(p)) for p in phrases) for key, phrases in groups.items()}
        for name, groups in data.items()
    }


def _hits(table: str, text: str) -> set[str]:
    norm = _norm(text)
    return {key for key, pats in _tables()[table].items() if any(p.search(norm) for p in pats)}


def model_source(profile: Profile) -> str | None:
    """Who holds the weights, read from the model name and vendor (None when they don't say)."""
    sel = profile.selection
    text = " ".join(t for t in (sel.model_name, sel.vendor) if t)
    hits = _hits("model_source", text) if text else set()
    if "api" in hits:
        return "mixed" if "open" in hits and "local" in hits else "public_api"
    if "closed" in hits and "open" not in hits:
        return "public_api" if sel.deployment == "public_cloud" else "vendor_closed"
    if "open" in hits:
        return "open_weight"
    if "in_house" in hits:
        return "in_house"
    tuned = "fine_tuning" in (sel.techniques or []) or "fine_tuning" in (profile.development.approach or [])
    if tuned and sel.deployment in ("private", "cloud_edge"):
        return "in_house"
    return None


def output_kind(profile: Profile) -> str | None:
    """Generated text, labels or extracted fields, read from the scenario (None when it doesn't say)."""
    text = profile.requirements.scenario
    hits = _hits("output_kind", text) if text else set()
    for kind in ("generated", "labels", "extraction"):
        if kind in hits:
            return kind
    return None


DERIVED: dict[str, tuple[Callable[[Profile], Any], tuple[str, ...]]] = {
    "selection.model_source": (model_source, ("selection.model_name", "selection.vendor")),
    "development.output_kind": (output_kind, ("requirements.scenario",)),
}
"""Derived field → (how it is derived, the fields it is read from, the first one set is its evidence)."""


def derive(profile: Profile) -> dict[str, tuple[Any, str | None]]:
    """Every derivable value for fields still unknown: field → (value, the field it was read from)."""
    out: dict[str, tuple[Any, str | None]] = {}
    for path, (fn, sources) in DERIVED.items():
        if profile.get(path) is not None:
            continue
        value = fn(profile)
        if value is not None:
            source = next((s for s in sources if profile.get(s) is not None), None)
            out[path] = (value, source)
    return out
