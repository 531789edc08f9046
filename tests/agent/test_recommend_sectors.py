"""Deployment recommendations read the whole profile: a seconds-scale target is not real time, a
public-cloud choice without sensitive data is confirmed, and the cost advice fits an API user."""

from __future__ import annotations

from agent.answers import build_profile
from agent.recommend import recommend

from .helpers import answers


def recs(raw: dict[str, str], lang: str = "zh") -> dict:  # type: ignore[type-arg]
    a = answers(raw, lang)  # type: ignore[arg-type]
    return {r.id: r for r in recommend(build_profile(a), lang, answers=a)}  # type: ignore[arg-type]


FIELD_SITE = {"req.sector": "能源", "dat.modalities": "文本, 图像"}


def test_cloud_edge_for_on_site_images_unless_the_latency_target_is_in_seconds() -> None:
    assert "rec-cloud-edge" in recs(FIELD_SITE)
    assert "rec-cloud-edge" in recs({**FIELD_SITE, "tst.latency_target": "1秒"})
    assert "rec-cloud-edge" not in recs({**FIELD_SITE, "tst.latency_target": "8秒"})
    # a sub-second target is real time whatever the sector
    assert "rec-cloud-edge" in recs({"req.sector": "零售", "tst.latency_target": "300毫秒"})


def test_public_cloud_chosen_without_sensitive_data_is_confirmed() -> None:
    clean = {"dat.personal_data": "否", "dat.confidential_data": "否"}
    found = recs({**clean, "sel.deployment": "公有云"})
    assert "rec-public-cloud-fast-start" in found
    assert "公有云" in found["rec-public-cloud-fast-start"].reasoning
    assert "rec-public-cloud-fast-start" not in recs(
        {"dat.personal_data": "是", "dat.confidential_data": "否", "sel.deployment": "公有云"}
    )
    assert "rec-public-cloud-fast-start" not in recs(
        {**clean, "sel.deployment": "私有化", "sel.has_gpu": "有"}
    )


def test_small_model_advice_covers_a_cloud_api_as_well_as_a_single_gpu() -> None:
    rec = recs({"sel.task_complexity": "简单"})["rec-small-quantised-model"]
    zh = rec.advice
    assert "云端 API" in zh and "单卡" in zh
    # one vendor's 90 % saving is reported as that case's figure, never forecast for this project
    assert "一成" not in zh
    (figure,) = [s for s in rec.statements if "90%" in s.text]
    assert figure.kind == "figure" and "据案例汇总" in figure.text and "不是对你们成本的估算" in figure.text
    en = recs({"sel.task_complexity": "simple"}, "en")["rec-small-quantised-model"].advice
    assert "cloud API" in en and "single GPU" in en
