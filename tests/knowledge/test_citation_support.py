"""Citations that hold: every cited statement has a reviewed support note, and the note is true.

`knowledge/citation_support.yaml` records, for each cited statement of the rules, recommendations,
phase exit criteria and deliverable templates, the words of each cited passage that support it; and
for each pack passage, the words of the seed document it rests on. These tests fail when a statement
cites without a note, when a note quotes words its passage (or seed section) does not contain, when
a cited sentence carries a number its passages lack, or when a reported figure is not attributed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import yaml

from agent import figures
from agent.readiness import load_criteria
from agent.recommend import load_recommendations
from agent.rules import load_rules
from agent.statements import StatementSpec
from knowledge.pack import get_passage, load_pack
from tests.conftest import seed_path

REPO = Path(__file__).resolve().parents[2]
SUPPORT_FILE = REPO / "knowledge" / "citation_support.yaml"
TEMPLATES = REPO / "knowledge" / "templates"
CALL = re.compile(
    r's\.(?P<kind>source|coach|figure|source_bare)\((?P<zh>"(?:[^"\\]|\\.)*"), (?P<en>"(?:[^"\\]|\\.)*")'
    r'(?P<ids>(?:, "[^"]*")*)\)'
)


@dataclass(frozen=True)
class Cited:
    """One statement that cites, where it stands, and what it cites."""

    at: str
    kind: str
    zh: str
    en: str
    cites: tuple[str, ...]


def _norm(text: str) -> str:
    """Text compared without whitespace or Markdown emphasis (the seeds wrap names in ` and **)."""
    return re.sub(r"[\s*`]", "", text)


def _specs(at: str, specs: list[StatementSpec]) -> Iterator[Cited]:
    for s in specs:
        yield Cited(at, s.kind, s.zh, s.en, tuple(s.cites))


def _data_statements() -> Iterator[Cited]:
    """Every statement of the rules and recommendations, cited or not."""
    for owner, file in ((load_rules(), "rules.yaml"), (load_recommendations(), "recommendations.yaml")):
        for r in owner:
            yield from _specs(f"{file}#{r.id}", r.advice)
            for i, a in enumerate(r.advice_if):
                yield from _specs(f"{file}#{r.id}/advice_if[{i}]", a.advice)
            for i, o in enumerate(getattr(r, "otherwise", [])):
                yield from _specs(f"{file}#{r.id}/otherwise[{i}]", o.advice)


def _template_statements() -> Iterator[Cited]:
    import json

    for path in sorted(TEMPLATES.glob("*.md.j2")):
        for m in CALL.finditer(path.read_text(encoding="utf-8")):
            ids = tuple(re.findall(r'"([^"]*)"', m["ids"]))
            kind = "source" if m["kind"] == "source_bare" else m["kind"]
            yield Cited(f"templates/{path.name}", kind, json.loads(m["zh"]), json.loads(m["en"]), ids)


def _criteria_statements() -> Iterator[Cited]:
    for phase, items in load_criteria().phases.items():
        for c in items:
            yield Cited(
                f"exit_criteria.yaml#phases.{phase.value}.{c.id}",
                "coach",
                c.text["zh"],
                c.text["en"],
                tuple(c.cites),
            )


@cache
def cited_statements() -> tuple[Cited, ...]:
    every = [*_data_statements(), *_template_statements(), *_criteria_statements()]
    return tuple(c for c in every if c.cites)


