"""The architecture diagram is the project's own: its shape follows the answers (RAG assistant,
agent with tools, vision/sensor pipeline, edge + cloud split, human review), it shows network zones,
which parts hold or see personal / confidential data and which arrows leave the organisation, its
numbered steps are the runtime path the text lists, and nothing in the drawing covers anything else."""

from __future__ import annotations

import itertools
import re

import pytest

from agent.deliverables.arch_mermaid import from_mermaid, to_mermaid
from agent.deliverables.architecture import Architecture, build_architecture
from agent.deliverables.diagram_layout import Layout, layout, overlaps
from agent.deliverables.diagram_svg import architecture_svg
from agent.profile import Profile
from tests.deliverables.example_docs import EXAMPLES, LANGS, answer, doc, example_snapshot


def _arch(example: str, lang: str = "zh") -> Architecture:
    return build_architecture(example_snapshot(example, lang).profile, lang)


def _arrows(arch: Architecture) -> set[tuple[str, str]]:
    return {(c.source, c.target) for c in arch.connections}


def _ids(arch: Architecture) -> set[str]:
    return {c.id for c in arch.components}


def test_rag_assistant_shape() -> None:
    arch = _arch("hospital_guideline_qa")
    assert {"users", "ui", "app", "retriever", "kb", "llm", "data_int"} <= _ids(arch)
    assert {
        ("users", "ui"),
        ("app", "retriever"),
        ("retriever", "kb"),
        ("app", "llm"),
        ("data_int", "kb"),
    } <= _arrows(arch)
    assert (
        next(c.label for c in arch.connections if (c.source, c.target) == ("app", "llm")) == "提示+检索上下文"
    )
    # no agent, no camera, no edge, no human review in these answers: none is drawn
    assert not {"devices", "edge", "review"} & _ids(arch)
    assert arch.name_of("app") == "应用服务"


def test_agent_with_tools_draws_the_systems_it_calls() -> None:
    arch = _arch("energy_field_maintenance_agent")
    systems = answer("energy_field_maintenance_agent", "integration.systems")
    assert arch.name_of("app") == "智能体编排（Agent）"
    calls = [c for c in arch.connections if c.source == "app" and c.target.startswith("sys")]
    assert [arch.name_of(c.target) for c in calls] == systems
    assert {c.label for c in calls} == {"工具调用"} and len({c.step for c in calls}) == 1


def test_vision_pipeline_runs_from_cameras_through_the_edge_to_alerts() -> None:
    arch = _arch("manufacturing_quality_inspection")
    assert answer("manufacturing_quality_inspection", "integration.field_devices") == ["camera", "edge_box"]
    path = [(c.source, c.target) for c in arch.steps()]
    assert path[:3] == [("devices", "edge"), ("edge", "guard"), ("guard", "app")]
    assert path[-1] == ("ui", "users")  # people receive alerts; they do not start the request
    assert ("users", "ui") not in _arrows(arch)
    assert arch.name_of("devices") == "现场设备" and "相机" in next(
        c.detail for c in arch.components if c.id == "devices"
    )


def test_edge_and_cloud_split_puts_each_part_in_its_zone() -> None:
    arch = _arch("manufacturing_quality_inspection", "en")
    assert arch.zone_of("devices").id == arch.zone_of("edge").id == "site"
    assert arch.zone_of("app").id == arch.zone_of("llm").id == "edge_cloud"
    assert arch.zone_of("data_int").id == "org"
    # data_leaves_org: false → the cloud side is the organisation's own: nothing leaves it
    assert arch.zone_of("llm").status == "inside" and arch.crossings() == []


@pytest.mark.parametrize("example", ["bank_customer_service", "energy_field_maintenance_agent"])
def test_human_review_is_a_step_where_the_answers_have_one(example: str) -> None:
    arch = _arch(example)
    assert "human_review" in answer(example, "development.hallucination_controls")
    steps = [(c.source, c.target) for c in arch.steps()]
    assert ("app", "review") in steps and ("review", "ui") in steps
    assert steps.index(("app", "review")) < steps.index(("review", "ui"))


