"""REQ ↔ TST ↔ RSK ↔ ADR: every ID a project's documents mention is defined in its home document,
every requirement has a test, and each requirement's acceptance criterion is an answered value."""

from __future__ import annotations

import re

import pytest

from tests.deliverables.checks import asks
from tests.deliverables.example_docs import EXAMPLES, LANGS, answer, doc, example_docs, tables

CASES = [(e, lang) for e in EXAMPLES for lang in LANGS]
ID = re.compile(r"\b(REQ-(?:F|NF)-\d+|TST-\d+|RSK-\d+|ADR-\d+)\b")
HOMES = {"REQ": "requirement_spec", "TST": "test_plan", "RSK": "risk_register", "ADR": "architecture_notes"}


def defined(example: str, lang: str) -> dict[str, set[str]]:
    """IDs that open a table row in their home document."""
    out: dict[str, set[str]] = {}
    for prefix, home in HOMES.items():
        ids = set()
        for table in tables(doc(example, lang, home).markdown):
            if table[0][0] != "ID" and not (prefix == "RSK" and table[0][0] == "#"):
                continue
            ids |= {row[0] for row in table[1:] if row[0].startswith(prefix)}
        out[prefix] = ids
    return out


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_every_id_mentioned_anywhere_resolves_to_its_home_document(example: str, lang: str) -> None:
    homes = defined(example, lang)
    assert homes["REQ"] and homes["TST"] and homes["ADR"], homes
    for d in example_docs(example, lang):
        for ref in set(ID.findall(d.markdown)):
            assert ref in homes[ref.split("-")[0]], f"{d.spec.id} mentions {ref}, defined nowhere"


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_every_requirement_has_a_test_and_a_row_in_the_matrix(example: str, lang: str) -> None:
    reqs = defined(example, lang)["REQ"]
    plan = tables(doc(example, lang, "test_plan").markdown)
    verified = {
        row[1] for table in plan if table[0][0] == "ID" for row in table[1:] if row[0].startswith("TST")
    }
    assert reqs <= verified, reqs - verified
    spec = doc(example, lang, "requirement_spec").markdown
    matrix = next(t for t in tables(spec) if t[0][1] in ("测试", "Tests"))
    assert {row[0] for row in matrix[1:]} == reqs
    for row in matrix[1:]:
        assert row[1] != "—" and all(ID.fullmatch(x.strip()) for x in row[1].split(","))


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_a_numeric_requirement_states_the_answered_target(example: str, lang: str) -> None:
    spec = doc(example, lang, "requirement_spec").markdown
    rows = [row for t in tables(spec) if t[0][0] == "ID" for row in t[1:] if row[0].startswith("REQ-NF")]
    for path in ("testing.accuracy_target", "testing.latency_target_ms", "testing.hallucination_target"):
        value = answer(example, path)
        if value is None:
            assert asks(spec, path, lang)  # unanswered: an open question, not an invented target
            continue
        number = f"{value:g}" if isinstance(value, float) else str(value)
        exact = rf"(?<![\d.]){re.escape(number)}(?![\d.])"
        assert any(re.search(exact, r[1]) and re.search(exact, r[2]) for r in rows), (path, number)