@cache
def support() -> dict[str, object]:
    data = yaml.safe_load(SUPPORT_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def notes() -> dict[tuple[str, str], dict[str, list[str]]]:
    out: dict[tuple[str, str], dict[str, list[str]]] = {}
    for entry in support()["statements"]:  # type: ignore[union-attr]
        key = (entry["at"], entry["says"])
        assert key not in out, f"two notes for {key}"
        out[key] = entry["support"]
    return out


def passage_text(pid: str) -> str:
    passage = get_passage(pid)
    assert passage is not None, f"unknown passage {pid}"
    return passage.text


def test_every_cited_statement_has_a_support_note_for_each_passage_it_cites() -> None:
    known = notes()
    missing = [f"{c.at}: {c.zh}" for c in cited_statements() if (c.at, c.zh) not in known]
    assert not missing, "cited statements without a support note:\n" + "\n".join(missing)
    uncovered = [
        f"{c.at}: {c.zh} → {pid}"
        for c in cited_statements()
        for pid in c.cites
        if not known[(c.at, c.zh)].get(pid)
    ]
    assert not uncovered, "cited passages without supporting words:\n" + "\n".join(uncovered)


def test_no_support_note_outlives_its_statement() -> None:
    """A changed statement leaves its old note behind: the note must be reviewed, not kept."""
    live = {(c.at, c.zh) for c in cited_statements()}
    stale = [f"{at}: {says}" for at, says in notes() if (at, says) not in live]
    assert not stale, "support notes for statements that no longer exist:\n" + "\n".join(stale)


def test_every_supporting_quote_occurs_in_the_cited_passage() -> None:
    wrong = [
        f"{at} — {pid}: {quote!r}"
        for (at, _), sup in notes().items()
        for pid, quotes in sup.items()
        for quote in quotes
        if _norm(quote) not in _norm(passage_text(pid))
    ]
    assert not wrong, "quotes the cited passage does not contain:\n" + "\n".join(wrong)


def test_numbers_in_a_cited_statement_appear_in_the_passages_it_cites() -> None:
    wrong = []
    for c in cited_statements():
        passages = [passage_text(pid) for pid in c.cites]
        for lang, text in (("zh", c.zh), ("en", c.en)):
            extra = figures.unsupported(text, passages)
            if extra:
                wrong.append(f"{c.at} [{lang}] {text!r}: {[f.raw for f in extra]}")
    assert not wrong, "numbers the cited passages do not contain:\n" + "\n".join(wrong)


def test_a_statement_that_cites_nothing_states_no_number() -> None:
    """The coach's own sentences carry no figure: a number is either the sources' (cited) or absent."""
    wrong = [
        f"{c.at}: {c.zh!r}"
        for c in _data_statements()
        if not c.cites and (figures.figures(c.zh) or figures.figures(c.en))
    ]
    assert not wrong, "\n".join(wrong)


def test_reported_figures_name_the_case_synthesis_and_cite_a_case_passage() -> None:
    pack = {p.id: p for p in load_pack()}
    wrong = []
    for c in [*_data_statements(), *_template_statements()]:
        if c.kind != "figure":
            continue
        if "据案例汇总" not in c.zh or "case synthesis" not in c.en:
            wrong.append(f"{c.at}: not attributed to the case synthesis: {c.zh!r}")
        if not any(pack[pid].kind == "case" for pid in c.cites):
            wrong.append(f"{c.at}: cites no case passage: {c.cites}")
        if not figures.figures(c.zh):
            wrong.append(f"{c.at}: a 'reported figure' without a number: {c.zh!r}")
    assert not wrong, "\n".join(wrong)


def test_case_figures_appear_only_as_reported_figures() -> None:
    """6.2×, 90 %, below 5 %, 20–30 %: wherever advice states them, it is a reported figure."""
    case_numbers = {"6.2", "90", "5", "20", "30"}
    wrong = [
        f"{c.at} ({c.kind}): {c.zh!r}"
        for c in [*_data_statements(), *_template_statements()]
        if c.kind != "figure" and {f.value for f in figures.figures(c.zh)} & case_numbers
    ]
    assert not wrong, "case figures outside a reported-figure statement:\n" + "\n".join(wrong)


def test_templates_cite_only_through_the_statement_macros() -> None:
    """Every `cite(` of a template is inside s.source / s.coach / s.figure, so it has a kind."""
    wrong = []
    for path in sorted(TEMPLATES.glob("*.md.j2")):
        if path.name == "_statements.md.j2":
            continue
        text = CALL.sub("", path.read_text(encoding="utf-8"))
        if re.search(r"\bcite\(", text):
            wrong.append(path.name)
    assert not wrong, f"templates citing outside the statement macros: {wrong}"


# ------------------------------------------------------------------ passages against the seeds
def _heading(line: str) -> str | None:
    if line.startswith("##") or re.match(r"^\d+\.\s+\*\*[^*]+\*\*\s*$", line):
        heading = line.replace("**", "").strip().strip("#").strip()
        return re.sub(r"^\d+\.\s*", "", heading).strip()
    return None


@cache
def seed_sections(name: str) -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in seed_path(name).read_text(encoding="utf-8").splitlines():
        heading = _heading(line)
        if heading:
            current = heading
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {k: "\n".join(v) for k, v in sections.items()}


def test_every_passage_has_seed_words_and_they_occur_in_its_section() -> None:
    notes_ = support()["passages"]
    assert isinstance(notes_, dict)
    wrong = []
    for p in load_pack():
        entry = notes_.get(p.id)
        if not entry or not entry.get("seed"):
            wrong.append(f"{p.id}: no seed words recorded")
            continue
        section = _norm(seed_sections(p.source)[p.section])
        wrong += [
            f"{p.id}: {q!r} not in {p.source} § {p.section}" for q in entry["seed"] if _norm(q) not in section
        ]
    assert not wrong, "\n".join(wrong)


def test_numbers_in_a_passage_appear_in_its_seed_section() -> None:
    wrong = []
    for p in load_pack():
        # the section itself, or the document's opening (where "44 cases" is said for all of it)
        opening = next(iter(seed_sections(p.source).values()))
        extra = figures.unsupported(p.text, [seed_sections(p.source)[p.section], opening])
        if extra:
            wrong.append(f"{p.id}: {[f.raw for f in extra]}")
    assert not wrong, "passage numbers the seed section lacks:\n" + "\n".join(wrong)


def test_what_a_passage_puts_in_quotation_marks_is_the_seeds_own_words() -> None:
    notes_ = support()["passages"]
    assert isinstance(notes_, dict)
    wrong = []
    for p in load_pack():
        own = {_norm(w) for w in (notes_.get(p.id) or {}).get("own_words", [])}
        whole = _norm(seed_path(p.source).read_text(encoding="utf-8"))
        for quoted in re.findall(r"“([^”]+)”", p.text):
            if _norm(quoted) not in whole and _norm(quoted) not in own:
                wrong.append(f"{p.id}: “{quoted}”")
    assert not wrong, "quoted as if from the seeds, but not in them:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    "phrase",
    [
        "一成左右",  # rec-small-quantised-model's forecast
        "作为你们的验收参考",  # rec-domain-finetune-grounding's 5 % bar
        "逐步推广中打磨",  # ux-no-gradual-rollout's invented case detail
        "4–8 周",
        "不应离开组织边界",
        "再训练（RLHF）",
        "抽样两周",
        "至少每季度",
        "普遍优先",
        "或流出企业可控范围",
    ],
)
def test_the_unsupported_claims_of_issue_18_are_gone(phrase: str) -> None:
    texts = [
        SUPPORT_FILE.parent.joinpath(f).read_text(encoding="utf-8")
        for f in ("rules.yaml", "recommendations.yaml")
    ]
    texts += [p.text for p in load_pack()]
    texts += [t.read_text(encoding="utf-8") for t in TEMPLATES.glob("*.md.j2")]
    assert not [t for t in texts if phrase in t]
