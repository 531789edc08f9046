"""`evaluate3`: "not yet assessed" (None) differs from "does not apply" (False), by Kleene logic."""

from __future__ import annotations

from agent.conditions import evaluate3
from agent.profile import Profile

PERSONAL = {"field": "data.personal_data", "eq": True}
CLOUD = {"field": "selection.deployment", "in": ["public_cloud", "hybrid"]}


def _profile(**values: object) -> Profile:
    p = Profile()
    for path, value in values.items():
        p.set(path.replace("__", "."), value)
    return p


def test_an_empty_condition_holds() -> None:
    assert evaluate3({}, Profile()) is True
    assert evaluate3(None, Profile()) is True


def test_an_unanswered_leaf_is_undecided_but_missing_and_unknown_are_decided() -> None:
    assert evaluate3(PERSONAL, Profile()) is None
    assert evaluate3({"field": "data.personal_data", "missing": True}, Profile()) is True
    assert evaluate3({"field": "data.personal_data", "unknown": True}, Profile()) is False
    assert evaluate3(
        {"field": "data.personal_data", "unknown": True}, Profile(), frozenset({"data.personal_data"})
    )


def test_all_is_false_once_a_part_is_false_and_undecided_while_a_part_is_open() -> None:
    both = {"all": [PERSONAL, CLOUD]}
    assert evaluate3(both, _profile(data__personal_data=False)) is False
    assert evaluate3(both, _profile(data__personal_data=True)) is None
    assert evaluate3(both, _profile(data__personal_data=True, selection__deployment="hybrid")) is True
    assert evaluate3(both, _profile(data__personal_data=True, selection__deployment="private")) is False


def test_any_is_true_once_a_part_is_true_and_undecided_while_a_part_is_open() -> None:
    either = {"any": [PERSONAL, CLOUD]}
    assert evaluate3(either, _profile(selection__deployment="public_cloud")) is True
    assert evaluate3(either, _profile(selection__deployment="private")) is None
    assert evaluate3(either, _profile(data__personal_data=False, selection__deployment="private")) is False


def test_not_flips_a_decided_value_and_keeps_an_open_one_open() -> None:
    assert evaluate3({"not": PERSONAL}, _profile(data__personal_data=True)) is False
    assert evaluate3({"not": PERSONAL}, _profile(data__personal_data=False)) is True
    assert evaluate3({"not": PERSONAL}, Profile()) is None
