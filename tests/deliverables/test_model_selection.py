"""The model-selection report advises only what the project can act on: a hosted API gets no
model-size or light-weighting advice; no GPUs sets self-hosting aside; the scoring matrix shows its
weights and the cost model its formula."""

from __future__ import annotations

import re
from pathlib import Path

from agent.deliverables.registry import load_registry
from agent.deliverables.render_md import render_document
from agent.profile import Profile
from agent.snapshot import ProjectSnapshot
from tests.deliverables.checks import asks, open_questions

SPEC = next(s for s in load_registry() if s.id == "model_selection")


def render(profile: dict, lang: str = "zh", weights: dict[str, float] | None = None) -> str:  # type: ignore[type-arg]
    snap = ProjectSnapshot(name="x", profile=Profile.model_validate(profile), scoring_weights=weights)
    return render_document(snap, SPEC, lang).markdown


def _totals(md: str) -> dict[str, float]:
    """The weighted score of each kept class (the scoring matrix's last column)."""
    lines = md.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Class | Privacy"))
    out = {}
    for r in lines[start + 2 :]:
        if not r.startswith("| "):
            break
        out[r.split("|")[1].strip()] = float(r.strip().strip("|").split("|")[-1].strip().strip("*"))
    return out


def test_a_hosted_api_gets_no_model_size_or_light_weighting_advice() -> None:
    md = render({"selection": {"deployment": "public_cloud", "task_complexity": "moderate"}})
    assert "**推荐**：满足任务且成本最低" not in md
    assert "中等任务用 7B 级模型即可" not in md
    assert not asks(md, "selection.model_size_b")  # not asked: the provider sets it
    assert "年费用 = 日均请求数" in md and "GPU 数量" not in md


def test_no_gpus_sets_self_hosting_aside_and_a_private_project_gets_the_gpu_cost_model() -> None:
    md = render({"selection": {"deployment": "private", "has_gpu": False, "task_complexity": "simple"}}, "en")
    rows = {line.split("|")[1].strip(): line for line in md.splitlines() if line.startswith("| Open weights")}
    assert all("| **no** |" in row and "no GPUs (answered)" in row for row in rows.values()), rows
    assert "yearly cost = GPUs × yearly cost per GPU" in md
    assert any(q.startswith("How many GPUs does inference need") for q in open_questions(md))  # asked


def test_the_scoring_matrix_shows_weights_summing_to_100_and_ranks_kept_classes() -> None:
    md = render(
        {"data": {"personal_data": True, "desensitisation": ["none"]}, "selection": {"has_gpu": True}}
    )
    header = next(line for line in md.splitlines() if line.startswith("| 类别 | 隐私"))
    weights = [int(w) for w in re.findall(r"\((\d+)%\)", header)]
    assert sum(weights) == 100
    assert "| 公有云托管 API | **否** | 涉及敏感数据且没有脱敏措施" in md


def test_weights_set_in_the_answers_file_are_shown_as_the_projects_and_change_the_ranking() -> None:
    profile = {"selection": {"deployment": "private", "has_gpu": True, "task_complexity": "moderate"}}
    default = render(profile, "en")
    assert "Weights: **the defaults**" in default and "`selection.scoring_weights`" in default
    # a project that cares about privacy above all: self-hosted open weights overtake the hosted API
    privacy_first = {"privacy": 70, "cost": 10, "task_fit": 10, "vendor": 5, "upgrade": 5, "burden": 0}
    own = render(profile, "en", privacy_first)
    assert "Weights: **set by this project**" in own and "Privacy and data security 70%" in own
    header = next(line for line in own.splitlines() if line.startswith("| Class | Privacy"))
    assert "(70%)" in header and "(0%)" in header
    before, after = _totals(default), _totals(own)
    assert before["Hosted API (public cloud)"] > before["Open weights ≤ 14B, self-hosted (quantisable)"]
    assert after["Hosted API (public cloud)"] < after["Open weights ≤ 14B, self-hosted (quantisable)"]
    zh = render(profile, "zh", privacy_first)
    assert "权重：**本项目设定**" in zh and "隐私与数据安全 70%" in zh


def test_the_answers_file_weights_reach_the_document(tmp_path: Path) -> None:
    from cli.main import main

    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "project: {name: W, sector: retail}\nselection:\n  deployment: private\n"
        "  scoring_weights: {privacy: 12.5, cost: 37.5, task_fit: 20, vendor: 10, upgrade: 10, burden: 10}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["run", "--answers", str(answers), "--out", str(out), "--format", "md", "--lang", "en"]) == 0
    md = next(out.glob("*Model-selection*.md"), None) or next(p for p in out.glob("*.md") if "04" in p.name)
    text = md.read_text(encoding="utf-8")
    assert "Weights: **set by this project**" in text and "Privacy and data security 12.5%" in text
