"""Numbered IDs that link the documents: REQ-F-n / REQ-NF-n (requirement spec), TST-n (test plan),
RSK-n (risk register), ADR-n (architecture notes), and the traceability matrix between them.

Every requirement comes from an answer (the scenario, a system to integrate, a target, a data
class…); a requirement whose acceptance value is not answered says so instead of inventing one. Each
requirement has one test; each risk links the requirements whose answers triggered it. The numbering
is a pure function of the snapshot, so every document prints the same IDs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent.deliverables.labels import field_label, format_value
from agent.i18n import pick
from agent.snapshot import ProjectSnapshot
from agent.types import Finding


@dataclass(frozen=True)
class Requirement:
    """One numbered requirement."""

    id: str
    kind: str
    """F (functional) or NF (non-functional)."""
    text: str
    acceptance: str | None
    """The criterion a test checks; None when the answer that would give it is missing."""
    fields: tuple[str, ...]
    test_type: str


@dataclass(frozen=True)
class TestCase:
    """One numbered test, verifying one requirement."""

    id: str
    requirement: str
    test_type: str
    criterion: str | None


@dataclass(frozen=True)
class Risk:
    """A finding with its register number and the requirements it threatens."""

    id: str
    finding: Finding
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    """One architecture decision record, from the answers."""

    id: str
    topic: str
    """deployment, approach or model."""
    label: str
    decision: str | None
    reasons: str
    fields: tuple[str, ...]


@dataclass
class Trace:
    """Everything the documents number, and how it links."""

    requirements: list[Requirement] = field(default_factory=list)
    tests: list[TestCase] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)

    def tests_of(self, req_id: str) -> list[str]:
        """TST ids verifying a requirement."""
        return [t.id for t in self.tests if t.requirement == req_id]

    def risks_of(self, req_id: str) -> list[str]:
        """RSK ids threatening a requirement."""
        return [r.id for r in self.risks if req_id in r.requirements]

    def decisions_of(self, req: Requirement) -> list[str]:
        """ADR ids resting on a field the requirement rests on."""
        return [d.id for d in self.decisions if set(d.fields) & set(req.fields) or _adr_serves(d, req)]


def _adr_serves(decision: Decision, req: Requirement) -> bool:
    # deployment serves privacy; approach serves grounding; model choice serves accuracy and latency
    links = {
        "deployment": ("privacy",),
        "approach": ("grounding", "accuracy"),
        "model": ("latency", "accuracy"),
    }
    return any(tag in req.test_type for tag in links.get(decision.topic, ()))


TEST_TYPES = {
    "uat": ("功能与用户验收测试", "functional and user-acceptance test"),
    "integration": ("集成测试", "integration test"),
    "grounding": ("检索与引用忠实度测试", "retrieval and citation-faithfulness test"),
    "process": ("流程测试（人工复核）", "process test (human review)"),
    "accuracy": ("准确率评测", "accuracy evaluation"),
    "hallucination": ("幻觉评测", "hallucination evaluation"),
    "latency": ("负载测试（响应时间）", "load test (response time)"),
    "load": ("负载测试（容量）", "load test (capacity)"),
    "privacy": ("隐私泄露测试", "privacy-leakage test"),
    "redteam": ("安全红队测试", "safety red-team test"),
}
"""ISO/IEC 29119 test types, by the key a requirement names."""


def test_type_label(key: str, lang: str) -> str:
    """A test type in the document's language."""
    zh, en = TEST_TYPES[key]
    return pick(lang, zh, en)


