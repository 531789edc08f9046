"""The project's own architecture, derived from the profile: network zones, components, connections,
the data each one holds or sees, the arrows that cross the organisation boundary, and the runtime
path of one request.

The shapes (RAG assistant, agent with tools, vision/sensor pipeline, edge + cloud split, human
review) are data: `knowledge/templates/architecture.yaml`. Only what the answers say is drawn;
unknown parts are labelled as to be confirmed, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from agent import conditions
from agent.deliverables.labels import TEMPLATES_DIR, format_value, load_yaml
from agent.i18n import pick
from agent.profile import Profile

Status = Literal["inside", "outside", "unknown"]
DataClass = Literal["personal", "confidential"]
DATA_CLASSES: tuple[DataClass, ...] = ("personal", "confidential")


@dataclass
class Zone:
    """A network zone: a band of the diagram."""

    id: str
    title: str
    status: Status
    """Inside or outside the organisation (unknown: no answer settles it)."""


@dataclass
class Component:
    """One box of the diagram."""

    id: str
    name: str
    detail: str
    zone: str
    col: int = 1
    """Column of the diagram (0 left, 1 middle, 2 right)."""
    holds: list[str] = field(default_factory=list)
    """Data classes the component stores (`personal`, `confidential`)."""
    sees: list[str] = field(default_factory=list)
    """Data classes that pass through it without being stored."""


@dataclass
class Connection:
    """One arrow of the diagram."""

    source: str
    target: str
    label: str
    dashed: bool = False
    step: int | None = None
    """Position on the runtime path of one request (1, 2, …); None: not on it."""
    carries: list[str] = field(default_factory=list)
    """Data classes flowing along the arrow."""
    crossing: Status = "inside"
    """`outside`: crosses the organisation boundary; `unknown`: may cross (to be confirmed);
    `inside`: stays on one side."""

    def crossing_text(self, lang: str, short: bool = False) -> str:
        """'跨越本单位边界' / '是否跨越边界待确认' (empty for an arrow that stays on one side);
        `short`: the words an arrow's label has room for. No direction: a call carries data both ways."""
        if self.crossing == "outside":
            return (
                pick(lang, "跨界", "crosses boundary")
                if short
                else pick(lang, "跨越本单位边界", "crosses the organisation boundary")
            )
        if self.crossing == "unknown":
            return (
                pick(lang, "是否跨界待确认", "may cross (tbc)")
                if short
                else pick(lang, "是否跨越边界待确认", "may cross the boundary (to be confirmed)")
            )
        return ""


@dataclass
class Architecture:
    """Zones, components and connections, plus the deployment the answers chose."""

    boundary: str
    """The deployment, as a label ("私有化部署", "deployment to be confirmed")."""
    zones: list[Zone] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    returns: str = ""
    """The runtime path's last step when it has no arrow of its own (the answer going back)."""

    def name_of(self, cid: str) -> str:
        """Display name of a component id (the architecture template names connections' ends)."""
        return next(c.name for c in self.components if c.id == cid)

    def zone_of(self, cid: str) -> Zone:
        """The zone a component sits in."""
        zid = next(c.zone for c in self.components if c.id == cid)
        return next(z for z in self.zones if z.id == zid)

    def steps(self) -> list[Connection]:
        """The runtime path of one request, in order."""
        return sorted((c for c in self.connections if c.step is not None), key=lambda c: c.step or 0)

    def path(self) -> list[tuple[int, str, list[str], Connection]]:
        """The runtime path by step: (number, source name, target names, the step's first arrow);
        one step may fan out (an agent calling several systems)."""
        out: list[tuple[int, str, list[str], Connection]] = []
        for c in self.steps():
            if out and out[-1][0] == c.step:
                out[-1][2].append(self.name_of(c.target))
            else:
                out.append((c.step or 0, self.name_of(c.source), [self.name_of(c.target)], c))
        return out

    def crossings(self) -> list[Connection]:
        """Arrows that cross (or may cross) the organisation boundary."""
        return [c for c in self.connections if c.crossing != "inside"]


@cache
def _data() -> dict[str, Any]:
    return dict(load_yaml(TEMPLATES_DIR / "architecture.yaml"))


def component_columns() -> dict[str, int]:
    """The diagram column of each component in the data file (repeated ones by their stem: `sys`)."""
    return {c["id"]: int(c.get("col", 1)) for c in _data()["components"]}


