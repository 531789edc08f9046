"""Question-bank integrity: fields, types, options, languages, conditions, coverage."""

from __future__ import annotations

import pytest

from agent.conditions import ConditionError, validate
from agent.fieldtypes import field_spec, field_specs
from agent.profile import Profile
from agent.questions import BankError, QuestionBank, load_bank
from agent.snapshot import AnswerRecord
from agent.types import STAGES, Stage

BANK = load_bank()


def test_every_profile_field_has_exactly_one_question() -> None:
    missing = [p for p in field_specs() if BANK.by_field(p) is None]
    assert missing == []
    assert len({q.field for q in BANK}) == len(BANK)


@pytest.mark.parametrize("stage", STAGES, ids=lambda s: s.value)
def test_each_stage_has_6_to_12_core_questions(stage: Stage) -> None:
    # Core questions are always asked; follow-ups (applies_if) and intake come on top. Requirements
    # has one more: who the service reaches (which regulations apply) is asked of every project.
    qs = BANK.stage_questions(stage)
    core = [q for q in qs if not q.followup and not q.intake]
    most = 13 if stage == Stage.requirements else 12
    assert 6 <= len(core) <= most, [q.id for q in core]


@pytest.mark.parametrize("question", list(BANK), ids=lambda q: q.id)
def test_question_is_complete_and_fits_its_field(question) -> None:  # type: ignore[no-untyped-def]
    spec = field_spec(question.field)
    for lang in ("zh", "en"):
        assert question.text[lang].strip() and question.label[lang].strip()
        for v in question.variants:
            assert v.text[lang].strip()
    if question.type in ("choice", "multi"):
        assert [o.value for o in question.options]
        assert all(o.value in spec.choices for o in question.options)
        assert all(o.zh.strip() and o.en.strip() for o in question.options)
        assert all(isinstance(a, str) for o in question.options for a in o.aliases)
    validate(question.applies_if, question.id)


def test_desensitisation_is_asked_only_with_sensitive_data() -> None:
    profile = Profile()
    ids = [q.id for q in BANK.applicable(Stage.data, profile)]
    assert "dat.desensitisation" not in ids
    profile.data.personal_data = True
    assert "dat.desensitisation" in [q.id for q in BANK.applicable(Stage.data, profile)]


def test_precedents_are_worded_for_government_and_retail() -> None:
    q = BANK.get("req.precedents")
    plain = q.view("zh", Profile()).text
    gov = Profile()
    gov.project.sector = "government"
    retail = Profile()
    retail.project.sector = "retail"
    assert q.view("zh", gov).text != plain and "政务" in q.view("zh", gov).text
    assert q.view("en", retail).text != q.view("en", Profile()).text
    assert "shopping" in q.view("en", retail).text


def test_personal_data_is_asked_in_the_sectors_terms() -> None:
    q = BANK.get("dat.personal_data")
    hospital = Profile()
    hospital.project.sector = "healthcare"
    assert "病历" in q.view("zh", hospital).text
    assert "patients" in q.view("en", hospital).text


def test_view_shows_options_in_language_and_position() -> None:
    view = BANK.get("sel.deployment").view("en", Profile(), index=3, total=9)
    assert view.options[0] == ("private", "Private (on-premises)")
    assert (view.index, view.total, view.type) == (3, 9, "choice")
    yn = BANK.get("dat.personal_data").view("zh")
    assert yn.options == [("yes", "是"), ("no", "否")]


def test_next_question_skips_answered_and_inapplicable() -> None:
    profile = Profile()
    first = BANK.next_question(Stage.data, profile, {})
    assert first is not None and first.id == "dat.sources"
    answered = {
        q.id: AnswerRecord(question_id=q.id, stage=q.stage, field=q.field, status="skipped")
        for q in BANK.applicable(Stage.data, profile)
    }
    assert BANK.next_question(Stage.data, profile, answered) is None


def test_invalid_bank_errors_name_file_and_question(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "data.yaml").write_text(
        "- id: dat.x\n  field: data.nope\n  type: yesno\n  label: {zh: a, en: a}\n  text: {zh: a, en: a}\n",
        encoding="utf-8",
    )
    with pytest.raises(BankError, match=r"data.yaml.*dat.x.*data.nope"):
        load_bank.__wrapped__(tmp_path)
    (tmp_path / "data.yaml").write_text(
        "- id: dat.y\n  field: data.personal_data\n  type: yesno\n  label: {zh: a, en: a}\n"
        "  text: {zh: a, en: a}\n  applies_if: {field: data.nope, eq: true}\n",
        encoding="utf-8",
    )
    with pytest.raises(BankError, match=r"dat.y.*data.nope"):
        load_bank.__wrapped__(tmp_path)


def test_condition_validation_rejects_bad_values() -> None:
    with pytest.raises(ConditionError, match="moon"):
        validate({"field": "selection.deployment", "eq": "moon"}, "x")
    with pytest.raises(ConditionError, match="operator"):
        validate({"field": "selection.deployment", "equals": "private"}, "x")
    with pytest.raises(ConditionError, match="number"):
        validate({"field": "data.personal_data", "gt": 3}, "x")


def test_bank_is_cached_and_iterable() -> None:
    assert load_bank() is BANK
    assert isinstance(BANK, QuestionBank) and len(list(BANK)) == len(BANK)


def test_one_month_and_one_user_are_singular_in_english() -> None:
    from agent.questions import load_bank

    bank = load_bank()
    timeline = next(q for q in bank.questions if q.unit == "months")
    assert timeline.value_label(1, "en") == "1 month"  # was '1 months'
    assert timeline.value_label(6, "en") == "6 months"
    assert timeline.value_label(1, "zh") == "1 个月"
    users = next(q for q in bank.questions if q.unit == "users")
    assert users.value_label(1, "en") == "1 user" and users.value_label(500, "en") == "500 users"
