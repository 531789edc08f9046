"""The rule engine (`agent.rules`) where the rule tests over the shipped data do not reach: a malformed
rule file refused with the part of the rule at fault named, the rules a caller passes (not the shipped
ones), the language of the advice, gaps in order with the question to ask,
evidence naming the question behind a value, and preconditions shown only as positive facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from agent.profile import Profile
from agent.rules import Rule, RuleError, evaluate_rules, judge, load_rules

from .helpers import answers

ADVICE = [{"kind": "coach", "zh": "先做脱敏。", "en": "Mask the data first."}]


def _rule(rule_id: str = "demo", **extra: Any) -> dict[str, Any]:
    return {
        "id": rule_id,
        "title": {"zh": "演示", "en": "Demo"},
        "severity": "medium",
        "stage": "data",
        "when": {"field": "data.personal_data", "eq": True},
        "advice": ADVICE,
        **extra,
    }


def _load(tmp_path: Path, *rules: dict[str, Any]) -> tuple[Rule, ...]:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(list(rules), allow_unicode=True), encoding="utf-8")
    return load_rules(path)


BAD = {"field": "project.sector", "eq": "banking"}


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"applies_if": BAD}, "rules.yaml: rule demo applies_if: field project.sector"),
        ({"when": BAD}, "rules.yaml: rule demo: field project.sector"),
        ({"severity_if": [{"when": BAD, "severity": "high"}]}, "rules.yaml: rule demo severity_if: field"),
        ({"advice_if": [{"when": BAD, "advice": ADVICE}]}, "rules.yaml: rule demo advice_if: field"),
        ({"advice": []}, "rules.yaml: rule demo: no statements"),
        ({"advice_if": [{"when": {}, "advice": []}]}, "rules.yaml: rule demo advice_if: no statements"),
        ({"title": {"zh": "演示"}}, "rules.yaml: rule demo: missing en title"),
    ],
)
def test_a_malformed_rule_is_refused_naming_the_part_at_fault(
    tmp_path: Path, extra: dict[str, Any], named: str
) -> None:
    with pytest.raises(RuleError) as info:
        _load(tmp_path, _rule(**extra))
    assert str(info.value).startswith(named), str(info.value)


def test_a_duplicate_rule_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="rule demo: duplicate id"):
        _load(tmp_path, _rule(), _rule())


def _profile(**values: Any) -> Profile:
    p = Profile()
    for path, value in values.items():
        section, name = path.split("__")
        setattr(getattr(p, section), name, value)
    return p


def test_only_the_rules_passed_are_judged_on_the_profile_passed(tmp_path: Path) -> None:
    (rule,) = _load(tmp_path, _rule())
    found = evaluate_rules(_profile(data__personal_data=True), {}, "en", rules=(rule,))
    assert [f.id for f in found] == ["demo"]
    assert evaluate_rules(_profile(data__personal_data=False), {}, "en", rules=(rule,)) == []


def test_the_advice_is_in_the_language_asked(tmp_path: Path) -> None:
    (rule,) = _load(tmp_path, _rule())
    profile = _profile(data__personal_data=True)
    assert evaluate_rules(profile, {}, "en", rules=(rule,))[0].advice == "Mask the data first."
    assert evaluate_rules(profile, {}, "zh", rules=(rule,))[0].advice == "先做脱敏。"


def test_evidence_names_the_question_behind_a_value_given_without_answers(tmp_path: Path) -> None:
    (rule,) = _load(tmp_path, _rule())
    (finding,) = evaluate_rules(_profile(data__personal_data=True), {}, "en", rules=(rule,), provenance={})
    assert [(e.question_id, e.field) for e in finding.evidence] == [
        ("dat.personal_data", "data.personal_data")
    ]


def test_a_precondition_on_an_unanswered_question_is_not_shown_as_evidence(tmp_path: Path) -> None:
    applies = {
        "all": [
            {"field": "data.confidential_data", "eq": True},
            {"field": "selection.deployment", "missing": True},
            {"field": "selection.model_size_b", "present": False},
        ]
    }
    (rule,) = _load(tmp_path, _rule(applies_if=applies))
    (finding,) = evaluate_rules(
        _profile(data__personal_data=True, data__confidential_data=True), {}, "en", rules=(rule,)
    )
    assert [e.field for e in finding.evidence] == ["data.confidential_data", "data.personal_data"]


def test_gaps_come_in_severity_order_and_name_the_question_to_ask(tmp_path: Path) -> None:
    unknown = {"field": "data.personal_data", "unknown": True}
    rules = _load(
        tmp_path,
        _rule("a-low", severity="low", when=unknown),
        _rule("b-high", severity="high", when=unknown),
        _rule("c-medium", when=unknown),
    )
    findings, gaps = judge(None, answers({"dat.personal_data": "不清楚"}), "zh", rules=rules)
    assert findings == []
    assert [g.rule for g in gaps] == ["b-high", "c-medium", "a-low"]
    assert gaps[0].question_ids == ["dat.personal_data"]
    assert gaps[0].ask == ["会用到客户或员工的个人信息吗（姓名、身份证、病历、账户等）？"]
