"""Advice fitted to the project: what the guidance says about value beyond ROI speaks to the project's own
sector (government: citizen satisfaction; education: fairness and diversity; others: neither)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agent.answers import build_profile
from agent.recommend import recommend
from agent.rules import RuleError, evaluate_rules, load_rules
from agent.types import Finding

from .helpers import answers

ROI_ONLY = {"ops.value_metrics": "ROI, efficiency"}
PUBLIC_SECTOR_WORDS = ("government", "education", "citizen", "fairness")


def roi_finding(sector: str | None, lang: str = "en") -> Finding:
    raw = {**ROI_ONLY, **({"req.sector": sector} if sector else {})}
    found = {f.id: f for f in evaluate_rules(None, answers(raw, "en"), lang)}  # type: ignore[arg-type]
    return found["value-roi-only"]


@pytest.mark.parametrize("sector", [None, "finance", "manufacturing", "healthcare", "retail", "telecom"])
def test_roi_only_advice_outside_the_public_sector_does_not_talk_about_government_or_education(
    sector: str | None,
) -> None:
    finding = roi_finding(sector)
    assert finding.severity == "medium"
    assert not [w for w in PUBLIC_SECTOR_WORDS if w in finding.advice.lower()], finding.advice
    assert "risk identification" in finding.advice and "scorecard" in finding.advice
    assert "value-government-education" not in [c.passage_id for c in finding.citations]


def test_roi_only_advice_in_government_names_citizen_satisfaction_and_cites_the_sector_passage() -> None:
    finding = roi_finding("government")
    assert finding.severity == "high"
    assert finding.advice.startswith("In government") and "citizen satisfaction" in finding.advice
    assert "education" not in finding.advice.lower()
    assert "value-government-education" in [c.passage_id for c in finding.citations]
    assert "project.sector" in [e.field for e in finding.evidence]
    zh = roi_finding("government", "zh")
    assert "群众满意度" in zh.advice and "教育" not in zh.advice


def test_roi_only_advice_in_education_names_fairness_and_diversity() -> None:
    finding = roi_finding("education")
    assert finding.severity == "high"
    assert "fairness" in finding.advice and "diversity" in finding.advice
    assert "government" not in finding.advice.lower() and "citizen" not in finding.advice.lower()
    assert "公平性" in roi_finding("education", "zh").advice


def test_advice_if_needs_both_languages(tmp_path: Path) -> None:
    (rule,) = [r for r in load_rules() if r.id == "value-roi-only"]
    data = rule.model_dump(mode="json")
    data["advice_if"][0]["advice"] = [{"kind": "coach", "zh": "只有中文", "en": " "}]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump([data], allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleError, match="advice_if: a coach statement without zh or en text"):
        load_rules(path)


@pytest.mark.parametrize(
    ("sector", "own", "other"),
    [
        ("government", "citizen satisfaction", ("education", "fairness")),
        ("education", "fairness", ("government", "citizen")),
    ],
)
def test_public_sector_advice_speaks_only_of_the_projects_own_sector(
    sector: str, own: str, other: tuple[str, ...]
) -> None:
    raw = {"req.sector": sector, "ops.value_metrics": "efficiency, technology leadership"}
    a = answers(raw, "en")
    found = {f.id: f for f in evaluate_rules(None, a, "en")}
    recs = {r.id: r for r in recommend(build_profile(a), "en", answers=a)}
    for text in (
        found["value-public-sector-dimensions-missing"].advice,
        recs["rec-value-public-sector"].advice,
    ):
        assert own in text, text
        assert not [w for w in other if w in text.lower()], text
