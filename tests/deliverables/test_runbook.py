"""The operations runbook: SLOs only from the SLO answers (test targets shown for comparison, never as
objectives), alert → action playbooks only where production is monitored, an escalation path of the
owners the answers name, the outage fallback by deployment, knowledge withdrawal and rollback steps.
Checked over every example, zh and en."""

from __future__ import annotations

import pytest

from agent.deliverables.context import conflict_free
from agent.deliverables.registry import load_registry
from agent.deliverables.render_md import render_document
from agent.profile import Profile
from agent.snapshot import ProjectSnapshot
from tests.deliverables.checks import asks, open_questions
from tests.deliverables.example_docs import EXAMPLES, LANGS, answer, doc, example_snapshot, tables

CASES = [(e, lang) for e in EXAMPLES for lang in LANGS]
SPEC = next(s for s in load_registry() if s.id == "operations_runbook")
MARKS = ("*待确认*", "*to be confirmed*")
SLOS = {  # objective answer, test target shown beside it
    "operations.slo_availability": None,
    "operations.slo_latency_ms": "testing.latency_target_ms",
    "operations.slo_accuracy": "testing.accuracy_target",
    "operations.slo_hallucination": "testing.hallucination_target",
}


def shown(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def slo_table(md: str) -> list[list[str]]:
    return next(t for t in tables(md) if t[0][1] in ("服务目标（SLO）", "Objective (SLO)"))


def render(profile: dict, lang: str = "en") -> str:  # type: ignore[type-arg]
    snap = ProjectSnapshot(name="x", profile=Profile.model_validate(profile))
    return render_document(snap, SPEC, lang).markdown


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_slos_are_the_slo_answers_and_test_targets_stay_for_comparison(example: str, lang: str) -> None:
    md = doc(example, lang, "operations_runbook").markdown
    rows = slo_table(md)[1:]
    assert len(rows) == len(SLOS)
    for row, (field, test) in zip(rows, SLOS.items(), strict=True):
        given = answer(example, field)
        if given is None:
            assert row[1] in MARKS, row  # never the test target in its place
            assert asks(md, field, lang)
        else:
            assert row[1] == shown(given) and f"`{field}`" in row[2], row
        target = answer(example, test) if test else None
        assert row[4] == (shown(target) if target is not None else "—"), row


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_playbooks_only_where_production_is_monitored(example: str, lang: str) -> None:
    md = doc(example, lang, "operations_runbook").markdown
    # as the document reads the answers: conflicting ones (monitoring "no" with metrics listed) are unknown
    profile = conflict_free(example_snapshot(example, lang)).profile
    monitored, metrics = profile.integration.monitoring, profile.operations.monitoring_metrics
    header = "Alert (symptom)" if lang == "en" else "告警（症状）"
    playbook = [t for t in tables(md) if t[0][0] == header]
    if monitored is True and metrics:
        assert playbook and len(playbook[0]) - 1 == len(metrics)
    else:
        assert not playbook, "a playbook table for alerts that cannot fire"
        if monitored is False:
            assert ("Production monitoring is not in place" if lang == "en" else "生产监控尚未建立") in md
        elif monitored is None:
            assert (
                "Whether production is monitored is not yet known"
                if lang == "en"
                else "是否有生产监控尚未确认"
            ) in md


@pytest.mark.parametrize(("example", "lang"), CASES)
def test_the_escalation_path_names_only_answered_owners(example: str, lang: str) -> None:
    md = doc(example, lang, "operations_runbook").markdown
    part = md.split("\n## 1. ", 1)[1].split("\n## 2. ", 1)[0]
    steps = [ln for ln in part.splitlines() if ln[:3] in ("1. ", "2. ", "3. ", "4. ")]
    assert steps[0].startswith(("1. Operations owner", "1. 运营负责人"))
    for path in ("operations.owners", "data.governance_owner"):
        given = answer(example, path)
        line = next(
            s
            for s in steps
            if ("Operations owner" if path.startswith("op") else "Data and knowledge owner") in s
            or ("运营负责人" if path.startswith("op") else "数据与知识治理负责人") in s
        )
        assert (str(given) in line.replace("\\", "")) if given else any(m in line for m in MARKS), line
    assert steps[-1].startswith(("4. Decision-maker", "4. 决策者", "3. Decision-maker", "3. 决策者"))


def test_a_public_cloud_project_falls_back_to_people_and_calls_the_vendor() -> None:
    md = render(
        {
            "selection": {"deployment": "public_cloud", "vendor": "某云"},
            "integration": {"rollback_plan": False},
        }
    )
    assert "hand over to the existing process (people)" in md and "3. Model or platform vendor: 某云" in md
    # the project's own fallback is asked, not assumed
    assert any(
        q.startswith("When the model or service is down, what replaces it") for q in open_questions(md)
    )
    assert "**The project has no rollback plan (answered)**" in md
    private = render({"selection": {"deployment": "private"}, "integration": {"rollback_plan": True}}, "zh")
    assert "切换到备用实例或上一稳定版本" in private and "模型或平台供应商" not in private
    assert "回答说有回滚预案" in private


def test_monitoring_answered_no_says_it_is_missing_and_what_to_set_up() -> None:
    md = render({"integration": {"monitoring": False}, "testing": {"latency_target_ms": 800}})
    assert "**Production monitoring is not in place (answered: no)**" in md
    assert "Before launch, set up:" in md and "Alert (symptom)" not in md
    row = slo_table(md)[2]
    assert row[1] == "*to be confirmed*" and row[3] == "**No monitoring**" and row[4] == "800"


def test_a_monitored_project_gets_a_playbook_per_metric_with_its_owners() -> None:
    md = render(
        {
            "integration": {"monitoring": True},
            "operations": {"monitoring_metrics": ["latency", "cost"], "owners": "运维中心"},
            "data": {"governance_owner": "数据部"},
        }
    )
    playbook = next(t for t in tables(md) if t[0][0] == "Alert (symptom)")
    assert [r[0] for r in playbook[1:]] == [
        "p95 response time past its alert threshold",
        "API or compute spend past the budget line",
    ]
    assert all("Operations owner: 运维中心" in r[3] for r in playbook[1:])
    assert "Withdrawing wrong or stale knowledge" in md and "(数据部)" in md
