"""Regulatory obligations of a project, decided from its answers (data: knowledge/regulations/).

Each obligation applies, does not apply, or is not yet assessed (a deciding answer is missing) —
three-valued on purpose: an unanswered fact never makes an obligation apply. Its status comes only
from what an answer states (planned, done, partial, missing); nothing stated → to be confirmed.
The risk-register crosswalk (NIST AI RMF function, ISO/IEC 42001 Annex A area, Chinese obligation)
and the GB/T 45654 test categories live in the same folder. Guidance, not legal advice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agent import conditions
from agent.datafiles import load_yaml
from agent.profile import Profile
from knowledge.regulatory import notes_index

REGULATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "knowledge" / "regulations"
OBLIGATIONS_FILE = REGULATIONS_DIR / "obligations.yaml"
CROSSWALK_FILE = REGULATIONS_DIR / "crosswalk.yaml"

Applies = Literal["yes", "no", "unassessed"]
Status = Literal["done", "planned", "partial", "missing", "to_confirm"]


class StatusIf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    when: dict[str, Any]
    status: Literal["done", "planned", "partial", "missing"]


class Obligation(BaseModel):
    """One obligation of the checklist."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    title: dict[str, str]
    cites: list[str]
    applies_when: dict[str, Any]
    scope: dict[str, str]
    status_if: list[StatusIf] = Field(default_factory=list)
    owner: str


@dataclass
class ObligationRow:
    """An obligation as it stands for one project."""

    obligation: Obligation
    applies: Applies
    deciding: list[str] = field(default_factory=list)
    """Fields whose answers decided applicability (or, when unassessed, the unanswered ones)."""
    status: Status = "to_confirm"
    status_fields: list[str] = field(default_factory=list)
    """Fields whose answers gave the status."""


@cache
def load_obligations(path: Path = OBLIGATIONS_FILE) -> tuple[Obligation, ...]:
    """The obligations, validated (conditions and cited notes); ValueError names file and entry."""
    out: list[Obligation] = []
    for item in load_yaml(path) or []:
        ob = Obligation.model_validate(item)
        where = f"{path.name}: obligation {ob.id}"
        conditions.validate(ob.applies_when, where)
        for s in ob.status_if:
            conditions.validate(s.when, where)
        unknown = [c for c in ob.cites if c not in notes_index()]
        if unknown or not ob.cites:
            raise ValueError(f"{where}: cites unknown or no regulation notes {unknown}")
        if any(not d.get(lang) for d in (ob.title, ob.scope) for lang in ("zh", "en")):
            raise ValueError(f"{where}: title and scope need zh and en")
        out.append(ob)
    if len({o.id for o in out}) != len(out):
        raise ValueError(f"{path.name}: duplicate obligation id")
    return tuple(out)


def _ruling_out(cond: dict[str, Any], profile: Profile, unknown: frozenset[str]) -> list[str]:
    """The fields of the parts that make a false condition false (for "does not apply, because…")."""
    out: list[str] = []

    def walk(c: dict[str, Any]) -> None:
        if "all" in c:
            for sub in c["all"]:
                if conditions.evaluate3(sub, profile, unknown) is False:
                    walk(sub)
        elif "any" in c:
            for sub in c["any"]:
                walk(sub)
        elif "not" in c:
            out.extend(f for f in conditions.fields(c["not"]) if f not in out)
        elif c.get("field") not in out:
            out.append(c["field"])

    walk(cond)
    return out


def _unanswered(cond: dict[str, Any], profile: Profile) -> list[str]:
    return [f for f in conditions.fields(cond) if profile.get(f) is None]