def test_no_human_review_when_the_answers_have_none() -> None:
    assert "review" not in _ids(_arch("hospital_guideline_qa"))


def test_personal_data_is_marked_where_it_is_held() -> None:
    bank = _arch("bank_customer_service")
    holds = {c.id for c in bank.components if "personal" in c.holds}
    sees = {c.id for c in bank.components if "personal" in c.sees}
    assert {"kb", "data_int"} <= holds and {"llm", "app"} <= sees
    mermaid = to_mermaid(bank, "zh")
    assert re.search(r'kb\["知识库/向量库<br/>[^"]*<br/>存：个人信息、机密数据"\]', mermaid)
    # personal_data: false → no component is said to hold or see personal data
    energy = _arch("energy_field_maintenance_agent")
    assert not any("personal" in c.holds + c.sees for c in energy.components)


@pytest.mark.parametrize("lang", LANGS)
def test_public_cloud_marks_the_arrows_that_leave_the_organisation(lang: str) -> None:
    arch = _arch("hospital_guideline_qa", lang)
    assert answer("hospital_guideline_qa", "selection.deployment") == "public_cloud"
    ingest = next(c for c in arch.connections if (c.source, c.target) == ("data_int", "kb"))
    assert ingest.crossing == "outside" and "personal" in ingest.carries
    assert arch.zone_of("llm").status == "outside" and arch.zone_of("data_int").status == "inside"
    mermaid = to_mermaid(arch, lang)
    index = arch.connections.index(ingest)
    assert f"linkStyle {index} stroke:#b42318" in mermaid
    assert ("⚠ 跨界：个人信息" if lang == "zh" else "⚠ crosses boundary: personal") in mermaid
    text = doc("hospital_guideline_qa", lang, "architecture_notes").markdown
    crossing_rows = [line for line in text.splitlines() if line.startswith(f"| {arch.name_of('data_int')} |")]
    assert any(
        ("跨越本单位边界" if lang == "zh" else "crosses the organisation boundary") in row
        for row in crossing_rows
    )


def test_a_private_project_has_no_arrow_leaving_the_organisation() -> None:
    arch = _arch("energy_field_maintenance_agent")
    assert arch.crossings() == []
    assert (
        "按回答，图中没有跨越本单位边界的数据流"
        in doc("energy_field_maintenance_agent", "zh", "architecture_notes").markdown
    )


def test_unknown_parts_are_to_be_confirmed_never_guessed() -> None:
    arch = build_architecture(Profile.model_validate({"selection": {"techniques": ["rag"]}}), "en")
    assert {z.id for z in arch.zones} >= {"tbc"} and all(z.status != "outside" for z in arch.zones)
    assert "to be confirmed" in next(z.title for z in arch.zones if z.id == "tbc")
    users = next(c for c in arch.connections if (c.source, c.target) == ("users", "ui"))
    assert users.crossing == "unknown"  # who the users are and where the system runs: not answered
    assert not any(c.holds or c.sees for c in arch.components)  # personal data not answered: no mark


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_text_lists_the_runtime_path_the_diagram_numbers(example: str) -> None:
    arch = _arch(example)
    text = doc(example, "zh", "architecture_notes").markdown
    section = text.split("### 一次请求的运行路径", 1)[1].split("\n## ", 1)[0]
    listed = [int(n) for n in re.findall(r"^(\d+)\. ", section, re.M)]
    drawn = sorted({c.step for c in arch.steps() if c.step})
    assert listed[: len(drawn)] == drawn and len(listed) - len(drawn) == (1 if arch.returns else 0)
    mermaid = text.split("```mermaid", 1)[1].split("```", 1)[0]
    for n, source, targets, e in arch.path():
        assert f"{n}. {source} → {'、'.join(targets)}" in section
        assert f'{e.source} -- "{chr(0x2460 + n - 1)} ' in mermaid


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_mermaid_reads_back_as_written(example: str, lang: str) -> None:
    arch = _arch(example, lang)
    diagram = from_mermaid(to_mermaid(arch, lang))
    assert diagram is not None
    assert sorted((n.id, n.name, n.zone) for n in diagram.nodes) == sorted(
        (c.id, c.name, c.zone) for c in arch.components
    )
    assert [(e.source, e.target, e.crossing) for e in diagram.edges] == [
        (c.source, c.target, c.crossing) for c in arch.connections
    ]
    assert [z.status for z in diagram.zones] == [z.status for z in arch.zones]


