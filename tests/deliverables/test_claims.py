"""Claims only from answers that state them (issue 11, item 6; PRODUCT.md "Trust").

No answer an example can give says that tests were run, that a decision-maker decided or that a
committee approved: no document may say so. "All inputs answered", alert thresholds, owners and costs
appear only where an answer states them. Checked over every example, in Chinese and English.
"""

from __future__ import annotations

import re

import pytest

from tests.deliverables.checks import asks
from tests.deliverables.example_docs import (
    EXAMPLES,
    LANGS,
    answer,
    doc,
    example_docs,
    example_snapshot,
    tables,
)

CASES = [(e, lang) for e in EXAMPLES for lang in LANGS]

TESTED = re.compile(
    r"已完成测试|完成性能测试|测试已完成|已通过测试|通过了测试|测试结果表明|"
    r"performance tested|tests? (?:have |has )?(?:been )?(?:completed|passed|run)\b|tested against",
    re.IGNORECASE,
)
DECIDED = re.compile(
    r"做出判断|已做出决定|已决定|已批准|已审批|审批通过|批准通过|"
    r"takes part and decides|has decided|decision (?:was|has been) made|(?<!verified or )\bapproved\b(?! by)",
    re.IGNORECASE,
)
UNKNOWN_MARKS = ("*待确认*", "*to be confirmed*", "待指定", "to be assigned", "to be named", "—", "")


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_no_document_says_tests_were_completed(example: str, lang: str) -> None:
    for d in example_docs(example, lang):
        hits = TESTED.findall(d.markdown)
        assert not hits, f"{d.spec.id}: {hits}"


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_no_document_says_a_decision_maker_decided_or_approved(example: str, lang: str) -> None:
    for d in example_docs(example, lang):
        hits = DECIDED.findall(d.markdown)
        assert not hits, f"{d.spec.id}: {hits}"
        status = tables(d.markdown)[0][1][2]
        assert status == ("Draft for review" if lang == "en" else "草稿，待评审"), d.spec.id


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_all_inputs_answered_only_when_every_field_read_is_known(example: str, lang: str) -> None:
    claim = (
        "Every input this document needs has been answered." if lang == "en" else "本文所需的输入均已回答。"
    )
    profile = example_snapshot(example, lang).profile
    for d in example_docs(example, lang):
        unknown = [p for p in d.used_fields if profile.get(p) is None]
        if claim in d.markdown:
            assert not unknown, f"{d.spec.id} claims all answered but read unknown {unknown}"
        else:
            assert unknown or d.open_items, f"{d.spec.id}: nothing is open, yet it does not say so"


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_alert_thresholds_come_from_the_alert_answer_not_from_test_targets(example: str, lang: str) -> None:
    runbook = doc(example, lang, "operations_runbook").markdown
    given = answer(example, "operations.alert_thresholds")
    label = "**Alert thresholds**: " if lang == "en" else "**告警阈值**："
    line = next(ln for ln in runbook.splitlines() if ln.startswith(label))
    if given:
        assert " ".join(str(given).split()) in line.replace("\\", "")
    else:
        assert line.endswith(("*to be confirmed*", "*待确认*")), line
        assert asks(runbook, "operations.alert_thresholds", lang)  # an open question
    for target in ("accuracy_target", "latency_target_ms", "hallucination_target"):
        value = answer(example, f"testing.{target}")
        if value is None or (given and str(value) in str(given)):
            continue
        number = f"{value:g}" if isinstance(value, float) else str(value)
        body = runbook.split("\n## ", 1)[1]  # after the header's version table
        assert not re.search(
            rf"(?:低于|高于|below|above|P95[^|]*?)\s*{re.escape(number)}\s*(?:%|ms)", body
        ), f"the runbook turns testing.{target} = {number} into an alert threshold"


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_an_owner_is_shown_only_where_an_answer_names_one(example: str, lang: str) -> None:
    named = {
        str(answer(example, p)) for p in ("operations.owners", "data.governance_owner") if answer(example, p)
    }
    for d in example_docs(example, lang):
        for table in tables(d.markdown):
            header = table[0]
            columns = [i for i, h in enumerate(header) if h in ("负责人", "Owner")]
            for row in table[1:]:
                for i in columns:
                    cell = row[i].replace("\\", "") if i < len(row) else ""
                    if cell in UNKNOWN_MARKS:
                        continue
                    assert any(cell.startswith(n) for n in named), f"{d.spec.id}: owner {cell!r} not answered"
            # a two-column "role | owner" table (the runbook's responsibilities)
            if len(header) == 2 and header[1] in ("负责人", "Owner"):
                for row in table[1:]:
                    assert row[1] in UNKNOWN_MARKS or row[1].replace("\\", "") in named, row


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_costs_are_the_answers_and_an_estimate_is_claimed_only_when_answered(example: str, lang: str) -> None:
    fields = {
        "requirements.budget_wan": ("预算（万元）", "Budget (10k CNY)"),
        "selection.cost_estimate_wan": ("年运行成本估算（万元）", "Yearly running cost estimate (10k CNY)"),
    }
    for d in example_docs(example, lang):
        for table in tables(d.markdown):
            for row in table[1:]:
                for path, labels in fields.items():
                    label = labels[1] if lang == "en" else labels[0]
                    if row[0] != label and not row[0].startswith(f"{label} (`"):
                        continue
                    given = answer(example, path)
                    expected = f"{given:g}" if isinstance(given, float) else str(given)
                    assert row[1] == (expected if given is not None else row[1]), (d.spec.id, row)
                    if given is None:
                        assert row[1] in UNKNOWN_MARKS, (d.spec.id, row)
    selection = doc(example, lang, "model_selection").markdown
    estimated = "| Estimated |" if lang == "en" else "| 已测算 |"
    stated = answer(example, "selection.has_cost_estimate") or answer(example, "selection.cost_estimate_wan")
    assert (estimated in selection) == bool(stated), example
