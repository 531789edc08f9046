"""The trust eval's data files are well-formed (issue 11): the answer-reading corpus names real
questions with values of the right type, and every scenario is a valid answers file whose expected
pitfalls are real rule ids. The eval's *figures* are a measurement (`make eval`), not a test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from agent.fieldtypes import field_spec
from agent.questions import load_bank
from eval.run_trust import (
    CORPUS_DIR,
    SCENARIO_DIR,
    SCENARIO_META_KEYS,
    Case,
    coach_executable,
    load_corpus,
    load_scenarios,
    score_reading,
    typed_answers,
)

REPO = Path(__file__).resolve().parents[2]
RULE_IDS = {r["id"] for r in yaml.safe_load((REPO / "knowledge" / "rules.yaml").read_text(encoding="utf-8"))}
CASE_KEYS = {"q", "lang", "text", "value", "ask_back", "status", "tol", "tags"}


def _raw_corpus() -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.name, item)
        for path in sorted(CORPUS_DIR.glob("*.yaml"))
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]


def _value_fits(question_id: str, value: Any) -> bool:
    q = load_bank().get(question_id)
    options = {o.value for o in q.options}
    if q.type == "choice":
        return isinstance(value, str) and value in options
    if q.type == "multi":
        return isinstance(value, list) and all(v in options for v in value)
    if q.type == "yesno":
        return isinstance(value, bool)
    if q.type == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if field_spec(q.field).kind == "text_list":
        return isinstance(value, list) and all(isinstance(v, str) and v for v in value)
    return isinstance(value, str) and bool(value.strip())


def test_every_corpus_case_names_a_real_question_and_one_expectation_of_its_type() -> None:
    bank = load_bank()
    problems = []
    for file, item in _raw_corpus():
        where = f"{file}: {item}"
        if set(item) - CASE_KEYS or item.get("q") not in bank:
            problems.append(f"unknown key or question id: {where}")
            continue
        if item.get("lang") not in ("zh", "en") or not isinstance(item.get("text"), str) or not item["text"]:
            problems.append(f"lang must be zh/en and text a non-empty string (quote it): {where}")
        expectations = [k for k in ("value", "ask_back", "status") if k in item]
        if len(expectations) != 1:
            problems.append(f"exactly one of value / ask_back / status: {where}")
        elif "value" in item and not _value_fits(item["q"], item["value"]):
            problems.append(f"value does not fit the question's type or options: {where}")
        elif "status" in item and item["status"] not in ("unknown", "skipped"):
            problems.append(f"status is unknown or skipped: {where}")
        elif "ask_back" in item and item["ask_back"] is not True:
            problems.append(f"ask_back: true or nothing: {where}")
    assert not problems, "\n".join(problems)


def test_corpus_covers_the_mix_the_issue_asks_for() -> None:
    cases = load_corpus()
    assert len(cases) >= 300
    zh = sum(c.lang == "zh" for c in cases) / len(cases)
    assert 0.6 <= zh <= 0.8, f"about two thirds Chinese, got {zh:.0%}"
    # the holdout was set at about a fifth of the batches written with it; the third dev batch
    # (written blind, session 4) is a split of its own, at least 60 answers in both languages
    first = [c for c in cases if c.split != "dev3"]
    holdout = sum(c.split == "holdout" for c in first) / len(first)
    assert 0.15 <= holdout <= 0.3, f"about 20 % holdout, got {holdout:.0%}"
    blind = [c for c in cases if c.split == "dev3"]
    assert len(blind) >= 60 and {c.lang for c in blind} == {"zh", "en"}
    assert {load_bank().get(c.q).type for c in blind} == {q.type for q in load_bank()}
    types = {load_bank().get(c.q).type for c in cases}
    assert types == {q.type for q in load_bank()}, "every question type of the bank is exercised"
    tags = {t for c in cases for t in c.tags}
    hard = {"ordinal-word", "range", "multi-number", "model-name", "duration", "date", "percent", "money"}
    assert hard <= tags | {"negation", "yesno-detail"}
    assert {"negation", "yesno-detail"} <= tags
    assert sum(c.expect_kind == "ask" for c in cases) >= 30, "enough ambiguous answers to ask back"


def test_a_guessed_value_for_an_ambiguous_answer_is_a_silent_wrong_value() -> None:
    ambiguous = Case(
        q="int.scale_users", lang="zh", text="两三百人", split="dev", file="t", expect_kind="ask"
    )
    assert score_reading(ambiguous, "value", 302.0) == "silent_wrong"
    assert score_reading(ambiguous, "ask", None) == "correct"
    number = Case(
        q="int.scale_users",
        lang="zh",
        text="约3000人",
        split="dev",
        file="t",
        expect_kind="value",
        value=3000,
    )
    assert score_reading(number, "value", 1.0) == "silent_wrong"
    assert score_reading(number, "value", 3000.0) == "correct"
    assert score_reading(number, "ask", None) == "asked_back"


@pytest.fixture(scope="module")
def answers_schema() -> dict[str, Any]:
    """The JSON Schema as users get it: `coach schema` (the console script)."""
    out = subprocess.run(
        [coach_executable(), "schema"], capture_output=True, text=True, check=True, timeout=120
    )
    return dict(json.loads(out.stdout))


def test_every_scenario_is_a_valid_answers_file_with_justified_real_rule_ids(
    answers_schema: dict[str, Any],
) -> None:
    validator = jsonschema.Draft202012Validator(answers_schema)
    paths = sorted(SCENARIO_DIR.glob("*.yaml"))
    assert len(paths) >= 24
    problems = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        answers = {k: v for k, v in data.items() if k not in SCENARIO_META_KEYS}
        problems += [f"{path.name}: {list(e.path)}: {e.message}" for e in validator.iter_errors(answers)]
        expect = data.get("expect") or {}
        ids: dict[str, list[str]] = {}
        for key in ("must", "must_not", "may"):
            for entry in expect.get(key) or []:
                if not isinstance(entry, dict) or entry.get("id") not in RULE_IDS or not entry.get("why"):
                    problems.append(f"{path.name}: {key}: needs a real rule id and a one-line why: {entry}")
                else:
                    ids.setdefault(key, []).append(entry["id"])
        overlap = set(ids.get("must", [])) & set(ids.get("must_not", []) + ids.get("may", []))
        if overlap:
            problems.append(f"{path.name}: in must and in must_not/may: {sorted(overlap)}")
        if not data.get("scenario", {}).get("sector"):
            problems.append(f"{path.name}: scenario.sector is missing")
    assert not problems, "\n".join(problems)


def test_scenarios_span_sectors_and_transcripts_match_their_answers() -> None:
    scenarios = load_scenarios()
    assert len({s.sector for s in scenarios}) >= 10
    assert {s.split for s in scenarios} == {"dev", "holdout"}
    holdout = sum(s.split == "holdout" for s in scenarios) / len(scenarios)
    # up to 0.4: issue 11 item 5 added five holdout scenarios written before the rules were tuned
    assert 0.15 <= holdout <= 0.4, f"a holdout of about a fifth to two fifths, got {holdout:.0%}"
    with_transcript = [s for s in scenarios if s.transcript]
    assert len(with_transcript) >= 4
    bank = load_bank()
    for s in with_transcript:
        for qid in s.transcript:
            section, _, name = bank.get(qid).field.partition(".")
            assert name in (s.answers.get(section) or {}), f"{s.name}: {qid} has no answer to compare with"
        typed = typed_answers(s)
        assert typed != s.answers and set(typed) == set(s.answers)


def test_runner_uses_the_coach_console_script_of_this_interpreter() -> None:
    assert Path(coach_executable()).parent == Path(sys.executable).parent
    assert Path(coach_executable()).exists()


def test_scenario_scoring_counts_misses_must_not_and_gap_findings() -> None:
    from eval.run_trust import Scenario, aggregate, score_scenario

    sc = Scenario(
        name="s",
        answers={},
        must=["a", "b"],
        must_not=["c"],
        may=["d"],
        sector="finance",
        transcript={},
    )
    pitfalls = [
        {"id": "a", "severity": "high", "evidence": [{"field": "x", "value": True}]},
        {"id": "c", "severity": "high", "evidence": [{"field": "y", "value": None}]},
        {"id": "e", "severity": "medium", "evidence": []},
        {"id": "b", "severity": "medium", "kind": "gap", "evidence": []},  # a gap, not a finding
    ]
    result = score_scenario(sc, "answers", pitfalls, "")
    assert result.missed == ["b"]
    assert result.violations == ["c"]
    assert result.unexpected == ["e"]
    assert result.high_from_gaps == ["c"]
    figures = aggregate([sc], [result])
    assert figures["recall"] == 0.5
    assert figures["precision"] == round(1 / 3, 3)
    assert figures["must_not_violations"] == 1
    failed = score_scenario(sc, "answers", None, "exit 2")
    assert failed.missed == ["a", "b"] and failed.error == "exit 2"
