"""From answers to the profile, and where each value came from (what report.json and the documents
show as stated, inferred or implied): the precedence of answers, inferences, implications and
derived facts, and which stated values a run records for questions it never asked."""

from __future__ import annotations

from typing import Any

from agent.answers import (
    build_profile,
    build_profile_with_provenance,
    implied_fields,
    implied_value,
    ordered_records,
    stated_unasked,
    unknown_fields,
)
from agent.questions import QuestionBank, load_bank
from agent.snapshot import AnswerRecord

from .helpers import answers

BANK = load_bank()


def _rec(qid: str, value: Any = None, *, status: str = "answered", **inferred: Any) -> AnswerRecord:
    """A record as a snapshot keeps it; `inferred` keys use `__` for the dot (data__personal_data)."""
    q = BANK.get(qid)
    return AnswerRecord(
        question_id=qid,
        stage=q.stage,
        field=q.field,
        raw=str(value),
        value=value,
        status=status,  # type: ignore[arg-type]
        inferred={k.replace("__", "."): v for k, v in inferred.items()},
    )


def _by_id(*records: AnswerRecord) -> dict[str, AnswerRecord]:
    return {r.question_id: r for r in records}


def test_records_come_in_bank_order_and_unknown_questions_last_by_id() -> None:
    scenario, pains, size = (
        _rec("req.scenario", "x"),
        _rec("req.pain_points", "y"),
        _rec("sel.model_size", 7.0),
    )
    gone_b = scenario.model_copy(update={"question_id": "zz.retired"})
    gone_a = scenario.model_copy(update={"question_id": "aa.retired"})
    given = {
        "zz.retired": gone_b,
        "sel.model_size": size,
        "aa.retired": gone_a,
        "req.scenario": scenario,
        "req.pain_points": pains,
    }
    assert [r.question_id for r in ordered_records(given, BANK)] == [
        "req.pain_points",  # bank order, not alphabetical: pain points are asked before the scenario
        "req.scenario",
        "sel.model_size",
        "aa.retired",
        "zz.retired",
    ]


def test_the_earliest_question_in_bank_order_wins_an_inferred_scalar() -> None:
    """Two free-text answers imply different sectors: the one asked first (pain points) gives it."""
    scenario = _rec("req.scenario", "s", project__sector="healthcare")
    pains = _rec("req.pain_points", "p", project__sector="finance")
    profile, prov = build_profile_with_provenance(_by_id(scenario, pains))
    assert profile.project.sector == "finance"
    assert (
        prov["project.sector"].record.question_id == "req.pain_points"
        and prov["project.sector"].inferred is True
    )


def test_a_value_that_cannot_be_set_is_not_claimed_as_stated() -> None:
    """An old snapshot's value the profile refuses ("banana" for a yes/no) leaves the field open: no
    provenance says it was stated, and the profile stays as it was."""
    profile, prov = build_profile_with_provenance(_by_id(_rec("dat.personal_data", "banana")))
    assert profile.data.personal_data is None
    assert "data.personal_data" not in prov


def test_inferred_lists_merge_and_name_the_first_answer_that_gave_them() -> None:
    pains = _rec("req.pain_points", "p", selection__techniques=["rag"], integration__systems=["CRM"])
    scenario = _rec(
        "req.scenario", "s", selection__techniques=["agent", "rag"], integration__systems=["工单系统"]
    )
    profile, prov = build_profile_with_provenance(_by_id(scenario, pains))
    assert profile.selection.techniques == ["rag", "agent"]
    assert profile.integration.systems == ["CRM", "工单系统"]
    for path in ("selection.techniques", "integration.systems"):
        assert prov[path].record.question_id == "req.pain_points" and prov[path].inferred is True


def test_inferences_never_override_an_answer_and_skip_empty_or_mistyped_values() -> None:
    pains = _rec(
        "req.pain_points",
        "p",
        data__personal_data=True,  # answered "no" below: the answer stands
        data__confidential_data=None,  # nothing inferred
        requirements__scenario_priority="客服",  # one text for a list field: not split into characters
        requirements__target_users="internal",
    )
    users = _rec("req.target_users", None, status="unknown")  # "don't know" is no answer: inference fills it
    profile, prov = build_profile_with_provenance(_by_id(pains, _rec("dat.personal_data", False), users))
    assert profile.data.personal_data is False and prov["data.personal_data"].inferred is False
    assert profile.data.confidential_data is None and "data.confidential_data" not in prov
    assert profile.requirements.scenario_priority is None and "requirements.scenario_priority" not in prov
    assert (
        profile.requirements.target_users == "internal" and prov["requirements.target_users"].inferred is True
    )


def test_a_field_answered_with_a_value_the_profile_refuses_takes_no_inference() -> None:
    """The user answered the question (with a value an old snapshot kept): an inference from other
    words does not fill it in behind their back."""
    pains = _rec("req.pain_points", "p", data__personal_data=True)
    profile, prov = build_profile_with_provenance(_by_id(pains, _rec("dat.personal_data", "banana")))
    assert profile.data.personal_data is None and "data.personal_data" not in prov


