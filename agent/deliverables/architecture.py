"""The chosen architecture, derived from the profile: components, connections and a Mermaid graph.

Only what the answers say is drawn; unknown parts are labelled as to be confirmed, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.deliverables.labels import format_value
from agent.i18n import pick
from agent.profile import Profile


@dataclass
class Component:
    """One box of the diagram."""

    id: str
    name: str
    detail: str
    layer: str
    """Deployment boundary the component lives in (`deployment` or `outside`)."""


@dataclass
class Connection:
    """One arrow of the diagram."""

    source: str
    target: str
    label: str
    dashed: bool = False


@dataclass
class Architecture:
    """Components and connections, plus the label of the deployment boundary."""

    boundary: str
    components: list[Component] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)

    def name_of(self, cid: str) -> str:
        """Display name of a component id (the architecture template names connections' ends)."""
        return next(c.name for c in self.components if c.id == cid)


def build_architecture(p: Profile, lang: str) -> Architecture:
    """The architecture the answers describe."""
    tbc = pick(lang, "待确认", "to be confirmed")
    sel, dev, integ, data, ops = p.selection, p.development, p.integration, p.data, p.operations
    techniques = set(sel.techniques or []) | {
        {"rag": "rag", "fine_tuning": "fine_tuning", "prompting": "prompt_engineering"}.get(a, a)
        for a in dev.approach or []
    }
    deployment = sel.deployment or integ.deployment_mode
    arch = Architecture(
        boundary=format_value(deployment, lang) or pick(lang, "部署方式待确认", "deployment to be confirmed")
    )
    add = arch.components.append
    link = arch.connections.append

    users = format_value(p.requirements.target_users, lang, "requirements.target_users") or tbc
    add(Component("users", pick(lang, "用户", "Users"), users, "outside"))
    channels = format_value(integ.interface, lang, "integration.interface") or tbc
    add(Component("ui", pick(lang, "交互层", "Interface"), channels, "deployment"))
    link(Connection("users", "ui", pick(lang, "提问/使用", "ask / use")))
    entry = "ui"
    if integ.security and "none" not in integ.security:
        add(
            Component(
                "guard",
                pick(lang, "安全网关", "Security gateway"),
                format_value(integ.security, lang) or "",
                "deployment",
            )
        )
        link(Connection("ui", "guard", pick(lang, "请求", "request")))
        entry = "guard"
    orchestrator = (
        pick(lang, "智能体编排（Agent）", "Agent orchestration")
        if "agent" in techniques
        else pick(lang, "应用服务", "Application service")
    )
    add(
        Component(
            "app",
            orchestrator,
            format_value(sorted(techniques), lang, "selection.techniques") or tbc,
            "deployment",
        )
    )
    link(Connection(entry, "app", pick(lang, "请求", "request")))

    model_bits = [sel.model_name or format_value(sel.base_model, lang, "selection.base_model") or tbc]
    if sel.model_size_b is not None:
        model_bits.append(f"{format_value(sel.model_size_b, lang, 'selection.model_size_b')}B")
    if dev.optimisation and "none" not in dev.optimisation:
        model_bits.append(format_value(dev.optimisation, lang, "development.optimisation") or "")
    add(Component("llm", pick(lang, "大模型", "LLM"), " · ".join(model_bits), "deployment"))
    grounded = "rag" in techniques or bool(data.knowledge_base)
    prompt = pick(lang, "提示+检索上下文", "prompt + context") if grounded else pick(lang, "提示", "prompt")
    link(Connection("app", "llm", prompt))

    if grounded:
        cadence_value = data.kb_update_cadence or ops.kb_update_cadence
        cadence = format_value(cadence_value, lang) or tbc
        kb_detail = (
            pick(lang, "未定更新频率", "no update cadence")
            if cadence_value == "none"
            else pick(lang, f"更新频率：{cadence}", f"updated: {cadence}")
        )
        add(
            Component(
                "retriever",
                pick(lang, "检索服务（RAG）", "Retriever (RAG)"),
                pick(lang, "召回并附引用", "retrieve with citations"),
                "deployment",
            )
        )
        add(
            Component(
                "kb",
                pick(lang, "知识库/向量库", "Knowledge base / vector store"),
                kb_detail,
                "deployment",
            )
        )
        link(Connection("app", "retriever", pick(lang, "检索", "query")))
        link(Connection("retriever", "kb", pick(lang, "召回", "search")))
        sources = format_value(data.sources, lang, "data.sources") or tbc
        modalities = format_value(data.modalities, lang, "data.modalities") or tbc
        add(Component("data", pick(lang, "数据源", "Data sources"), f"{sources} · {modalities}", "outside"))
        desens = format_value(data.desensitisation, lang, "data.desensitisation")
        if data.desensitisation and set(data.desensitisation) <= {"none"}:
            ingest = pick(lang, "清洗入库（未脱敏）", "clean, not desensitised")
        else:
            # a colon, not brackets: the option labels carry their own ("数据脱敏（掩码）")
            ingest = pick(lang, f"清洗/脱敏入库：{desens or tbc}", f"clean / desensitise: {desens or tbc}")
        link(Connection("data", "kb", ingest))
    for i, system in enumerate((integ.systems or [])[:6]):
        add(Component(f"sys{i + 1}", system, pick(lang, "集成系统", "integrated system"), "outside"))
        link(Connection("app", f"sys{i + 1}", pick(lang, "接口调用", "API call")))
    if "human_review" in (dev.hallucination_controls or []):
        add(
            Component(
                "review",
                pick(lang, "人工复核", "Human review"),
                pick(lang, "关键输出复核", "critical outputs"),
                "outside",
            )
        )
        link(Connection("app", "review", pick(lang, "关键输出", "critical output")))
    if integ.monitoring or ops.monitoring_metrics:
        metrics = format_value(ops.monitoring_metrics, lang, "operations.monitoring_metrics") or tbc
        add(Component("monitor", pick(lang, "运行监控", "Monitoring"), metrics, "deployment"))
        link(Connection("monitor", "app", pick(lang, "采集指标", "collect metrics"), dashed=True))
        link(Connection("monitor", "llm", pick(lang, "采集指标", "collect metrics"), dashed=True))
    return arch


_MERMAID_ESCAPES = {
    '"': "#quot;",
    "[": "#91;",
    "]": "#93;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    "|": "#124;",
}


def _q(text: str) -> str:
    """Label text made inert in Mermaid (and unable to close the Markdown fence)."""
    return "".join(_MERMAID_ESCAPES.get(ch, ch) for ch in " ".join(text.split()))


def to_mermaid(arch: Architecture) -> str:
    """A Mermaid flowchart of the architecture (components inside the deployment boundary grouped)."""
    lines = ["flowchart TB"]
    outside = [c for c in arch.components if c.layer != "deployment"]
    inside = [c for c in arch.components if c.layer == "deployment"]
    for c in outside:
        lines.append(f'    {c.id}["{_q(c.name)}<br/>{_q(c.detail)}"]')
    lines.append(f'    subgraph boundary["{_q(arch.boundary)}"]')
    for c in inside:
        lines.append(f'        {c.id}["{_q(c.name)}<br/>{_q(c.detail)}"]')
    lines.append("    end")
    for e in arch.connections:
        arrow = f"-. {_q(e.label)} .->" if e.dashed else f'-- "{_q(e.label)}" -->'
        lines.append(f"    {e.source} {arrow} {e.target}")
    return "\n".join(lines)
