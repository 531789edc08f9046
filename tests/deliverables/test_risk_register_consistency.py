"""The risk register's PMBOK assessment agrees with its own tables, in every example (zh and en):
impact is the severity shown, P×I is the product, probability two only where the text names the
risk and says why, and a "don't know" that raised only a gap is never a risk row."""

from __future__ import annotations

import re

import pytest

from tests.deliverables.example_docs import EXAMPLES, LANGS, doc, example_snapshot, tables

IMPACT = {"高": 3, "中": 2, "低": 1, "High": 3, "Medium": 2, "Low": 1}
TWO = {"zh": "概率记二级的是", "en": "Probability two: "}


def _sections(md: str) -> tuple[list[list[str]], list[list[str]]]:
    """(the risk list, the PMBOK assessment) tables of the register."""
    found = tables(md)
    risks = next(t for t in found if t[0][0] == "#" and len(t[0]) == 8)
    pmbok = next(t for t in found if t[0][:5] == ["ID", t[0][1], "P", "I", "P×I"])
    return risks, pmbok


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("lang", LANGS)
def test_the_pmbok_assessment_agrees_with_the_risk_table(example: str, lang: str) -> None:
    md = doc(example, lang, "risk_register").markdown
    snap = example_snapshot(example, lang)
    if not snap.findings:
        pytest.skip("no risks")
    risks, pmbok = _sections(md)
    severity = {row[0]: row[2] for row in risks[1:]}
    twos = []
    for row in pmbok[1:]:
        rsk, p, i, pi = row[0], int(row[2]), int(row[3]), int(row[4])
        assert i == IMPACT[severity[rsk]], (rsk, row)
        assert pi == p * i and p in (2, 3), row
        if p == 2:
            twos.append(rsk)
    text = md.split("| ID |")[0]
    if twos:
        line = next(line for line in md.splitlines() if line.startswith(TWO[lang]))
        assert re.findall(r"RSK-\d+", line) == twos, (line, twos)
    else:
        assert TWO[lang] not in text
    # a pitfall only a "don't know" or a missing answer would raise is a gap, never a risk row
    titles = {row[1].split(" (")[0].split("（")[0] for row in risks[1:]}
    assert not titles & {g.title for g in snap.gaps}


def test_a_risk_resting_on_an_unanswered_obligation_is_probability_two_and_says_why() -> None:
    md = doc("hospital_guideline_qa", "zh", "risk_register").markdown
    _, pmbok = _sections(md)
    rows = {row[0]: row for row in pmbok[1:]}
    line = next(line for line in md.splitlines() if line.startswith(TWO["zh"]))
    named = re.findall(r"RSK-\d+", line)
    assert named and all(rows[r][2] == "2" for r in named)
    assert "还没有回答" in line
    # the ones the answers show are three
    assert rows["RSK-1"][2] == "3"
