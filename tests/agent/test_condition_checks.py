"""The condition language as a rule author meets it: a malformed condition in a data file is refused on
load with a message naming the entry and what is wrong (a rule that silently never fires is the worst
outcome), every well-formed operator is accepted, and the operators' edges (bounds, non-numbers, text,
"don't know" under `not`) decide as documented in `agent.conditions`."""

from __future__ import annotations

from typing import Any

import pytest

from agent.conditions import ConditionError, deciding_fields, evaluate, evaluate3, fields, validate
from agent.profile import Profile

WHERE = "rules.yaml: demo-rule"


@pytest.mark.parametrize(
    "cond",
    [
        None,
        {},
        {"field": "data.personal_data", "eq": True},
        {"field": "data.personal_data", "ne": False},
        {"field": "project.sector", "in": ["finance", "government"]},
        {"field": "project.sector", "not_in": ["finance"]},
        {"field": "selection.techniques", "contains": "rag"},
        {"field": "selection.techniques", "contains_any": ["rag", "agent"]},
        {"field": "selection.techniques", "lacks": ["rag", "agent"]},
        {"field": "integration.systems", "contains": "CRM"},
        {"field": "requirements.pain_points", "contains": "排队"},
        {"field": "selection.model_size_b", "lt": 7},
        {"field": "selection.model_size_b", "le": 7.5},
        {"field": "selection.model_size_b", "gt": 70},
        {"field": "selection.model_size_b", "ge": 70},
        {"field": "selection.deployment", "missing": True},
        {"field": "selection.deployment", "present": False},
        {"field": "selection.deployment", "unknown": True},
        {"field": "selection.techniques", "empty": True},
        {"field": "integration.systems", "empty": False},
        {"field": "requirements.pain_points", "empty": True},
        {"field": "requirements.target", "has_number": False},
        {"not": {"field": "data.personal_data", "eq": True}},
        {
            "all": [
                {"field": "data.personal_data", "eq": True},
                {"any": [{"field": "project.sector", "eq": "finance"}]},
            ]
        },
    ],
)
def test_every_well_formed_condition_is_accepted(cond: Any) -> None:
    validate(cond, WHERE)


@pytest.mark.parametrize(
    ("cond", "message"),
    [
        (["field", "eq"], "a condition must be a mapping"),
        ({"all": [], "any": []}, "'all' must be the only key of its condition"),
        ({"any": [{"field": "data.personal_data", "eq": True}], "field": "x"}, "'any' must be the only key"),
        ({"all": []}, "'all' needs a non-empty list of conditions"),
        ({"any": {"field": "data.personal_data", "eq": True}}, "'any' needs a non-empty list"),
        ({"not": {"field": "data.no_such_field", "eq": True}}, "unknown profile field 'data.no_such_field'"),
        ({"all": [{"field": "data.personal_data", "eq": True}, {"field": "nope", "eq": 1}]}, "'nope'"),
        ({"eq": True}, "unknown profile field None"),
        (
            {"field": "data.personal_data"},
            "field data.personal_data: a condition on a field needs exactly one",
        ),
        (
            {"field": "data.personal_data", "eq": True, "ne": False},
            "needs exactly one operator of eq, ne, in",
        ),
        ({"field": "data.personal_data", "equals": True}, "needs exactly one operator"),
        ({"field": "selection.deployment", "missing": "yes"}, "'missing' takes true or false"),
        ({"field": "selection.deployment", "present": 1}, "'present' takes true or false"),
        ({"field": "selection.deployment", "unknown": "true"}, "'unknown' takes true or false"),
        ({"field": "selection.techniques", "empty": None}, "'empty' takes true or false"),
        ({"field": "project.sector", "empty": True}, "'empty' applies to lists and text only"),
        ({"field": "requirements.target", "has_number": "no"}, "'has_number' takes true or false"),
        ({"field": "selection.model_size_b", "has_number": True}, "'has_number' applies to text fields only"),
        ({"field": "selection.techniques", "has_number": True}, "'has_number' applies to text fields only"),
        ({"field": "project.sector", "lt": 3}, "'lt' compares a number field with a number"),
        ({"field": "selection.model_size_b", "le": "7"}, "'le' compares a number field with a number"),
        ({"field": "selection.model_size_b", "gt": True}, "'gt' compares a number field with a number"),
        ({"field": "data.personal_data", "ge": 1}, "'ge' compares a number field with a number"),
        ({"field": "project.sector", "in": "finance"}, "'in' takes a list"),
        ({"field": "project.sector", "not_in": "finance"}, "'not_in' takes a list"),
        ({"field": "selection.techniques", "contains_any": "rag"}, "'contains_any' takes a list"),
        ({"field": "project.sector", "contains": "fin"}, "'contains' applies to list or text fields"),
        (
            {"field": "project.sector", "contains_any": ["finance"]},
            "'contains_any' applies to list or text fields",
        ),
        ({"field": "data.personal_data", "lacks": True}, "'lacks' applies to list or text fields"),
        ({"field": "data.personal_data", "eq": "yes"}, "a yes/no field compares with true or false"),
        ({"field": "data.personal_data", "in": [True, "no"]}, "a yes/no field compares with true or false"),
        ({"field": "project.sector", "eq": "banking"}, "['banking'] not among the allowed values ['finance'"),
        ({"field": "selection.techniques", "contains": "magic"}, "['magic'] not among the allowed values"),
        (
            {"field": "selection.techniques", "lacks": ["rag", "magic"]},
            "['magic'] not among the allowed values",
        ),
    ],
)
def test_a_malformed_condition_is_refused_naming_the_entry_and_the_fault(cond: Any, message: str) -> None:
    with pytest.raises(ConditionError) as info:
        validate(cond, WHERE)
    assert str(info.value).startswith(f"{WHERE}: ")
    assert message in str(info.value)


