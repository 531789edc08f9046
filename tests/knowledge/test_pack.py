"""The built-in guidance pack: it loads, it is well-formed, and it covers both source documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from agent.types import Phase, Stage
from knowledge.pack import PACK_DIR, cite, get_passage, load_pack
from tests.conftest import seed_path

SOURCES = ("000_62eaabb10f8e390a.txt", "003_829d98c82b09c91c.txt")
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _chars(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def _clean(heading: str) -> str:
    """A heading as the pack cites it: markdown emphasis and list numbering stripped."""
    heading = heading.replace("**", "").strip().strip("#").strip()
    return re.sub(r"^\d+\.\s*", "", heading).strip()


def seed_headings(path: Path) -> list[str]:
    """The section headings of a seed document that the pack must represent.

    `##`+ markdown headings, plus (for the case synthesis) the bold numbered items at the start of a
    line: the seven implementation steps and the six pitfalls.
    """
    headings: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("##") or re.match(r"^\d+\.\s+\*\*[^*]+\*\*\s*$", line):
            headings.append(_clean(line))
    return [h for h in headings if h]


def _seed(name: str) -> Path:
    return seed_path(name)


def test_pack_loads_with_enough_passages() -> None:
    passages = load_pack()
    assert 60 <= len(passages) <= 120
    assert {p.kb for p in passages} == {"builtin"}
    assert sorted(PACK_DIR.glob("*.yaml")), "no pack files shipped"


def test_ids_are_unique_kebab_case_and_resolvable() -> None:
    ids = [p.id for p in load_pack()]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    assert not dupes, f"duplicate passage ids: {dupes}"
    bad = [i for i in ids if not ID_RE.match(i)]
    assert not bad, f"ids not kebab-case: {bad}"
    for pid in ids:
        citation = cite(pid)
        assert citation.source in SOURCES and citation.section and citation.quote


def test_every_passage_has_metadata_and_a_sensible_size() -> None:
    problems: list[str] = []
    for p in load_pack():
        if not p.stages:
            problems.append(f"{p.id}: no stages")
        if len(set(p.stages)) != len(p.stages):
            problems.append(f"{p.id}: repeated stage")
        if p.source not in SOURCES:
            problems.append(f"{p.id}: unknown source {p.source!r}")
        if not p.section or "*" in p.section or p.section.startswith("#"):
            problems.append(f"{p.id}: bad section {p.section!r}")
        if not p.title or not p.title_en:
            problems.append(f"{p.id}: missing title or title_en")
        if not re.search(r"[\u4e00-\u9fff]", p.text):
            problems.append(f"{p.id}: text is not Chinese")
        if not 100 <= _chars(p.text) <= 450:
            problems.append(f"{p.id}: text length {_chars(p.text)} outside 100-450")
    assert not problems, "\n".join(problems)


def test_every_stage_phase_and_kind_is_served() -> None:
    passages = load_pack()
    assert {s for p in passages for s in p.stages} == set(Stage)
    assert {p.phase for p in passages if p.phase is not None} == set(Phase)
    assert {p.kind for p in passages} == {"guidance", "pitfall", "case", "deliverable"}


def test_each_phase_has_exit_criteria() -> None:
    for phase in Phase:
        passage = get_passage(f"phase-{phase.value.replace('_', '-')}-exit")
        assert passage is not None, f"no exit criteria passage for phase {phase}"
        assert passage.phase == phase


@pytest.mark.parametrize("source", SOURCES)
def test_every_seed_section_is_represented(source: str) -> None:
    headings = seed_headings(_seed(source))
    assert len(headings) >= 6, f"heading parser found too few headings in {source}: {headings}"
    cited = {p.section for p in load_pack() if p.source == source}
    missing = [h for h in headings if h not in cited]
    assert not missing, f"sections of {source} without a passage: {missing}"
    unknown = sorted(cited - set(headings))
    assert not unknown, f"passages cite sections not in {source}: {unknown}"


def test_case_synthesis_has_seven_steps_and_six_pitfalls() -> None:
    headings = seed_headings(_seed(SOURCES[1]))
    pitfalls = [h for h in headings if h.startswith("避坑要点")]
    assert len(pitfalls) == 6
    assert len(headings) - len(pitfalls) >= 7
    by_section: dict[str, set[str]] = {}
    for p in load_pack():
        by_section.setdefault(p.section, set()).add(p.kind)
    for heading in pitfalls:
        assert {"pitfall", "case"} <= by_section[heading], f"{heading}: needs a pitfall and a case passage"
    steps = [h for h in headings if h in by_section and "deliverable" in by_section[h]]
    assert len(steps) == 7, f"each implementation step needs a deliverable passage, found {steps}"


@pytest.mark.parametrize(
    ("passage_id", "figures"),
    [
        ("pitfall-hallucination-case", ["5%", "ChatDD"]),
        ("pitfall-cost-case", ["6.2", "90%", "TableAgent", "言犀"]),
        ("adaptation-model-size", ["7B"]),
        ("step1-requirements", ["97%", "50%"]),
        ("step6-cases", ["20%", "30%", "文修"]),
        ("pitfall-iteration-case", ["每月", "每天", "支小助"]),
        ("step2-adaptation-principles", ["天津金城银行", "支小助", "ChatDD", "私有化", "RAG", "Agent"]),
    ],
)
def test_key_figures_and_case_names_are_kept(passage_id: str, figures: list[str]) -> None:
    passage = get_passage(passage_id)
    assert passage is not None, f"missing passage {passage_id}"
    text = passage.text.replace(" ", "")
    for figure in figures:
        assert figure.replace(" ", "") in text, f"{passage_id} lost {figure!r}"


def test_key_figures_appear_in_the_seed_as_well() -> None:
    """The figures the pack keeps are real: each one is in the case synthesis too."""
    seed = _seed(SOURCES[1]).read_text(encoding="utf-8")
    for figure in ("5%", "6.2倍", "90%", "97%", "50%", "20-30%", "7B"):
        assert figure in seed


EVAL_FILE = Path(__file__).resolve().parents[2] / "eval" / "questions.yaml"


def test_eval_questions_point_at_real_passages_and_sections() -> None:
    """The retrieval eval set is only meaningful if its answers exist in the pack and in the seeds."""
    questions = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))
    assert len(questions) >= 60
    assert len({q["q"] for q in questions}) == len(questions), "duplicate questions"
    pack = {p.id: p for p in load_pack()}
    problems: list[str] = []
    for q in questions:
        if q["lang"] not in ("zh", "en") or q["style"] not in ("direct", "paraphrase"):
            problems.append(f"{q['q']}: bad lang/style")
        if q["split"] not in ("dev", "holdout"):
            problems.append(f"{q['q']}: bad split")
        unknown = [r for r in q["relevant"] if r not in pack]
        if not q["relevant"] or unknown:
            problems.append(f"{q['q']}: unknown relevant ids {unknown}")
        elif not any((pack[r].source, pack[r].section) == (q["source"], q["section"]) for r in q["relevant"]):
            problems.append(f"{q['q']}: no relevant passage rests on {q['section']}")
    assert not problems, "\n".join(problems)
    holdout = sum(q["split"] == "holdout" for q in questions) / len(questions)
    english = sum(q["lang"] == "en" for q in questions) / len(questions)
    assert 0.25 <= holdout <= 0.4
    assert 0.2 <= english <= 0.4


def test_eval_sections_are_seed_headings() -> None:
    questions = yaml.safe_load(EVAL_FILE.read_text(encoding="utf-8"))
    headings = {s: set(seed_headings(_seed(s))) for s in SOURCES}
    wrong = [q["q"] for q in questions if q["section"] not in headings[q["source"]]]
    assert not wrong, f"questions whose section is not a heading of their seed: {wrong}"
    asked = {(q["source"], q["section"]) for q in questions}
    missing = [(s, h) for s, hs in headings.items() for h in hs if (s, h) not in asked]
    assert not missing, f"seed sections no question asks about: {missing}"