def _layout(example: str, lang: str) -> Layout:
    diagram = from_mermaid(to_mermaid(_arch(example, lang), lang))
    assert diagram is not None
    return layout(diagram)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_no_box_title_or_label_overlaps_another(example: str, lang: str) -> None:
    lay = _layout(example, lang)
    rects = (
        [(f"box {k}", b.rect) for k, b in lay.boxes.items()]
        + [(f"title {z.zone.id}", z.title_rect) for z in lay.zones]
        + [(f"label {e.edge.source}>{e.edge.target}", e.label_rect) for e in lay.edges if e.label_rect]
    )
    assert all(e.label_rect for e in lay.edges)  # every arrow's label is drawn
    clashes = [(a, b) for (a, ra), (b, rb) in itertools.combinations(rects, 2) if overlaps(ra, rb)]
    assert clashes == []
    for _, r in rects:  # nothing outside the picture
        assert r[0] >= 0 and r[2] <= lay.width and r[1] >= 0 and r[3] <= lay.height
    for z in lay.zones:  # each zone's title inside its zone, above its boxes
        assert overlaps(z.title_rect, z.rect) and z.title_rect[1] >= z.rect[1]


@pytest.mark.parametrize("example", EXAMPLES)
def test_arrows_pass_through_no_box(example: str) -> None:
    lay = _layout(example, "en")
    for e in lay.edges:
        for (x0, y0), (x1, y1) in itertools.pairwise(e.points):
            seg = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            for bid, b in lay.boxes.items():
                inner = (b.rect[0] + 1, b.rect[1] + 1, b.rect[2] - 1, b.rect[3] - 1)
                assert not overlaps(seg, inner), (e.edge.source, e.edge.target, bid)


def test_box_text_is_wrapped_not_cut() -> None:
    lay = _layout("manufacturing_quality_inspection", "en")
    llm = lay.boxes["llm"]
    assert "".join(llm.detail).replace(" ", "") == llm.node.detail.replace(" ", "")
    assert all(line for line in llm.detail)
    svg = architecture_svg(to_mermaid(_arch("manufacturing_quality_inspection", "en"), "en"), "t", "en")
    assert svg is not None and "…" not in svg


@pytest.mark.parametrize(
    ("leaves", "status", "crossing"),
    [(True, "outside", "outside"), (False, "inside", "inside"), (None, "unknown", "unknown")],
)
def test_hybrid_cloud_side_follows_whether_data_leaves(
    leaves: bool | None, status: str, crossing: str
) -> None:
    p = Profile.model_validate(
        {
            "selection": {"deployment": "hybrid", "techniques": ["rag"]},
            "data": {"data_leaves_org": leaves, "personal_data": True},
        }
    )
    arch = build_architecture(p, "zh")
    assert arch.zone_of("app").id == "org" and arch.zone_of("llm").id == "hybrid"
    assert arch.zone_of("llm").status == status
    prompt = next(c for c in arch.connections if (c.source, c.target) == ("app", "llm"))
    assert prompt.crossing == crossing


def test_a_sensor_pipeline_without_edge_sends_readings_to_the_platform() -> None:
    p = Profile.model_validate(
        {
            "selection": {"deployment": "private"},
            "integration": {"field_devices": ["sensor"], "interface": ["embedded"]},
            "data": {"modalities": ["table"]},
        }
    )
    arch = build_architecture(p, "en")
    assert [(c.source, c.target) for c in arch.steps()] == [
        ("devices", "app"),
        ("app", "llm"),
        ("app", "ui"),
        ("ui", "users"),
    ]
    assert "edge" not in _ids(arch) and arch.name_of("app") == "Analysis platform"
