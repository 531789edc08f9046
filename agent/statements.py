"""Three kinds of statement, kept apart from the data files to every place that shows advice.

Advice in `knowledge/rules.yaml` and `knowledge/recommendations.yaml` is a list of statements, each
of one kind (`agent.types.StatementKind`):

- `source`: what the cited passages say, quoted or closely paraphrased;
- `coach`: the coach's own reasoning from the project's answers and the sources — it may cite the
  passages it rests on, but only for what they actually support;
- `figure`: a number one case reported, attributed to the case and to the document reporting it
  (the case synthesis gives no primary references) — never a forecast or a target for the user;
- `regulation`: what the cited regulation notes say (knowledge/regulations/notes.yaml), a source kept
  apart from the case guidance — guidance, not legal advice.

Every cited statement has a support note in `knowledge/citation_support.yaml` (checked by
`tests/knowledge/test_citation_support.py`). The labels below are what a reader sees.

A statement may carry `when` (a condition over the profile): said only to the projects it fits —
how a case of one sector is named to that sector alone (`knowledge/case_fit.yaml`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from agent import conditions
from agent.profile import Profile
from agent.types import Citation, Finding, Lang, Statement, StatementKind

if TYPE_CHECKING:
    from agent.snapshot import Recommendation

KIND_LABELS: dict[StatementKind, dict[str, str]] = {
    "source": {"zh": "资料所述", "en": "The sources say"},
    "coach": {"zh": "教练建议", "en": "Coach's recommendation"},
    "figure": {"zh": "案例报告数据", "en": "Reported figure"},
    "regulation": {"zh": "法规要点", "en": "The regulation notes say"},
}

FIGURE_NOTE = {
    "zh": "单个案例报告的数字，取自案例汇总文档，该文档未给出原始出处；不是对本项目的预测或目标",
    "en": "a number one case reported, from the case-synthesis document, which gives no primary references; "
    "not a forecast or a target for this project",
}
"""What a reported figure is (the document legend; the findings panel when a figure is shown)."""

DERIVED_LABEL = {"zh": "教练归纳", "en": "derived by the coach"}
"""Beside an exit criterion the coach derived from what the sources say a phase is for."""


class StatementSpec(BaseModel):
    """One statement as written in a data file: its kind, both languages, the passages it cites."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: StatementKind
    zh: str
    en: str
    cites: list[str] = Field(default_factory=list)
    when: dict[str, Any] = Field(default_factory=dict)
    """Said only where this holds (e.g. a case named to its own sector); `{}` always."""

    def resolve(self, lang: Lang) -> Statement:
        """The statement in `lang`."""
        return Statement(kind=self.kind, text=self.zh if lang == "zh" else self.en, cites=list(self.cites))


def validate_specs(specs: Sequence[StatementSpec], where: str) -> None:
    """A statement list must say something, and a reported figure must name its source."""
    if not specs:
        raise ValueError(f"{where}: no statements")
    if all(s.when for s in specs):
        raise ValueError(f"{where}: every statement has a `when`: some projects would hear nothing")
    for s in specs:
        conditions.validate(s.when, f"{where} statement when")
        if not s.zh.strip() or not s.en.strip():
            raise ValueError(f"{where}: a {s.kind} statement without zh or en text")
        if s.kind == "figure" and not s.cites:
            raise ValueError(f"{where}: a reported figure must cite the passage that reports it")
        if s.kind == "regulation" and not all(pid.startswith("reg-") for pid in s.cites):
            raise ValueError(f"{where}: a regulation statement must cite regulation notes (reg-…) only")
        if s.kind == "source" and any(pid.startswith("reg-") for pid in s.cites):
            raise ValueError(
                f"{where}: what a regulation note says is a `regulation` statement, not `source`"
            )
        if s.kind in ("source", "regulation") and not s.cites:
            raise ValueError(f"{where}: a 'sources say' statement must cite its source")


def fitting(specs: Sequence[StatementSpec], profile: Profile) -> list[StatementSpec]:
    """The statements said to this project (those whose `when` holds)."""
    return [s for s in specs if conditions.evaluate(s.when, profile)]


def resolve(specs: Sequence[StatementSpec], lang: Lang) -> list[Statement]:
    """The statements in `lang`."""
    return [s.resolve(lang) for s in specs]


def cited_ids(specs: Sequence[StatementSpec]) -> list[str]:
    """Every passage id the statements cite, each once, in order."""
    return list(dict.fromkeys(pid for s in specs for pid in s.cites))


def plain(statements: Sequence[Statement], lang: Lang | str) -> str:
    """The statements as one plain text, without labels (what `Finding.advice` holds)."""
    sep = "" if lang == "zh" else " "
    return sep.join(s.text.strip() for s in statements)


def label(kind: StatementKind, lang: Lang | str) -> str:
    """The reader's name for a kind of statement."""
    return KIND_LABELS[kind]["en" if lang == "en" else "zh"]


def labelled(
    statements: Sequence[Statement],
    lang: Lang | str,
    *,
    markdown: bool = False,
    number: Callable[[str], int | None] | None = None,
    sep: str = "\n",
) -> str:
    """The statements grouped in runs of one kind, each run led by its label: `【资料所述】…`
    (plain) or `**资料所述**：…` (Markdown), runs joined by `sep`. With `number` (passage id → the
    number of its entry in the source list shown beside the text), each statement ends in its
    markers, `…降到 5% 以下。[2]`."""
    runs: list[tuple[StatementKind, list[str]]] = []
    for s in statements:
        text = s.text.strip()
        if number is not None:
            found = {number(pid) for pid in s.cites}
            text += "".join(f"[{n}]" for n in sorted(n for n in found if n is not None))
        if runs and runs[-1][0] == s.kind:
            runs[-1][1].append(text)
        else:
            runs.append((s.kind, [text]))
    joiner = "" if lang == "zh" else " "
    lines = []
    for kind, texts in runs:
        name = label(kind, lang)
        body = joiner.join(texts)
        if markdown:
            lines.append(f"**{name}**{'：' if lang == 'zh' else ': '}{body}")
        else:
            lines.append(f"【{name}】{body}" if lang == "zh" else f"[{name}] {body}")
    return sep.join(lines)


def for_message(
    item: Finding | Recommendation, citations: Sequence[Citation], lang: Lang | str, sep: str = " "
) -> str:
    """A finding's or recommendation's advice as Markdown for a chat message or panel whose source
    list is `citations`: labelled by kind, each statement numbered into that list (the plain
    advice when the item has no statements, e.g. a finding the model raised)."""
    if not item.statements:
        return item.advice
    ids = [c.passage_id for c in citations]
    return labelled(
        item.statements,
        lang,
        markdown=True,
        number=lambda pid: ids.index(pid) + 1 if pid in ids else None,
        sep=sep,
    )


def has_figures(statements: Sequence[Statement]) -> bool:
    """True when a reported figure is among the statements (the reader then needs `FIGURE_NOTE`)."""
    return any(s.kind == "figure" for s in statements)
