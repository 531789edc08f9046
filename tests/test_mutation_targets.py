"""`make mutate` (bench/mutate.py) mutates each target module against the tests its TARGETS entry names:
a name that is not a file silently drops that module's guard, and every mutant then survives."""

from __future__ import annotations

from pathlib import Path

from bench.mutate import TARGETS
from bench.mutate_rules import RULE_FILES, TESTS

ROOT = Path(__file__).resolve().parent.parent


def test_every_mutation_target_is_a_module_of_the_tree() -> None:
    missing = [m for m in TARGETS if not (ROOT / m).is_file()]
    assert not missing, f"TARGETS names modules that do not exist: {missing}"


def test_every_test_a_mutation_target_names_exists() -> None:
    missing = [f"{m} → {t}" for m, tests in TARGETS.items() for t in tests if not (ROOT / t).is_file()]
    assert not missing, f"TARGETS names test files that do not exist: {missing}"


def test_the_rule_data_mutator_names_existing_files_and_tests() -> None:
    assert all((ROOT / f).is_file() for f in RULE_FILES)
    missing = [t for t in TESTS if not (ROOT / t.split("::")[0]).is_file()]
    assert not missing, f"bench/mutate_rules.py names test files that do not exist: {missing}"
