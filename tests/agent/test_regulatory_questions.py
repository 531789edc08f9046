"""The regulatory questions are asked only when they can change an obligation, and `evaluate3`
keeps "not yet assessed" apart from "does not apply"."""

from __future__ import annotations

import pytest

from agent.conditions import evaluate3
from agent.profile import Profile
from agent.questions import load_bank
from agent.types import Stage

BANK = load_bank()


def asked(stage: Stage, profile: Profile) -> set[str]:
    return {q.id for q in BANK.applicable(stage, profile)}


def test_public_service_questions_follow_the_audience() -> None:
    p = Profile()
    # who the service reaches is asked of every project, even before (or without) the
    # internal/external answer: a "don't know" there must not hide it (reachability)
    empty = asked(Stage.requirements, p)
    assert "req.audience" in empty
    assert not {"req.cn_filing", "req.public_content", "req.ai_act_role"} & empty
    p.requirements.target_users = "internal"
    p.requirements.audience = ["internal_staff"]
    internal = asked(Stage.requirements, p)
    assert "req.audience" in internal
    assert not {"req.cn_filing", "req.public_content", "req.content_labels", "req.ai_act_role"} & internal
    p.requirements.target_users = "external"
    p.requirements.audience = ["cn_public"]
    p.requirements.public_generated_content = True
    public = asked(Stage.requirements, p)
    assert {"req.cn_filing", "req.public_content", "req.content_labels"} <= public
    assert "req.eu_use_areas" not in public


def test_eu_questions_only_with_eu_users_and_risk_management_only_for_annex_iii() -> None:
    p = Profile()
    p.requirements.target_users = "external"
    p.requirements.audience = ["eu_users"]
    p.requirements.eu_use_areas = ["none"]
    eu = asked(Stage.requirements, p)
    assert {"req.ai_act_role", "req.eu_use_areas"} <= eu and "req.ai_risk_management" not in eu
    p.requirements.eu_use_areas = ["employment"]
    assert "req.ai_risk_management" in asked(Stage.requirements, p)


def test_pipl_questions_only_with_personal_data() -> None:
    p = Profile()
    p.data.personal_data = False
    assert not {"dat.sensitive_classes", "dat.cross_border"} & asked(Stage.data, p)
    p.data.personal_data = True
    p.data.sensitive_classes = ["none"]
    p.data.cross_border = False
    data = asked(Stage.data, p)
    assert {"dat.sensitive_classes", "dat.cross_border"} <= data
    assert not {"dat.separate_consent", "dat.pi_impact_assessment", "dat.cross_border_mechanism"} & data
    p.data.sensitive_classes = ["minors"]
    assert {"dat.separate_consent", "dat.pi_impact_assessment"} <= asked(Stage.data, p)


@pytest.mark.parametrize(
    ("users", "audience", "expected"),
    [
        (None, None, None),
        ("internal", None, False),
        ("external", None, None),
        ("external", ["cn_public"], True),
    ],
)
def test_evaluate3_separates_unknown_from_false(
    users: str | None, audience: list[str] | None, expected: bool | None
) -> None:
    cond = {
        "all": [
            {"field": "requirements.target_users", "in": ["external", "both"]},
            {"field": "requirements.audience", "contains": "cn_public"},
        ]
    }
    p = Profile()
    p.requirements.target_users = users  # type: ignore[assignment]
    p.requirements.audience = audience  # type: ignore[assignment]
    assert evaluate3(cond, p) is expected


def test_evaluate3_any_is_true_once_one_branch_holds() -> None:
    cond = {"any": [{"field": "data.cross_border", "eq": True}, {"field": "data.personal_data", "eq": True}]}
    p = Profile()
    p.data.personal_data = True
    assert evaluate3(cond, p) is True
    assert evaluate3({"not": cond}, p) is False
    assert evaluate3({"not": {"field": "data.cross_border", "eq": True}}, p) is None
