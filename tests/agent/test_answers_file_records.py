"""What each answer of a `coach run` file becomes: the record kept (value, status, the user's words),
the refusal with its exact wording and hint, the warning for words that cannot be read for certain,
and the published schema (`coach schema`)."""

from __future__ import annotations

from typing import Any

import pytest

from agent.answers import build_profile
from agent.answers_schema import (
    AnswersFileError,
    NotApplyingWarning,
    ReadingWarning,
    answers_json_schema,
    file_answers_to_records,
    not_applying,
)
from agent.errors import InputError
from agent.questions import load_bank
from agent.snapshot import AnswerRecord

# field: (value in the file, (status, value kept, raw words kept))
READINGS: dict[str, tuple[Any, tuple[str, Any, str]]] = {
    "requirements.risk_tolerance": (" Unknown ", ("unknown", None, " Unknown ")),
    "selection.vendor": ("SKIP", ("skipped", None, "SKIP")),
    "requirements.precedents": ("unknown", ("answered", "unknown", "unknown")),  # an option of its own
    "requirements.decision_maker_involved": ("不知道", ("unknown", None, "不知道")),
    "data.personal_data": (False, ("answered", False, "no")),
    "data.confidential_data": (True, ("answered", True, "yes")),
    "data.knowledge_base": ("是", ("answered", True, "是")),
    "requirements.timeline_months": (6, ("answered", 6.0, "6")),
    "requirements.budget_wan": ("500万", ("answered", 500.0, "500万")),
    "selection.model_size_b": ("1.5e3", ("answered", 1500.0, "1.5e3")),  # text to PyYAML, a number to JSON
    "integration.scale_users": ("2E2", ("answered", 200.0, "2E2")),
    "testing.accuracy_target": (0.9, ("answered", 90.0, "0.9")),  # a share written as a fraction
    "operations.slo_accuracy": (1, ("answered", 1.0, "1")),  # 1 is one percent, not a fraction
    "testing.hallucination_target": (0.5, ("answered", 0.5, "0.5")),  # not a fraction field
    "testing.latency_target_ms": (0, ("answered", 0.0, "0")),
    "requirements.minutes_saved_per_task": (10000, ("answered", 10000.0, "10000")),
    "data.desensitisation": (
        ["masking", "Masking", "encryption"],
        ("answered", ["masking", "encryption"], "masking, Masking, encryption"),
    ),
    "data.sources": ("internal, external", ("answered", ["internal", "external"], "internal, external")),
    "requirements.scenario_priority": ([1, "客服"], ("answered", ["1", "客服"], "1, 客服")),
    "requirements.target_users": ("内部员工", ("answered", "internal", "内部员工")),
    "selection.model_name": ("qwen2.5-7b", ("answered", "qwen2.5-7b", "qwen2.5-7b")),
    "project.organisation": (42, ("answered", "42", "42")),  # a number where text is asked: its digits
    "operations.slo_availability": (0, ("answered", 0.0, "0")),
}


def test_each_answer_becomes_the_record_kept_with_the_users_words() -> None:
    bank = load_bank()
    data: dict[str, dict[str, Any]] = {}
    for field, (value, _) in READINGS.items():
        section, _, name = field.partition(".")
        data.setdefault(section, {})[name] = value
    warnings: list[ReadingWarning] = []
    records = file_answers_to_records(data, warnings=warnings)
    assert warnings == []
    got = {r.field: r for r in records.values()}
    assert set(got) == set(READINGS)
    for field, (_, (status, value, raw)) in READINGS.items():
        q = bank.by_field(field)
        assert q is not None
        expected = AnswerRecord(
            question_id=q.id, stage=q.stage, field=field, raw=raw, value=value, status=status, source="file"
        )
        assert records[q.id] == expected, field


def test_free_text_keeps_what_it_implies() -> None:
    records = file_answers_to_records(
        {"requirements": {"pain_points": "银行客服高峰排队，涉及客户信息，想用RAG"}}
    )
    rec = records["req.pain_points"]
    assert rec.value == "银行客服高峰排队，涉及客户信息，想用RAG" and rec.source == "file"
    assert rec.inferred == {
        "project.sector": "finance",
        "data.personal_data": True,
        "selection.techniques": ["rag"],
    }


def test_settings_nulls_and_lang_are_not_answers() -> None:
    data = {
        "lang": "en",
        "selection": {"scoring_weights": {"privacy": 100}, "deployment": None, "vendor": "skip"},
        "testing": None,
        "data": {"personal_data": True},
    }
    assert list(file_answers_to_records(data)) == [
        "sel.vendor",
        "dat.personal_data",
    ]  # the fields after the weights too
    assert file_answers_to_records({"lang": None}) == {}
    assert list(file_answers_to_records({"lang": "zh", "project": {"name": "x"}})) == ["req.name"]


