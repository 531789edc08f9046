"""The number check (agent.figures): what counts as a figure, and how an unsupported one is marked."""

from __future__ import annotations

import pytest

from agent.figures import MODEL_MARK, figures, mark_unsupported, unsupported


def values(text: str) -> list[str]:
    return [f.value for f in figures(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("言犀大模型推理速度提升6.2倍，成本降低90%", ["6.2", "90"]),
        ("准确率提升 20%–30%", ["20", "30"]),
        ("１０％ 和 1,000 个", ["10", "1000"]),  # full-width digits, thousands separators
        ("抽样两周即可", ["2"]),  # a Chinese numeral before a unit
        ("二至三成", ["2", "3"]),
        ("三十万次调用", []),  # 次 is not a unit: 第一次 / 一次 are words
        ("至少每季度一次，每天学习", ["每季度", "每日"]),  # frequencies read like guidance
        ("一起统一唯一的第一次", []),
        ("见[1][2]、【3】和[[cite:step6-cases]]", []),  # citation markers
        ("1. 先做 PoC\n2）再用 7B 模型", ["7"]),  # list ordinals are not figures
        ("1.5 倍", ["1.5"]),  # …but a decimal at the start of a line is
        ("Qwen2.5 与 step6", []),  # digits inside a name
        ("Cost fell by 90 % in 2024", ["90", "2024"]),
    ],
)
def test_what_counts_as_a_figure(text: str, expected: list[str]) -> None:
    assert values(text) == expected


def test_numbers_compare_by_value_not_by_spelling() -> None:
    source = "九章云极 TableAgent 成本降低了 90%，推理速度提升了 6.2 倍。"
    assert not unsupported("成本降低９０％，速度提升6.20倍", [source])
    assert [f.raw for f in unsupported("成本可降到原来的一成左右", [source])] == ["一"]


def test_a_number_the_passages_contain_is_left_alone() -> None:
    text = "ChatDD 通过文献溯源把幻觉率降到 5% 以下 [1]。"
    assert mark_unsupported(text, ["幻觉率降到了 5% 以下"], "zh") == text


def test_an_invented_figure_is_marked_as_the_models_right_after_it() -> None:
    text = "按这个量级，你们的推理成本可降到原来的一成左右，推理速度提升 6.2 倍 [1]。"
    out = mark_unsupported(text, ["推理速度提升了 6.2 倍"], "zh")
    assert (
        out
        == "按这个量级，你们的推理成本可降到原来的一成" + MODEL_MARK["zh"] + "左右，推理速度提升 6.2 倍 [1]。"
    )


def test_a_range_of_invented_figures_is_marked_once() -> None:
    out = mark_unsupported("Run a 4–8-week PoC first [2].", ["A PoC judges feasibility."], "en")
    assert out.count(MODEL_MARK["en"]) == 1
    assert out.startswith("Run a 4–8" + MODEL_MARK["en"])


def test_numbers_in_a_prompts_fence_tags_do_not_count_as_known() -> None:
    prompt = '<passage n="3" id="step6-cases">文修大模型准确率提升了 20%–30%。</passage>'
    assert [f.raw for f in unsupported("分三步走，准确率提升 20%", [prompt])] == []  # 三 has no unit
    assert [f.raw for f in unsupported("准确率提升 3%", [prompt])] == ["3"]


def test_the_users_own_numbers_count_as_known() -> None:
    """A narrative may restate the project's answers (budget, targets) without a mark."""
    profile = '{"requirements": {"budget_wan": 300, "target": "首次解决率 80%"}}'
    text = "预算 300 万元，目标首次解决率 80%，预计 3 个月回本。"
    assert [f.raw for f in unsupported(text, [profile])] == ["3"]
