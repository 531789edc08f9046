"""The model-selection report advises only what the project can act on: a hosted API gets no
model-size or light-weighting advice; no GPUs sets self-hosting aside; the scoring matrix shows its
weights and the cost model its formula."""

from __future__ import annotations

import re

from agent.deliverables.registry import load_registry
from agent.deliverables.render_md import render_document
from agent.profile import Profile
from agent.snapshot import ProjectSnapshot

SPEC = next(s for s in load_registry() if s.id == "model_selection")


def render(profile: dict, lang: str = "zh") -> str:  # type: ignore[type-arg]
    snap = ProjectSnapshot(name="x", profile=Profile.model_validate(profile))
    return render_document(snap, SPEC, lang).markdown


def test_a_hosted_api_gets_no_model_size_or_light_weighting_advice() -> None:
    md = render({"selection": {"deployment": "public_cloud", "task_complexity": "moderate"}})
    assert "**推荐**：满足任务且成本最低" not in md
    assert "中等任务用 7B 级模型即可" not in md
    assert "`selection.model_size_b`" not in md  # not asked: the provider sets it
    assert "年费用 = 日均请求数" in md and "GPU 数量" not in md


def test_no_gpus_sets_self_hosting_aside_and_a_private_project_gets_the_gpu_cost_model() -> None:
    md = render({"selection": {"deployment": "private", "has_gpu": False, "task_complexity": "simple"}}, "en")
    rows = {line.split("|")[1].strip(): line for line in md.splitlines() if line.startswith("| Open weights")}
    assert all("| **no** |" in row and "no GPUs (answered)" in row for row in rows.values()), rows
    assert "yearly cost = GPUs × yearly cost per GPU" in md
    assert "`cost.gpu_count`" in md  # an unanswered input is an open question


def test_the_scoring_matrix_shows_weights_summing_to_100_and_ranks_kept_classes() -> None:
    md = render(
        {"data": {"personal_data": True, "desensitisation": ["none"]}, "selection": {"has_gpu": True}}
    )
    header = next(line for line in md.splitlines() if line.startswith("| 类别 | 隐私"))
    weights = [int(w) for w in re.findall(r"\((\d+)%\)", header)]
    assert sum(weights) == 100
    assert "| 公有云托管 API | **否** | 涉及敏感数据且没有脱敏措施" in md