FIELDS_OF_REQUIREMENTS = ", ".join(
    q.field.split(".")[1] for q in load_bank() if q.field.startswith("requirements.")
)
# data: (message, hint, field)
REFUSALS: list[tuple[Any, tuple[str, str, str | None]]] = [
    (
        ["a"],
        (
            "answers file: the top level must be a mapping of sections",
            "e.g. `requirements: {pain_points: …}`; see `coach answers-template`",
            None,
        ),
    ),
    ({"lang": "fr"}, ("answers file: lang must be zh or en", "lang: zh", "lang")),
    (
        {"budget": {}},
        (
            "answers file: unknown section 'budget'",
            "sections are: data, development, integration, operations, project, requirements, selection, testing (and lang)",
            "budget",
        ),
    ),
    (
        {"requirements": [1]},
        (
            "answers file: section 'requirements' must be a mapping of fields",
            "e.g. requirements:\\n  <field>: <answer>",
            "requirements",
        ),
    ),
    (
        {"requirements": {"colour": 1}},
        (
            "answers file: unknown field 'requirements.colour'",
            f"fields of requirements: {FIELDS_OF_REQUIREMENTS}",
            "requirements.colour",
        ),
    ),
    (
        {"testing": {"accuracy_target": -0.5}},
        (
            "answers file: testing.accuracy_target: -0.5 is out of range / 超出允许范围",
            "use a number between 0 and 100",
            "testing.accuracy_target",
        ),
    ),
    (
        {"testing": {"accuracy_target": 100.5}},
        (
            "answers file: testing.accuracy_target: 100.5 is out of range / 超出允许范围",
            "use a number between 0 and 100",
            "testing.accuracy_target",
        ),
    ),
    (
        {"requirements": {"timeline_months": 121}},
        (
            "answers file: requirements.timeline_months: 121 is out of range / 超出允许范围",
            "use a number between 0 and 120",
            "requirements.timeline_months",
        ),
    ),
    (
        {"requirements": {"budget_wan": "1e999"}},
        (
            "answers file: requirements.budget_wan: 1e999 is not a number / 不是有效数字",
            "write an ordinary number, e.g. 50 or 1.5",
            "requirements.budget_wan",
        ),
    ),
    (
        {"requirements": {"budget_wan": float("inf")}},
        (
            "answers file: requirements.budget_wan: inf is not a number / 不是有效数字",
            "write an ordinary number, e.g. 50 or 1.5",
            "requirements.budget_wan",
        ),
    ),
    (
        {"data": {"personal_data": "maybe"}},
        (
            "answers file: data.personal_data: 'maybe' is not valid / 无效的答案",
            "accepted values: true / false (是 / 否); or unknown / skip",
            "data.personal_data",
        ),
    ),
    (
        {"selection": {"model_size_b": "e3"}},
        (
            "answers file: selection.model_size_b: 'e3' is not valid / 无效的答案",
            "accepted values: a number in billion_params; or unknown / skip",
            "selection.model_size_b",
        ),
    ),
    (
        {"requirements": {"target_users": "martians"}},
        (
            "answers file: requirements.target_users: 'martians' is not valid / 无效的答案",
            "accepted values: internal (内部员工 / Internal staff), external (外部客户或群众 / External customers or citizens), both (两者都有 / Both); or unknown / skip",
            "requirements.target_users",
        ),
    ),
    (
        {"selection": {"deployment": ""}},
        (
            "answers file: selection.deployment: the answer is blank ('') / 答案为空",
            "write the answer, or `unknown` to list it as an open question, or delete the line",
            "selection.deployment",
        ),
    ),
    (
        {"development": {"domain_data": {"a": 1}}},
        (
            "answers file: development.domain_data: wrong type (dict) / 类型错误",
            "expected text",
            "development.domain_data",
        ),
    ),
    (
        {"requirements": {"timeline_months": [6]}},
        (
            "answers file: requirements.timeline_months: wrong type (list) / 类型错误",
            "expected a number in months",
            "requirements.timeline_months",
        ),
    ),
    (
        {"requirements": {"scenario_priority": ["客服", None]}},
        (
            "answers file: requirements.scenario_priority: expected a list of texts / 应为文本列表",
            "e.g. [CRM, 工单系统]",
            "requirements.scenario_priority",
        ),
    ),
    (
        {"requirements": {"budget_wan": True}},
        (
            "answers file: requirements.budget_wan: True is not valid / 无效的答案",
            "accepted values: a number in wan_cny; or unknown / skip",
            "requirements.budget_wan",
        ),
    ),
    (
        {"selection": {"techniques": ["rag", "unknown"]}},
        (
            "answers file: selection.techniques: 'unknown' is not one of the options / 不是可选项",
            "accepted values: rag (RAG 检索增强 / RAG (retrieval-augmented generation)), agent (Agent 智能体 / Agents), "
            "fine_tuning (微调 / Fine-tuning), prompt_engineering (提示工程 / Prompt engineering), multimodal (多模态 / Multimodal)",
            "selection.techniques",
        ),
    ),
    # without a list to collect warnings, words that cannot be read for certain are refused
    (
        {"requirements": {"budget_wan": "两三百万"}},
        (
            "answers file: requirements.budget_wan: '两三百万' is not valid / 无效的答案",
            "accepted values: a number in wan_cny; or unknown / skip",
            "requirements.budget_wan",
        ),
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), REFUSALS, ids=[f"{n}-{e[2]}" for n, (_, e) in enumerate(REFUSALS)]
)
def test_each_refusal_names_the_field_and_what_is_accepted(
    data: Any, expected: tuple[str, str, str | None]
) -> None:
    with pytest.raises(AnswersFileError) as info:
        file_answers_to_records(data)
    err = info.value
    assert isinstance(err, InputError) and err.exit_code == 2
    assert (err.message, err.hint, err.field) == expected


