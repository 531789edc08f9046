"""The answers-file format of `coach run`: schema and conversion with clear errors."""

from __future__ import annotations

import json

import pytest
import yaml

from agent.answers import build_profile
from agent.answers_schema import AnswersFileError, answers_json_schema, file_answers_to_records
from agent.errors import InputError
from agent.questions import load_bank

FILE = """
lang: en
project: {name: Service desk, organisation: City Bank, sector: 银行}
requirements:
  pain_points: long queues at peak times, customer data scattered
  target_users: 内部员工
  budget_wan: 500万
  timeline_months: 6
  team: [business, IT]
  scenario_priority: [service, marketing]
  decision_maker_involved: unknown
data:
  personal_data: true
  desensitisation: masking, encryption
  knowledge_base: 是
selection:
  deployment: on-prem
  model_size_b: 7
  techniques: [RAG, agent]
  vendor: skip
testing:
  accuracy_target: 0.95
"""


def test_forgiving_file_becomes_records_and_profile() -> None:
    recs = file_answers_to_records(yaml.safe_load(FILE))
    profile = build_profile(recs)
    assert profile.project.sector == "finance"
    assert profile.requirements.target_users == "internal"
    assert profile.requirements.budget_wan == 500
    assert profile.requirements.team == ["business", "it"]
    assert profile.requirements.scenario_priority == ["service", "marketing"]
    assert profile.data.desensitisation == ["masking", "encryption"]
    assert profile.data.knowledge_base is True
    assert profile.selection.deployment == "private"
    assert profile.selection.techniques == ["rag", "agent"]
    assert profile.testing.accuracy_target == 95
    assert recs["req.decision_maker"].status == "unknown"
    assert recs["sel.vendor"].status == "skipped"
    assert all(r.source == "file" for r in recs.values())


@pytest.mark.parametrize(
    ("data", "field", "hint"),
    [
        ({"selection": {"deployment": "moon"}}, "selection.deployment", "private"),
        ({"selection": {"deploymnt": "private"}}, "selection.deploymnt", "deployment"),
        ({"sellection": {"deployment": "private"}}, "sellection", "selection"),
        ({"data": {"personal_data": [1]}}, "data.personal_data", "true / false"),
        ({"data": {"personal_data": "maybe"}}, "data.personal_data", "true / false"),
        ({"testing": {"accuracy_target": 150}}, "testing.accuracy_target", "100"),
        ({"selection": {"techniques": ["rag", "blockchain"]}}, "selection.techniques", "fine_tuning"),
        ({"requirements": "lots"}, "requirements", "mapping"),
        ({"lang": "fr"}, "lang", "zh"),
    ],
)
def test_invalid_entries_name_the_field_and_accepted_values(data: dict, field: str, hint: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(AnswersFileError) as exc:
        file_answers_to_records(data)
    err = exc.value
    assert isinstance(err, InputError) and err.exit_code == 2
    assert err.field == field
    assert field in str(err) and hint in str(err)


def test_top_level_must_be_a_mapping() -> None:
    with pytest.raises(InputError, match="top level"):
        file_answers_to_records(["not", "a", "mapping"])


def test_unknown_is_an_option_where_the_question_has_one() -> None:
    recs = file_answers_to_records({"requirements": {"precedents": "unknown", "risk_tolerance": "unknown"}})
    assert recs["req.precedents"].value == "unknown" and recs["req.precedents"].status == "answered"
    assert recs["req.risk_tolerance"].status == "unknown"


def test_null_means_not_answered() -> None:
    assert file_answers_to_records({"data": {"personal_data": None}, "testing": None}) == {}


def test_schema_covers_every_question_with_enums() -> None:
    schema = answers_json_schema()
    json.dumps(schema)  # serialisable
    props = schema["properties"]
    for q in load_bank():
        section, _, name = q.field.partition(".")
        entry = props[section]["properties"][name]
        assert entry["description"]
        if q.type in ("choice", "multi"):
            base = entry["anyOf"][0]
            enum = base["enum"] if q.type == "choice" else base["items"]["enum"]
            assert enum == [o.value for o in q.options]
    assert props["lang"]["enum"] == ["zh", "en"]
    assert schema["additionalProperties"] is False


def test_schema_accepts_the_canonical_form_of_a_converted_file() -> None:
    import jsonschema  # a runtime dependency: its absence is a failure, not a skip

    recs = file_answers_to_records(yaml.safe_load(FILE))
    canonical: dict = {}  # type: ignore[type-arg]
    for r in recs.values():
        section, _, name = r.field.partition(".")
        canonical.setdefault(section, {})[name] = (
            r.value if r.status == "answered" else r.status.replace("skipped", "skip")
        )
    jsonschema.validate(canonical, answers_json_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"selection": {"deployment": "moon"}}, answers_json_schema())