def _shape_holds(names: list[str], p: Profile) -> bool:
    shapes = _data()["shapes"]
    for name in names:
        negated = name.startswith("!")
        if conditions.evaluate(shapes[name.lstrip("!")], p) == negated:
            return False
    return True


def _text(entry: dict[str, Any], lang: str, item: str = "") -> str:
    return str(entry["en" if lang == "en" else "zh"]).replace("{item}", item)


def _variant(entries: list[dict[str, Any]], p: Profile, lang: str, item: str = "") -> str:
    """The first variant whose `when` holds (the last one usually has none)."""
    return next(_text(e, lang, item) for e in entries if _shape_holds(e.get("when", []), p))


def _classes(p: Profile, listed: list[str]) -> list[str]:
    """The data classes of `listed` the project has (answered yes)."""
    present = {"personal": p.data.personal_data is True, "confidential": p.data.confidential_data is True}
    return [c for c in DATA_CLASSES if c in listed and present[c]]


def _techniques(p: Profile) -> list[str]:
    sel, dev = p.selection, p.development
    mapped = {"rag": "rag", "fine_tuning": "fine_tuning", "prompting": "prompt_engineering"}
    return sorted(set(sel.techniques or []) | {mapped.get(a, a) for a in dev.approach or []})


def _detail(key: str | None, p: Profile, lang: str) -> str:
    """A computed detail, or a profile field's answer; 'to be confirmed' when unanswered."""
    tbc = pick(lang, "待确认", "to be confirmed")
    if key is None:
        return ""
    if key == "tbc":
        return pick(lang, "来源待确认", "sources to be confirmed")
    if key == "techniques":
        return format_value(_techniques(p), lang, "selection.techniques") or tbc
    if key == "model":
        sel, dev = p.selection, p.development
        bits = [sel.model_name or format_value(sel.base_model, lang, "selection.base_model") or tbc]
        if sel.model_size_b is not None:
            bits.append(f"{format_value(sel.model_size_b, lang, 'selection.model_size_b')}B")
        if dev.optimisation and "none" not in dev.optimisation:
            bits.append(format_value(dev.optimisation, lang, "development.optimisation") or "")
        return " · ".join(bits)
    if key == "kb":
        cadence = p.data.kb_update_cadence or p.operations.kb_update_cadence
        if cadence == "none":
            return pick(lang, "未定更新频率", "no update cadence")
        shown = format_value(cadence, lang) or tbc
        return pick(lang, f"更新频率：{shown}", f"updated: {shown}")
    if key == "devices":
        devices = [d for d in p.integration.field_devices or [] if d != "none"]
        return format_value(devices, lang, "integration.field_devices") or tbc
    section, name = key.split(".")
    value = getattr(getattr(p, section), name)
    if isinstance(value, list):
        value = [v for v in value if v != "none"] or None
    return format_value(value, lang, key) or tbc


def _ingest_label(p: Profile, lang: str) -> str:
    desens = p.data.desensitisation
    if desens and set(desens) <= {"none"}:
        return pick(lang, "清洗入库（未脱敏）", "clean, not desensitised")
    shown = format_value(desens, lang, "data.desensitisation") or pick(lang, "待确认", "to be confirmed")
    # a colon, not brackets: the option labels carry their own ("数据脱敏（掩码）")
    return pick(lang, f"清洗/脱敏入库：{shown}", f"clean / desensitise: {shown}")


def _zones(p: Profile, lang: str, deployment: str | None) -> tuple[dict[str, Zone], dict[str, str]]:
    """All zones (titled, with their status) and the zone of each role."""
    data = _data()
    zones: dict[str, Zone] = {}
    for zid, spec in data["zones"].items():
        inside = "inside" in spec and conditions.evaluate(spec["inside"], p)
        outside = "outside" in spec and conditions.evaluate(spec["outside"], p)
        status: Status = "inside" if inside else "outside" if outside else "unknown"
        zones[zid] = Zone(zid, _text(spec["title"], lang), status)
    roles = dict(data["roles"]) | data["placement"][deployment or "unknown"]
    if deployment and roles["platform"] == "org":  # the organisation's own network holds the platform
        zones["org"].title += f" · {format_value(deployment, lang)}"
    for zone in zones.values():
        zone.title += _text(data["status_titles"][zone.status], lang)
    return zones, roles