def test_words_that_cannot_be_read_for_certain_are_left_unknown_with_a_warning() -> None:
    warnings: list[ReadingWarning] = []
    data = {
        "requirements": {"budget_wan": "两三百万"},
        "integration": {"scale_users": " 学生用的 ", "peak_qps": "some dozens"},
    }
    records = file_answers_to_records(data, warnings=warnings)
    assert [(r.status, r.value, r.raw) for r in records.values()] == [
        ("unknown", None, "两三百万"),
        ("unknown", None, " 学生用的 "),
        ("unknown", None, "some dozens"),  # two English words: the user's own, not a mistyped option
    ]
    assert warnings == [
        ReadingWarning("requirements.budget_wan", "两三百万", (200.0, 300.0)),
        ReadingWarning("integration.scale_users", "学生用的", ()),
        ReadingWarning("integration.peak_qps", "some dozens", ()),
    ]
    budget, users, _ = warnings
    assert budget.line("zh") == (
        "警告：requirements.budget_wan：无法确定“两三百万”的意思；可能是：200, 300——已记为未知，请在文件里写明"
    )
    assert budget.line("en") == (
        "warning: requirements.budget_wan: could not read '两三百万' for certain; it could be: 200, 300 "
        "— left unknown; state it in the file"
    )
    assert (
        users.line("zh")
        == "警告：integration.scale_users：无法确定“学生用的”的意思——已记为未知，请在文件里写明"
    )
    assert users.line("en") == (
        "warning: integration.scale_users: could not read '学生用的' for certain — left unknown; state it in the file"
    )
    assert (
        ReadingWarning("x.y", "a", (1.5, "b"))
        .line("en")
        .endswith("it could be: 1.5, b — left unknown; state it in the file")
    )


def test_an_answer_to_a_question_that_does_not_apply_is_recorded_and_said() -> None:
    records = file_answers_to_records(
        {"selection": {"deployment": "public_cloud", "has_gpu": True, "vendor": "skip"}}
    )
    assert records["sel.has_gpu"].value is True
    stated = not_applying(records, build_profile(records))
    assert stated == [
        NotApplyingWarning("selection.has_gpu", True, (("selection.deployment", "public_cloud"),))
    ]
    assert stated[0].line("zh") == (
        "警告：selection.has_gpu：已按文件记录“是”，但根据其他答案（selection.deployment = 公有云 / API 服务）这个问题本不适用——请核对"
    )
    assert stated[0].line("en") == (
        "warning: selection.has_gpu: recorded as stated ('Yes'), although the other answers "
        "(selection.deployment = Public cloud / API) make its question not apply — please check"
    )
    private = file_answers_to_records({"selection": {"deployment": "private", "has_gpu": True}})
    assert not_applying(private, build_profile(private)) == []
    masked = file_answers_to_records(
        {"data": {"personal_data": False, "confidential_data": False, "desensitisation": ["masking"]}}
    )
    (why,) = not_applying(masked, build_profile(masked))
    assert why.line("zh") == (
        "警告：data.desensitisation：已按文件记录“掩码/脱敏替换”，但根据其他答案（data.personal_data = 否；"
        "data.confidential_data = 否）这个问题本不适用——请核对"
    )
    assert why.line("en") == (
        "warning: data.desensitisation: recorded as stated ('Masking'), although the other answers "
        "(data.personal_data = No; data.confidential_data = No) make its question not apply — please check"
    )
    dont_know = file_answers_to_records({"selection": {"deployment": "public_cloud", "has_gpu": "unknown"}})
    assert not_applying(dont_know, build_profile(dont_know)) == []  # nothing stated: nothing to warn about
    named = file_answers_to_records({"project": {"name": "客服助手"}})  # intake: the project's, always kept
    assert not_applying(named, build_profile(named)) == []