def test_an_implication_fills_only_what_no_answer_or_words_gave() -> None:
    name = _rec("sel.model_name", "Qwen2.5-72B-Instruct")
    profile, prov = build_profile_with_provenance(_by_id(name))
    assert profile.selection.model_size_b == 72
    assert prov["selection.model_size_b"].rule == "model-size-from-name"
    assert prov["selection.model_size_b"].record.question_id == "sel.model_name"
    assert prov["selection.model_size_b"].inferred is True
    assert implied_value(_by_id(name), "selection.model_size_b") == 72
    assert implied_fields(_by_id(name)) == {"selection.model_size_b": (72.0, name)}
    # the user's own words said 7B: the name's 72 does not replace them
    words = _rec("req.pain_points", "p", selection__model_size_b=7.0)
    profile, prov = build_profile_with_provenance(_by_id(name, words))
    assert profile.selection.model_size_b == 7 and prov["selection.model_size_b"].rule is None
    assert implied_value(_by_id(name, words), "selection.model_size_b") is None
    assert "selection.model_size_b" not in implied_fields(_by_id(name, words))
    # answered itself: no implication
    stated = _by_id(name, _rec("sel.model_size", 14.0))
    assert build_profile(stated).selection.model_size_b == 14
    assert implied_value(stated, "selection.model_size_b") is None and implied_fields(stated) == {}


def test_implied_fields_list_implications_only_even_beside_a_dont_know() -> None:
    """report.json lists as `inferred` what only an implication gave; a "don't know" to the size
    does not hide the size the model's name states, and words read from free text are not listed."""
    name = _rec("sel.model_name", "Qwen2.5-72B-Instruct")
    unknown_size = _rec("sel.model_size", None, status="unknown")
    words = _rec("req.pain_points", "p", project__sector="finance")
    assert implied_fields(_by_id(name, unknown_size, words)) == {"selection.model_size_b": (72.0, name)}


def test_derived_facts_name_their_source_and_never_replace_an_answer() -> None:
    a = answers({"sel.model_name": "Qwen2.5-72B-Instruct", "req.scenario": "坐席检索条款并生成回复"})
    profile, prov = build_profile_with_provenance(a)
    assert profile.selection.model_source == "open_weight"
    assert prov["selection.model_source"].record.question_id == "sel.model_name"
    assert prov["selection.model_source"].inferred is True
    assert profile.development.output_kind == "generated"
    assert prov["development.output_kind"].record.question_id == "req.scenario"
    # answered "in-house": the name's open-weight family does not replace the answer
    a.update(answers({"sel.model_source": "自研"}))
    profile, prov = build_profile_with_provenance(a)
    assert profile.selection.model_source == "in_house"
    assert prov["selection.model_source"].record.question_id == "sel.model_source"
    assert prov["selection.model_source"].inferred is False
    # answered "don't know": that is no answer, the derived fact fills it
    a.update(answers({"sel.model_source": "不知道"}))
    profile, prov = build_profile_with_provenance(a)
    assert profile.selection.model_source == "open_weight" and prov["selection.model_source"].inferred is True


def test_stated_values_of_unasked_questions_are_kept_as_the_files() -> None:
    gpu = _rec("sel.has_gpu", True).model_copy(update={"source": "user"})
    given = _by_id(
        gpu,
        _rec("sel.deployment", "public_cloud"),  # asked and recorded
        _rec("req.name", "客服助手"),  # the project's name: intake, not an answer
        _rec("sel.vendor", None, status="skipped"),
        _rec("dat.audit", None),  # answered with nothing
        _rec("sel.upgrade_path", True),
    )
    recorded = _by_id(_rec("sel.deployment", "public_cloud"))
    kept = stated_unasked(given, recorded, BANK)
    assert sorted(kept) == ["sel.has_gpu", "sel.upgrade_path"]
    assert kept["sel.has_gpu"] == gpu.model_copy(update={"source": "file"})


def test_unknown_fields_are_the_dont_knows_only() -> None:
    given = _by_id(
        _rec("sel.vendor", None, status="unknown"),
        _rec("sel.deployment", None, status="skipped"),
        _rec("dat.audit", True),
    )
    assert unknown_fields(given) == frozenset({"selection.vendor"})


def test_the_bank_given_decides_the_order() -> None:
    """A session keeps the bank it was interviewed with (`StepDeps.bank`): its order, not the
    built-in one, decides which answer's inference comes first."""
    scenario = _rec("req.scenario", "s", project__sector="healthcare")
    pains = _rec("req.pain_points", "p", project__sector="finance")
    scenario_first = QuestionBank(sorted(BANK, key=lambda q: q.id != "req.scenario"))
    assert build_profile(_by_id(scenario, pains), bank=scenario_first).project.sector == "healthcare"
    assert build_profile(_by_id(scenario, pains)).project.sector == "finance"