def build_architecture(p: Profile, lang: str) -> Architecture:
    """The architecture the answers describe."""
    data = _data()
    deployment = p.selection.deployment or p.integration.deployment_mode
    zones, roles = _zones(p, lang, deployment)
    arch = Architecture(
        boundary=format_value(deployment, lang) or pick(lang, "部署方式待确认", "deployment to be confirmed"),
        returns=next(
            (_text(r, lang) for r in data["returns"] if _shape_holds(r["when"], p)),
            "",
        ),
    )
    expanded: dict[str, list[str]] = {}
    for spec in data["components"]:
        if not _shape_holds(spec.get("when", []), p):
            continue
        items = [""]
        if "each" in spec:
            section, name = spec["each"].split(".")
            items = list(getattr(getattr(p, section), name) or [])[:6]
        ids = []
        for i, item in enumerate(items):
            cid = f"{spec['id']}{i + 1}" if "each" in spec else spec["id"]
            name = _variant(spec["names"], p, lang, item) if "names" in spec else _text(spec["name"], lang)
            if "details" in spec and any(_shape_holds(d.get("when", []), p) for d in spec["details"]):
                detail = _variant(spec["details"], p, lang)
            elif "detail_text" in spec:
                detail = _text(spec["detail_text"], lang)
            else:
                detail = _detail(spec.get("detail"), p, lang)
            arch.components.append(
                Component(
                    cid,
                    name,
                    detail,
                    roles[spec["role"]],
                    col=int(spec.get("col", 1)),
                    holds=_classes(p, spec.get("holds", [])),
                    sees=_classes(p, spec.get("sees", [])),
                )
            )
            ids.append(cid)
        expanded[spec["id"]] = ids
    # external providers sit right below the zone that holds the platform they feed
    order = [z for z in data["zone_order"] if z != "external"]
    order.insert(order.index(roles["platform"]) + 1, "external")
    arch.zones = [zones[z] for z in order if any(c.zone == z for c in arch.components)]
    step = 0
    for spec in data["connections"]:
        if not _shape_holds(spec.get("when", []), p):
            continue
        if spec.get("label") == "ingest":
            label = _ingest_label(p, lang)
        elif "labels" in spec:
            label = _variant(spec["labels"], p, lang)
        else:
            label = _text(spec["label"], lang)
        sources, targets = expanded.get(spec["from"], []), expanded.get(spec["to"], [])
        if sources and targets and spec.get("step"):
            step += 1
        for source in sources:
            for target in targets:
                arch.connections.append(
                    Connection(
                        source,
                        target,
                        label,
                        dashed=bool(spec.get("dashed")),
                        step=step if spec.get("step") else None,
                        carries=_classes(p, spec.get("carries", [])),
                        crossing=_crossing(arch, source, target),
                    )
                )
    return arch


def _crossing(arch: Architecture, source: str, target: str) -> Status:
    if arch.zone_of(source) is arch.zone_of(target):
        return "inside"
    a, b = arch.zone_of(source).status, arch.zone_of(target).status
    if a == b and a != "unknown":
        return "inside"
    if "unknown" in (a, b):
        return "unknown"
    return "outside"


def class_names(classes: list[str], lang: str) -> str:
    """'个人信息、机密数据' / 'personal, confidential'."""
    names = {
        "personal": pick(lang, "个人信息", "personal"),
        "confidential": pick(lang, "机密数据", "confidential"),
    }
    return pick(lang, "、", ", ").join(names[c] for c in classes)


def data_tag(c: Component, lang: str) -> str:
    """The data-classification line of a box ('存：个人信息、机密数据'), empty when it handles none."""
    if c.holds:
        return pick(lang, f"存：{class_names(c.holds, lang)}", f"holds: {class_names(c.holds, lang)}")
    if c.sees:
        return pick(lang, f"经手：{class_names(c.sees, lang)}", f"sees: {class_names(c.sees, lang)}")
    return ""


def arrow_text(e: Connection, lang: str) -> str:
    """An arrow's label as drawn: step number, what flows, and the boundary mark when it crosses."""
    text = (f"{_circled(e.step)} " if e.step else "") + e.label
    if e.crossing != "inside":
        what = class_names(e.carries, lang) if e.crossing == "outside" else ""
        text += f" ⚠ {e.crossing_text(lang, short=True)}" + (
            pick(lang, f"：{what}", f": {what}") if what else ""
        )
    return text


def _circled(n: int) -> str:
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"