def test_the_field_is_named_with_its_fault() -> None:
    with pytest.raises(
        ConditionError, match=r"^rules.yaml: demo-rule: field project.sector: 'in' takes a list$"
    ):
        validate({"field": "project.sector", "in": "finance"}, WHERE)


def _profile(**values: Any) -> Profile:
    p = Profile()
    for path, value in values.items():
        section, name = path.split("__")
        setattr(getattr(p, section), name, value)
    return p


@pytest.mark.parametrize(
    ("op", "size", "expected"),
    [
        ("lt", 7, False),
        ("lt", 6, True),
        ("le", 7, True),
        ("le", 8, False),
        ("gt", 7, False),
        ("gt", 8, True),
        ("ge", 7, True),
        ("ge", 6, False),
    ],
)
def test_number_comparisons_at_their_bound(op: str, size: int, expected: bool) -> None:
    assert (
        evaluate({"field": "selection.model_size_b", op: 7}, _profile(selection__model_size_b=size))
        is expected
    )


def test_ne_needs_a_known_different_value() -> None:
    cond = {"field": "project.sector", "ne": "finance"}
    assert evaluate(cond, _profile(project__sector="government"))
    assert not evaluate(cond, _profile(project__sector="finance"))
    assert not evaluate(cond, Profile()), "an unanswered question never differs"


def test_has_number_true_and_false_on_text() -> None:
    vague = _profile(requirements__target="提升体验")
    measured = _profile(requirements__target="满意度提升到 90%")
    assert evaluate({"field": "requirements.target", "has_number": True}, measured)
    assert not evaluate({"field": "requirements.target", "has_number": True}, vague)
    assert evaluate({"field": "requirements.target", "has_number": False}, vague)
    assert not evaluate({"field": "requirements.target", "has_number": False}, measured)


def test_empty_on_text() -> None:
    assert evaluate(
        {"field": "requirements.pain_points", "empty": True}, _profile(requirements__pain_points="")
    )
    assert not evaluate(
        {"field": "requirements.pain_points", "empty": True}, _profile(requirements__pain_points="慢")
    )
    assert evaluate(
        {"field": "requirements.pain_points", "empty": False}, _profile(requirements__pain_points="慢")
    )


def test_a_dont_know_under_not_is_still_a_dont_know() -> None:
    cond = {"not": {"field": "selection.deployment", "unknown": True}}
    assert not evaluate(cond, Profile(), frozenset({"selection.deployment"}))
    assert evaluate(cond, Profile(), frozenset())


def test_three_valued_reads_dont_know_inside_all_any_and_not() -> None:
    dont_know = frozenset({"selection.deployment"})
    leaf = {"field": "selection.deployment", "unknown": True}
    assert evaluate3({"all": [leaf]}, Profile(), dont_know) is True
    assert evaluate3({"any": [leaf]}, Profile(), dont_know) is True
    assert evaluate3({"not": leaf}, Profile(), dont_know) is False
    assert evaluate3({"any": [leaf]}, Profile(), frozenset()) is False


def test_three_valued_present_is_decided_on_an_unanswered_question() -> None:
    assert evaluate3({"field": "selection.deployment", "present": True}, Profile()) is False


def test_fields_reads_under_not() -> None:
    cond = {
        "all": [
            {"not": {"field": "project.sector", "eq": "finance"}},
            {"field": "data.personal_data", "eq": True},
        ]
    }
    assert fields(cond) == ["project.sector", "data.personal_data"]


def test_deciding_fields_name_only_the_alternatives_that_hold_and_what_a_not_reads() -> None:
    cond = {
        "all": [
            {
                "any": [
                    {"field": "data.personal_data", "eq": True},
                    {"field": "data.confidential_data", "eq": True},
                ]
            },
            {"not": {"field": "selection.deployment", "eq": "private"}},
            {"field": "data.personal_data", "eq": True},
        ]
    }
    p = _profile(
        data__personal_data=True, data__confidential_data=False, selection__deployment="public_cloud"
    )
    assert deciding_fields(cond, p) == ["data.personal_data", "selection.deployment"]
    q = _profile(
        data__personal_data=False, data__confidential_data=True, selection__deployment="public_cloud"
    )
    assert deciding_fields({"any": cond["all"][0]["any"]}, q) == ["data.confidential_data"]
