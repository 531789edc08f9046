"""Model drafts a reader must never see are recognised; ordinary paragraphs pass."""

from __future__ import annotations

import pytest

from agent.drafts import unusable_reason

GOOD_ZH = (
    "本项目面向信用卡中心的坐席，目标是在六个月内把首次解决率从62%提升到80%。指南建议高隐私场景采用"
    "私有化部署加检索增强（RAG）[1]，并在概念验证阶段让决策者参与评审[2]。预算和上线时间仍待确认。"
)
GOOD_EN = (
    "The project serves credit-card agents at 星河银行 and aims to raise first-contact resolution from 62% "
    "to 80% within six months. The guidance recommends private deployment with RAG for high-privacy "
    "scenarios [1] and asks decision-makers to review the PoC [2]. Budget and go-live date are still open."
)
# what SmolLM2 returned for real when asked for a Chinese paragraph
DATE_LOOP = " ".join(f"{n}. {2017 + n}-{n + 2:02d}-24" for n in range(1, 55))
ECHO = '</passage> </findings> "1"id="phase-poc-exit"source="000_62eaabb10f8e390a.txt"section=" 概念验证的实施步骤'


@pytest.mark.parametrize(
    ("text", "lang"), [(GOOD_ZH, "zh"), (GOOD_EN, "en"), ("项目预算仍待确认[1]。", "zh")]
)
def test_ordinary_paragraphs_pass(text: str, lang: str) -> None:
    assert unusable_reason(text, lang) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "lang", "why"),
    [
        (DATE_LOOP, "zh", "not in Chinese"),
        (DATE_LOOP, "en", "not in English"),
        (ECHO, "zh", "repeats the prompt"),
        ("<profile>{}</profile>", "en", "repeats the prompt"),
        ("&lt;/passage&gt; 什么是RAG？", "zh", "repeats the prompt"),
        (GOOD_EN, "zh", "not in Chinese"),
        (GOOD_ZH, "en", "not in English"),
        ("我们将持续优化。" * 40, "zh", "repeats itself"),
        ("... --- !!!", "en", "no text"),
    ],
)
def test_unusable_drafts_are_named(text: str, lang: str, why: str) -> None:
    reason = unusable_reason(text, lang)  # type: ignore[arg-type]
    assert reason is not None and why in str(reason)