def _fmt(snapshot: ProjectSnapshot, path: str, lang: str) -> str | None:
    return format_value(snapshot.profile.get(path), lang, path)


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _requirements(snap: ProjectSnapshot, lang: str) -> list[Requirement]:
    p = snap.profile
    t = lambda zh, en: pick(lang, zh, en)  # noqa: E731
    f: list[tuple[str, str | None, tuple[str, ...], str]] = []
    nf: list[tuple[str, str | None, tuple[str, ...], str]] = []
    r, s, d, i, te = p.requirements, p.selection, p.data, p.integration, p.testing
    if r.scenario:
        goal = None
        if r.goal_metric and r.target:
            base = f"{r.baseline} → " if r.baseline else ""
            goal = f"{r.goal_metric}{t('：', ': ')}{base}{r.target}"
        f.append(
            (
                t(f"系统应支持该场景：{r.scenario}", f"The system shall support the scenario: {r.scenario}"),
                goal,
                ("requirements.scenario", "requirements.goal_metric", "requirements.target"),
                "uat",
            )
        )
    for system in i.systems or []:
        f.append(
            (
                t(f"系统应与{system}集成", f"The system shall integrate with {system}"),
                t(f"在{system}中端到端调用成功", f"an end-to-end call through {system} succeeds"),
                ("integration.systems",),
                "integration",
            )
        )
    if i.interface:
        users = _fmt(snap, "requirements.target_users", lang) or t("目标用户", "the target users")
        ui = _fmt(snap, "integration.interface", lang)
        f.append(
            (
                t(f"系统应通过{ui}向{users}提供服务", f"The system shall serve {users} through: {ui}"),
                t("试点用户通过该入口完成场景任务", "pilot users complete the scenario's task through it"),
                ("integration.interface", "requirements.target_users"),
                "uat",
            )
        )
    techniques = set(s.techniques or []) | set(p.development.approach or [])
    controls = set(p.development.hallucination_controls or [])
    if "rag" in techniques or d.knowledge_base:
        cited = "citations" in controls
        f.append(
            (
                t(
                    "系统应依据知识库作答" + ("，并给出出处" if cited else ""),
                    "The system shall answer from the knowledge base"
                    + (", citing its sources" if cited else ""),
                ),
                t(
                    "抽样回答的依据可追溯到知识库原文",
                    "sampled answers trace back to the knowledge-base text",
                ),
                ("selection.techniques", "data.knowledge_base", "development.hallucination_controls"),
                "grounding",
            )
        )
    if "human_review" in controls:
        f.append(
            (
                t(
                    "关键输出应经人工复核后才能使用",
                    "Critical outputs shall be reviewed by a person before use",
                ),
                t("抽查的关键输出均有复核记录", "every sampled critical output has a review record"),
                ("development.hallucination_controls",),
                "process",
            )
        )
    if te.accuracy_target is not None:
        nf.append(
            (
                t(
                    f"回答准确率不低于 {_num(te.accuracy_target)}%",
                    f"Answer accuracy shall be at least {_num(te.accuracy_target)} %",
                ),
                t(
                    f"测试集准确率 ≥ {_num(te.accuracy_target)}%",
                    f"test-set accuracy ≥ {_num(te.accuracy_target)} %",
                ),
                ("testing.accuracy_target",),
                "accuracy",
            )
        )
    if te.hallucination_target is not None:
        nf.append(
            (
                t(
                    f"幻觉率不高于 {_num(te.hallucination_target)}%",
                    f"The hallucination rate shall not exceed {_num(te.hallucination_target)} %",
                ),
                t(
                    f"评测幻觉率 ≤ {_num(te.hallucination_target)}%",
                    f"measured hallucination rate ≤ {_num(te.hallucination_target)} %",
                ),
                ("testing.hallucination_target",),
                "hallucination",
            )
        )
    if te.latency_target_ms is not None:
        nf.append(
            (
                t(
                    f"P95 响应时间不超过 {_num(te.latency_target_ms)} ms",
                    f"P95 response time shall not exceed {_num(te.latency_target_ms)} ms",
                ),
                t(
                    f"负载测试 P95 ≤ {_num(te.latency_target_ms)} ms",
                    f"load-test P95 ≤ {_num(te.latency_target_ms)} ms",
                ),
                ("testing.latency_target_ms",),
                "latency",
            )
        )
    if i.scale_users is not None or i.peak_qps is not None:
        scale = t("；", "; ").join(
            x
            for x in (
                (
                    i.scale_users is not None
                    and t(f"{_num(i.scale_users)} 名用户", f"{_num(i.scale_users)} users")
                )
                or "",
                (
                    i.peak_qps is not None
                    and t(f"峰值 {_num(i.peak_qps)} QPS", f"a peak of {_num(i.peak_qps)} QPS")
                )
                or "",
            )
            if x
        )
        nf.append(
            (
                t(f"系统应支撑 {scale}", f"The system shall sustain {scale}"),
                t(f"负载测试达到 {scale}", f"a load test reaches {scale}"),
                ("integration.scale_users", "integration.peak_qps"),
                "load",
            )
        )
    if d.personal_data or d.confidential_data:
        masked = [m for m in (d.desensitisation or []) if m != "none"]
        how = _fmt(snap, "data.desensitisation", lang) if masked else None
        nf.append(
            (
                t(
                    "个人信息与机密数据不得未经处理离开组织" + (f"（处理方式：{how}）" if how else ""),
                    "Personal and confidential data shall not leave the organisation unprotected"
                    + (f" (by: {how})" if how else ""),
                ),
                t(
                    "隐私泄露测试：外发请求中 0 条未脱敏的个人信息",
                    "privacy-leak test: no unmasked personal data in outbound requests",
                ),
                (
                    "data.personal_data",
                    "data.confidential_data",
                    "data.desensitisation",
                    "data.data_leaves_org",
                ),
                "privacy",
            )
        )
    guards = [g for g in (i.security or []) if g != "none"]
    if guards:
        nf.append(
            (
                t(
                    f"系统应具备：{_fmt(snap, 'integration.security', lang)}",
                    f"The system shall have: {_fmt(snap, 'integration.security', lang)}",
                ),
                t(
                    "安全红队测试未发现越权或提示注入绕过",
                    "a red-team test finds no privilege escalation or prompt-injection bypass",
                ),
                ("integration.security",),
                "redteam",
            )
        )
    out = [Requirement(f"REQ-F-{n}", "F", *row) for n, row in enumerate(f, start=1)]
    return out + [Requirement(f"REQ-NF-{n}", "NF", *row) for n, row in enumerate(nf, start=1)]