OPEN = [{"enum": ["unknown", "skip"], "description": "an open question"}, {"type": "null"}]


def test_the_published_schema_states_each_kind_of_answer() -> None:
    schema = answers_json_schema()
    assert {k: v for k, v in schema.items() if k != "properties"} == {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://adoption-coach.local/answers.schema.json",
        "title": "Adoption Coach answers file",
        "description": "Answers keyed like the project profile: one key per interview question's field.",
        "type": "object",
        "additionalProperties": False,
    }
    props = schema["properties"]
    assert props["lang"] == {"enum": ["zh", "en"], "description": "Language of the output"}
    assert sorted(props) == sorted({q.field.split(".")[0] for q in load_bank()} | {"lang"})
    for section in set(props) - {"lang"}:
        assert props[section]["type"] == "object" and props[section]["additionalProperties"] is False
    req, data, test = (
        props["requirements"]["properties"],
        props["data"]["properties"],
        props["testing"]["properties"],
    )
    assert req["target_users"] == {
        "description": "Target users: Will it mainly serve internal staff or external customers/citizens? "
        "Options: internal (Internal staff), external (External customers or citizens), both (Both).",
        "anyOf": [{"type": "string", "enum": ["internal", "external", "both"]}, *OPEN],
    }
    assert data["desensitisation"]["anyOf"] == [
        {
            "type": "array",
            "items": {"enum": ["masking", "anonymisation", "differential_privacy", "encryption", "none"]},
            "uniqueItems": True,
        },
        *OPEN,
    ]
    assert data["desensitisation"]["description"].endswith(
        "Options: masking (Masking), anonymisation (Anonymisation), differential_privacy (Differential privacy), "
        "encryption (Encryption), none (None yet)."
    )
    assert data["personal_data"] == {
        "description": "Personal data: Will it use personal data of customers or staff (names, IDs, medical records, accounts…)?",
        "anyOf": [{"type": "boolean"}, *OPEN],
    }
    assert req["budget_wan"] == {
        "description": "Budget: What is the rough budget (in 10k CNY)? (unit: wan_cny)",
        "anyOf": [{"type": "number", "minimum": 0.0}, *OPEN],
    }
    assert test["accuracy_target"]["anyOf"][0] == {"type": "number", "minimum": 0.0, "maximum": 100.0}
    assert req["pain_points"] == {
        "description": "Pain points: What business problem hurts most today?",
        "anyOf": [{"type": "string"}, *OPEN],
    }
    assert props["integration"]["properties"]["systems"]["anyOf"][0] == {
        "type": "array",
        "items": {"type": "string"},
    }
    keys = ["privacy", "cost", "task_fit", "vendor", "upgrade", "burden"]
    assert props["selection"]["properties"]["scoring_weights"] == {
        "description": "Weights of the model-selection scoring matrix, percent by criterion, summing to 100 "
        "(all six; 0 leaves one out). Unset: the defaults, "
        "{privacy: 25, cost: 20, task_fit: 20, vendor: 15, upgrade: 10, burden: 10}.",
        "type": "object",
        "additionalProperties": False,
        "required": keys,
        "properties": {k: {"type": "number", "minimum": 0} for k in keys},
    }


def test_the_schema_accepts_open_answers_and_refuses_what_no_question_takes() -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(answers_json_schema())
    good = {
        "lang": "zh",
        "requirements": {"target_users": "unknown", "budget_wan": 0, "pain_points": None},
        "data": {"personal_data": "skip", "desensitisation": ["masking"]},
        "selection": {
            "scoring_weights": dict.fromkeys(["privacy", "cost", "task_fit", "vendor", "upgrade"], 20)
            | {"burden": 0}
        },
    }
    assert list(validator.iter_errors(good)) == []
    for bad in (
        {"requirements": {"budget_wan": -1}},
        {"testing": {"accuracy_target": 101}},
        {"data": {"desensitisation": ["masking", "masking"]}},
        {"data": {"personal_data": "perhaps"}},
        {"requirements": {"colour": 1}},
        {"selection": {"scoring_weights": {"privacy": 100}}},
        {"lang": "fr"},
    ):
        assert list(validator.iter_errors(bad)), bad
