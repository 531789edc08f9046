"""What a free-text answer implies (`agent.signals.scan`), as a table a reader can check: the phrase
found, its value, negation within its own clause only, whole words for English, width and case,
the earliest mention for a single value and every mention merged for a list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.signals import inferred_values, is_negated, load_signals, normalise, scan

# (text, field, value the user implied; None: nothing implied for that field)
CASES: list[tuple[str, str, Any]] = [
    # found, case- and width-insensitive
    ("我们是一家城商行", "project.sector", "finance"),
    ("We are a BANK in Hangzhou", "project.sector", "finance"),
    ("ＲＡＧ plus a chatbot", "selection.techniques", ["rag"]),
    # English phrases are whole words: "rag" inside "drag", "bank" inside "banking" is its own phrase
    ("drag and drop forms", "selection.techniques", None),
    ("the riverbank office", "project.sector", None),
    ("fine-tuning a 7B model", "selection.techniques", ["fine_tuning"]),
    # negated within its clause: the entry's negated value, or nothing when it has none
    ("不涉及个人信息", "data.personal_data", False),
    ("没有用户数据", "data.personal_data", False),
    ("没有任何个人信息", "data.personal_data", False),
    ("不需要处理任何个人信息", "data.personal_data", False),
    # a negated mention is passed over, and a later plain one still counts
    ("不用公有云，后来决定用公有云", "selection.deployment", "public_cloud"),
    ("we have no personal data", "data.personal_data", False),
    ("this doesn't touch customer data", "data.personal_data", False),
    ("不用公有云", "selection.deployment", None),
    ("we will not use the public cloud", "selection.deployment", None),
    # a negation in an earlier clause negates nothing here
    ("不是银行，涉及个人信息", "data.personal_data", True),
    ("no budget yet, but we hold personal data", "data.personal_data", True),
    ("not sure. personal data is involved", "data.personal_data", True),
    # words that merely start with a negator negate nothing
    ("不仅涉及个人信息还有合同", "data.personal_data", True),
    ("非常多的客户数据", "data.personal_data", True),
    ("未来会有个人信息", "data.personal_data", True),
    # a negator governs the rest of its clause, however far the phrase ("任何的" was once too far)…
    ("不需要处理任何的个人信息", "data.personal_data", False),
    ("我们不打算在任何环节收集客户的个人信息", "data.personal_data", False),
    ("we won't be handling any personal data at all", "data.personal_data", False),
    ("we do not expect to process any kind of personal data", "data.personal_data", False),
    ("我们用公有云但是不涉及个人信息", "data.personal_data", False),  # a turn before the negator
    ("不仅不涉及个人信息，也不涉及商业秘密", "data.personal_data", False),  # 不 right after 不仅
    ("we hold no customer names or other personal data", "data.personal_data", False),
    ("we use the public cloud but we won't store any personal data", "data.personal_data", False),
    # …until a word that turns or adds ends its reach
    ("不仅要做RAG还要处理个人信息", "data.personal_data", True),
    ("不用公有云而是私有化部署", "selection.deployment", "private"),
    ("没想到这次的项目也包含了个人信息", "data.personal_data", True),
    ("没有外网的环境里处理个人信息", "data.personal_data", True),  # 没有 describes the place
    ("no one told us until last week about the personal data", "data.personal_data", True),
    ("we never said that it would be personal data", "data.personal_data", True),
    ("not only contracts but also personal data", "data.personal_data", True),
    # an English "no"/"without" negates only the few words after it
    ("without internet access in the plant we still process personal data", "data.personal_data", True),
    # a prefix negates only the word it opens (非诉, 未成年); a verb with 无 governs its clause
    ("非诉团队每月审查约800份商事合同", "data.confidential_data", True),
    ("涉及未成年人的个人信息", "data.personal_data", True),
    ("未经脱敏的个人信息会进模型", "data.personal_data", True),
    ("无任何个人信息", "data.personal_data", False),
    ("无需处理个人信息", "data.personal_data", False),
    # a negator inside a word that negates nothing (识别, 除非), or in another clause
    ("需要识别个人信息", "data.personal_data", True),
    ("单晶炉自动化工艺识别案例采用云边协同架构", "selection.deployment", "cloud_edge"),
    ("除非涉及个人信息才走审批", "data.personal_data", True),
    ("没有问题，我们会处理身份证号", "data.personal_data", True),
    # a doubt or a condition states neither yes nor no: nothing is implied
    ("不知道是否涉及个人信息", "data.personal_data", None),
    ("我们不确定会不会处理个人信息", "data.personal_data", None),
    ("如果以后涉及个人信息再说", "data.personal_data", None),
    ("we don't know whether it involves personal data", "data.personal_data", None),
    ("不知道是否涉及个人信息，要问法务", "data.personal_data", None),
    ("涉及个人信息，不知道要不要脱敏", "data.personal_data", True),  # the doubt comes after it
    ("不确定合同里有没有个人信息，客服记录里肯定有个人信息", "data.personal_data", True),
    ("not sure we hold personal data", "data.personal_data", None),
    ("if we ever handle personal data we will tell you", "data.personal_data", None),
    # the earliest mention wins for a single value
    ("先私有化部署，以后再上公有云", "selection.deployment", "private"),
    ("public cloud first, on-prem later", "selection.deployment", "public_cloud"),
    # every mention is merged for a list, in the options' order
    ("视频和照片，还有表格", "data.modalities", ["image", "table", "video"]),
    ("call recordings and scans", "data.modalities", ["image", "voice"]),
    ("", "project.sector", None),
    ("   ", "project.sector", None),
]


@pytest.mark.parametrize(("text", "field", "value"), CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_what_a_free_text_answer_implies(text: str, field: str, value: Any) -> None:
    found = inferred_values(text)
    if value is None:
        assert field not in found, f"{text!r} implied {field} = {found.get(field)!r}"
    else:
        assert found.get(field) == value, f"{text!r}: {field} = {found.get(field)!r}, expected {value!r}"


def test_a_signal_names_the_phrase_it_came_from_and_whether_it_was_negated() -> None:
    signals = scan("我们不涉及个人信息，打算私有化部署")
    personal = signals["data.personal_data"]
    assert (personal.value, personal.phrase, personal.negated) == (False, "个人信息", True)
    deploy = signals["selection.deployment"]
    assert (deploy.value, deploy.phrase, deploy.negated) == ("private", "私有化", False)
    merged = scan("照片和视频")["data.modalities"]
    assert merged.value == ["image", "video"] and merged.phrase == "照片"
    assert merged.field == "data.modalities"


@pytest.mark.parametrize(
    ("text", "phrase", "negated"),
    [
        ("不涉及个人信息", "个人信息", True),
        ("涉及个人信息", "个人信息", False),
        ("不是，个人信息有", "个人信息", False),
        ("no personal data", "personal data", True),
        ("isn't personal data", "personal data", True),
        ("we never said that it would be personal data", "personal data", False),
        ("不需要处理任何的个人信息", "个人信息", True),
        ("不知道是否涉及个人信息", "个人信息", False),
        ("no internet access in the plant so we process personal data", "personal data", False),
    ],
)
def test_negation_is_read_in_the_mentions_own_clause(text: str, phrase: str, negated: bool) -> None:
    norm = normalise(text)
    assert is_negated(norm, norm.index(phrase)) is negated


def test_a_maintainers_phrases_match_whatever_their_case_width_or_the_users(tmp_path: Path) -> None:
    """A phrase written in capitals or full width in signals.yaml matches the user's lower-case
    text; an ASCII phrase matches whole words only; a Chinese phrase matches inside a sentence."""
    table = tmp_path / "signals.yaml"
    table.write_text(
        "- {field: project.sector, value: finance, phrases: [Ｂａｎｋ, 城商行]}\n", encoding="utf-8"
    )
    (entry,) = load_signals(table)

    def matches(text: str) -> bool:
        return any(p.search(normalise(text)) for _, p in entry.patterns)

    assert matches("our BANK") and matches("a bank.") and matches("我们是城商行的")
    assert not matches("riverbank") and not matches("banking") and not matches("bank2")
