"""Data files validate, and everything they cite exists in the built-in pack."""

from __future__ import annotations

import pytest

from agent.readiness import load_criteria
from agent.recommend import load_recommendations
from agent.rules import RuleError, load_rules
from agent.signals import load_signals
from knowledge.pack import load_pack, pack_index
from knowledge.regulatory import notes_index


def cited_ids() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in load_rules():
        out[f"rules.yaml:{r.id}"] = r.cites
    for rec in load_recommendations():
        out[f"recommendations.yaml:{rec.id}"] = rec.cites
    pack = load_criteria()
    for group in (pack.stages, pack.phases):
        for key, items in group.items():
            for c in items:
                out[f"exit_criteria.yaml:{key.value}:{c.id}"] = c.cites
    return out


def test_every_cited_passage_exists_in_the_pack() -> None:
    # the pack ships in the repository: empty means broken packaging or loading, never "nothing to check"
    assert load_pack(), "the built-in pack is empty: the citations of the rules cannot be checked"
    ids = set(pack_index()) | set(notes_index())  # regulation notes: a separate, citable source
    missing = {where: [c for c in cites if c not in ids] for where, cites in cited_ids().items()}
    assert {k: v for k, v in missing.items() if v} == {}


def test_every_rule_and_recommendation_cites_something() -> None:
    assert all(c.cites for items in load_criteria().phases.values() for c in items)
    assert all(r.cites for r in load_rules())
    assert all(r.cites for r in load_recommendations())


def test_every_stage_and_phase_has_criteria_with_both_languages() -> None:
    pack = load_criteria()
    for group in (pack.stages, pack.phases):
        for items in group.values():
            assert items
            assert all(c.text["zh"] and c.text["en"] for c in items)


def test_signals_load() -> None:
    assert len(load_signals()) > 30


def test_a_broken_rule_file_names_file_and_rule(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rules.yaml"
    path.write_text(
        "- id: bad-rule\n  title: {zh: a, en: a}\n  severity: high\n  stage: data\n"
        "  when: {field: data.personal_dat, eq: true}\n  advice: [{kind: coach, zh: a, en: a}]\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match=r"rules.yaml.*bad-rule.*data.personal_dat"):
        load_rules.__wrapped__(path)
