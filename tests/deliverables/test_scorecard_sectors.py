"""The value scorecard weighs dimensions the way each sector the interview offers judges value."""

from __future__ import annotations

import re

import pytest

from agent.deliverables.registry import load_registry
from agent.deliverables.render_md import render_document
from agent.profile import Profile
from agent.questions import load_bank
from agent.snapshot import ProjectSnapshot

SECTORS = [o.value for q in load_bank().questions if q.field == "project.sector" for o in q.options]


def scorecard(sector: str, lang: str = "en") -> tuple[str, list[tuple[str, int]]]:
    """(the sentence under the sector line, the table's (dimension, weight) rows) as a reader sees them."""
    p = Profile()
    p.project.sector = sector  # type: ignore[assignment]
    spec = next(s for s in load_registry() if s.id == "value_scorecard")
    markdown = render_document(ProjectSnapshot(name="x", profile=p), spec, lang).markdown
    intro, table = markdown.split("## 2. Scorecard", 1)
    rows = [(d, int(w)) for d, w in re.findall(r"^\| ([^|]+) \| (\d+)% \|", table, flags=re.M)]
    return intro, rows


@pytest.mark.parametrize("sector", [s for s in SECTORS if s != "other"])
def test_every_offered_sector_has_its_own_weights(sector: str) -> None:
    intro, rows = scorecard(sector)
    assert "default weights" not in intro, sector
    assert sum(w for _, w in rows) == 100
    assert rows != scorecard("other")[1], f"{sector} weighs like the default"


def test_other_uses_the_default_weights() -> None:
    assert "The table uses the default weights." in scorecard("other")[0]


def test_telecom_puts_subscriber_data_risk_first_and_media_public_opinion_and_accuracy() -> None:
    assert scorecard("telecom")[1][0] == ("Risk identification", 25)
    media = dict(scorecard("media")[1])
    assert media["Social evaluation"] == media["Risk identification"] == max(media.values())
    assert "Diversity" in media
    internet = dict(scorecard("internet")[1])
    assert internet["Technology leadership"] > dict(scorecard("other")[1])["Technology leadership"]
