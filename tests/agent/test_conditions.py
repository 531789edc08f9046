"""The condition language: operators, unknowns, combinators, field listing."""

from __future__ import annotations

import pytest

from agent.conditions import evaluate, fields
from agent.profile import Profile


def profile() -> Profile:
    p = Profile()
    p.project.sector = "finance"
    p.selection.techniques = ["rag", "agent"]
    p.selection.model_size_b = 72
    p.data.personal_data = True
    p.requirements.target = "提升体验"
    p.development.hallucination_controls = []
    return p


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        ({"field": "project.sector", "eq": "finance"}, True),
        ({"field": "project.sector", "ne": "finance"}, False),
        ({"field": "project.sector", "in": ["finance", "government"]}, True),
        ({"field": "project.sector", "not_in": ["finance"]}, False),
        ({"field": "selection.techniques", "contains": "rag"}, True),
        ({"field": "selection.techniques", "contains_any": ["fine_tuning", "agent"]}, True),
        ({"field": "selection.techniques", "lacks": "fine_tuning"}, True),
        ({"field": "selection.techniques", "lacks": ["rag", "agent"]}, False),
        ({"field": "selection.model_size_b", "gt": 14}, True),
        ({"field": "selection.model_size_b", "le": 14}, False),
        ({"field": "selection.deployment", "missing": True}, True),
        ({"field": "selection.deployment", "present": True}, False),
        ({"field": "development.hallucination_controls", "empty": True}, True),
        ({"field": "selection.techniques", "empty": False}, True),
        ({"field": "requirements.target", "has_number": False}, True),
        ({"not": {"field": "data.personal_data", "eq": True}}, False),
        (
            {
                "any": [
                    {"field": "data.personal_data", "eq": False},
                    {"field": "project.sector", "eq": "finance"},
                ]
            },
            True,
        ),
        (
            {
                "all": [
                    {"field": "data.personal_data", "eq": True},
                    {"field": "project.sector", "eq": "retail"},
                ]
            },
            False,
        ),
        ({}, True),
    ],
)
def test_operators(cond: dict, expected: bool) -> None:  # type: ignore[type-arg]
    assert evaluate(cond, profile()) is expected


def test_unknown_values_never_compare_true() -> None:
    p = Profile()
    for cond in (
        {"field": "selection.deployment", "ne": "private"},
        {"field": "selection.deployment", "not_in": ["private"]},
        {"field": "selection.techniques", "lacks": "rag"},
        {"field": "selection.model_size_b", "lt": 10},
        {"field": "selection.techniques", "empty": True},
    ):
        assert evaluate(cond, p) is False, cond


def test_unknown_operator_uses_dont_know_answers() -> None:
    cond = {"field": "integration.rollback_plan", "unknown": True}
    assert evaluate(cond, Profile()) is False
    assert evaluate(cond, Profile(), frozenset({"integration.rollback_plan"})) is True


def test_fields_in_order_without_duplicates() -> None:
    cond = {
        "all": [
            {"field": "data.personal_data", "eq": True},
            {
                "any": [
                    {"field": "selection.deployment", "eq": "hybrid"},
                    {"not": {"field": "data.personal_data", "eq": False}},
                ]
            },
        ]
    }
    assert fields(cond) == ["data.personal_data", "selection.deployment"]
    assert fields(None) == []