def _decisions(snap: ProjectSnapshot, lang: str) -> list[Decision]:
    t = lambda zh, en: pick(lang, zh, en)  # noqa: E731
    sep = t("；", "; ")

    def said(*paths: str) -> str:
        parts = [
            f"{field_label(path, lang)} = {v}" for path in paths if (v := _fmt(snap, path, lang)) is not None
        ]
        return sep.join(parts)

    rows = [
        (
            "deployment",
            t("部署方式（公有云 / 私有化 / 混合）", "Deployment (public cloud / private / hybrid)"),
            _fmt(snap, "selection.deployment", lang),
            said("data.personal_data", "data.data_leaves_org", "selection.has_gpu"),
            ("selection.deployment", "data.data_leaves_org"),
        ),
        (
            "approach",
            t("知识增强（RAG）还是微调", "Grounding (RAG) or fine-tuning"),
            _fmt(snap, "development.approach", lang),
            said("development.professional_domain", "data.knowledge_base"),
            ("development.approach", "selection.techniques"),
        ),
        (
            "model",
            t("模型与规模", "Model and size"),
            " · ".join(
                x
                for x in (
                    _fmt(snap, "selection.model_name", lang),
                    _fmt(snap, "selection.model_size_b", lang),
                )
                if x
            )
            or None,
            said("selection.task_complexity", "selection.base_model"),
            ("selection.model_name", "selection.model_size_b"),
        ),
    ]
    return [Decision(f"ADR-{n}", *row) for n, row in enumerate(rows, start=1)]


def build_trace(snapshot: ProjectSnapshot, lang: str, findings: list[Finding]) -> Trace:
    """The numbered requirements, tests, risks (in `findings`' order) and decisions of a project."""
    reqs = _requirements(snapshot, lang)
    tests = [TestCase(f"TST-{n}", r.id, r.test_type, r.acceptance) for n, r in enumerate(reqs, start=1)]
    risks = []
    for n, f in enumerate(findings, start=1):
        fields = {e.field for e in f.evidence}
        linked = tuple(r.id for r in reqs if fields & set(r.fields))
        risks.append(Risk(f"RSK-{n}", f, linked))
    return Trace(reqs, tests, risks, _decisions(snapshot, lang))