def assess(profile: Profile, unknown_fields: frozenset[str] = frozenset()) -> list[ObligationRow]:
    """Every obligation with its applicability and status for this profile, in file order."""
    rows: list[ObligationRow] = []
    for ob in load_obligations():
        decided = conditions.evaluate3(ob.applies_when, profile, unknown_fields)
        if decided is None:
            rows.append(ObligationRow(ob, "unassessed", _unanswered(ob.applies_when, profile)))
            continue
        if not decided:
            rows.append(ObligationRow(ob, "no", _ruling_out(ob.applies_when, profile, unknown_fields)))
            continue
        row = ObligationRow(ob, "yes", conditions.deciding_fields(ob.applies_when, profile, unknown_fields))
        for s in ob.status_if:
            if conditions.evaluate(s.when, profile, unknown_fields):
                row.status = s.status
                row.status_fields = conditions.deciding_fields(s.when, profile, unknown_fields)
                break
        else:
            row.status_fields = [
                f for s in ob.status_if for f in conditions.fields(s.when) if profile.get(f) is None
            ]
        rows.append(row)
    return rows


def applicable_ids(profile: Profile) -> set[str]:
    """Ids of the obligations that apply (the eval compares these with its expectations)."""
    return {r.obligation.id for r in assess(profile) if r.applies == "yes"}


# -- crosswalk: risk register columns and test-plan categories ---------------------------------


class CrosswalkEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    nist: str
    """NIST AI RMF function: govern | map | measure | manage."""
    iso: str
    """ISO/IEC 42001 Annex A area key (A.2 … A.10)."""
    cn: str = ""
    """The id of the Chinese obligation (obligations.yaml) the risk touches, if any."""


class Crosswalk(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    nist_functions: dict[str, dict[str, str]]
    iso_areas: dict[str, dict[str, str]]
    default: CrosswalkEntry
    rules: dict[str, CrosswalkEntry]
    gbt_45654_categories: list[dict[str, str]]


@cache
def load_crosswalk(path: Path = CROSSWALK_FILE) -> Crosswalk:
    """The crosswalk, validated: every key it uses is defined."""
    cw = Crosswalk.model_validate(load_yaml(path))
    obligations = {o.id for o in load_obligations()}
    for rule_id, e in [("default", cw.default), *cw.rules.items()]:
        if e.nist not in cw.nist_functions or e.iso not in cw.iso_areas or (e.cn and e.cn not in obligations):
            raise ValueError(f"{path.name}: {rule_id}: unknown NIST function, ISO area or obligation")
    return cw


def mapping_for(
    rule_id: str, lang: str, applicable: set[str] | frozenset[str] = frozenset()
) -> dict[str, str]:
    """Reader-facing crosswalk of one finding: NIST function, ISO/IEC 42001 area, and the Chinese
    obligation — only when that obligation is among `applicable` (the project's own)."""
    cw = load_crosswalk()
    entry = cw.rules.get(rule_id, cw.default)
    key = "en" if lang == "en" else "zh"
    cn = ""
    if entry.cn and entry.cn in applicable:
        ob = next(o for o in load_obligations() if o.id == entry.cn)
        cn = ob.title[key]
    return {"nist": cw.nist_functions[entry.nist][key], "iso": cw.iso_areas[entry.iso][key], "cn": cn}


def obligation_fields() -> list[str]:
    """Every profile field an obligation's applicability, status or owner reads (deliverable inputs)."""
    out: list[str] = []
    for ob in load_obligations():
        for cond in [ob.applies_when, *(s.when for s in ob.status_if)]:
            out.extend(f for f in conditions.fields(cond) if f not in out)
        if ob.owner not in out:
            out.append(ob.owner)
    return out


def gbt_45654_categories(lang: str) -> list[str]:
    """The GB/T 45654 risk categories, as test categories for a public service."""
    key = "en" if lang == "en" else "zh"
    return [c[key] for c in load_crosswalk().gbt_45654_categories]


def report_entries(profile: Profile, unknown_fields: frozenset[str], lang: str) -> list[dict[str, Any]]:
    """The obligations as `report.json` entries: applies (yes / no / unassessed), the fields that
    decided it, the status from the answers (null unless it applies) and the notes it rests on."""
    key = "en" if lang == "en" else "zh"
    return [
        {
            "id": r.obligation.id,
            "title": r.obligation.title[key],
            "applies": r.applies,
            "because": r.deciding,
            "status": r.status if r.applies == "yes" else None,
            "status_from": r.status_fields if r.applies == "yes" else [],
            "regulation_notes": list(r.obligation.cites),
        }
        for r in assess(profile, unknown_fields)
    ]
