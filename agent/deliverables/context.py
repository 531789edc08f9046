"""Per-document rendering context: answers, numbered citations, open questions, model-drafted text.

One `DocContext` lives for the rendering of one deliverable in one language. Templates reach it
through the helpers it exposes (`t`, `a`, `v`, `has`, `cite`, `cite_list`, `narrative`, …): every
answer a template prints is recorded as an input the document rests on, every unknown one becomes
an open question, and every citation gets the next number in the document's source list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agent import citemarks
from agent.deliverables.labels import field_label, format_value, section_label
from agent.deliverables.registry import DeliverableSpec
from agent.i18n import pick
from agent.snapshot import ProjectSnapshot
from agent.types import Citation, Finding, Lang, Passage

_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|])")
_MARKER_PAREN = re.compile(r"(\[\d+\])\(")


def md_escape(text: str) -> str:
    """User text made inert in Markdown: no stray emphasis, links, HTML, table breaks or fake [n]."""
    return _md_inline(" ".join(str(text).split()))


def _md_inline(text: str) -> str:
    """`md_escape` without the whitespace folding (a piece of a line, its spaces kept)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _markers(numbers: list[int]) -> str:
    """`[3][13][14]`: a group of markers in ascending order, each once (passages new to the
    document are numbered in the order given, so a group citing an earlier passage last would
    otherwise read `[13][14][3]`)."""
    return "".join(f"[{n}]" for n in sorted(set(numbers)))


@dataclass
class Source:
    """One entry of a document's source list."""

    number: int
    passage_id: str
    source: str
    section: str
    title: str
    kb: str = "builtin"


@dataclass
class OpenItem:
    """An input the document needs but the project has not answered."""

    field: str
    question: str
    question_id: str = ""
    reason: str = "unanswered"


# --- conflicts hook (issue 11; the deliverables templates may take it over) -----------------
# Answers that contradict each other (`ProjectSnapshot.conflicts`, agent.consistency) are stated
# once, in the document's "open conflicts" lines (`conflict_lines`), and neither side is printed
# as a fact: `conflict_free` clears the conflicting fields, so a template sees them as unknown and
# they become open questions ("answers contradict each other") instead.


def conflict_free(snapshot: ProjectSnapshot) -> ProjectSnapshot:
    """`snapshot` with the fields of its open conflicts cleared (unchanged when it has none)."""
    if not snapshot.conflicts:
        return snapshot
    profile = snapshot.profile.model_copy(deep=True)
    for c in snapshot.conflicts:
        for path in c.fields:
            profile.set(path, None)
    return snapshot.model_copy(update={"profile": profile})


def conflict_fields(snapshot: ProjectSnapshot) -> set[str]:
    """Fields whose answers are in an open conflict."""
    return {f for c in snapshot.conflicts for f in c.fields}


def conflict_lines(snapshot: ProjectSnapshot, lang: str) -> list[str]:
    """The open conflicts as Markdown list items: the message and what each side said."""
    out = []
    for c in snapshot.conflicts:
        sides = ("；" if lang == "zh" else "; ").join(
            f"{field_label(f, lang)}{'：' if lang == 'zh' else ': '}{v}" for f, v in c.values.items()
        )
        out.append(
            f"- {md_escape(c.message)}（{md_escape(sides)}）"
            if lang == "zh"
            else f"- {md_escape(c.message)} ({md_escape(sides)})"
        )
    return out


@dataclass
class DocContext:
    """Mutable state of one document while its template renders."""

    snapshot: ProjectSnapshot
    spec: DeliverableSpec
    lang: str
    sources: list[Source] = field(default_factory=list)
    open_items: list[OpenItem] = field(default_factory=list)
    used_fields: list[str] = field(default_factory=list)
    narratives_used: list[str] = field(default_factory=list)

    # -- language ---------------------------------------------------------------------------
    def t(self, zh: str, en: str) -> str:
        """The text in the document's language."""
        return pick(self.lang, zh, en)

    def label(self, path: str) -> str:
        """Display name of a profile field."""
        return field_label(path, self.lang)

    # -- answers ----------------------------------------------------------------------------
    def _use(self, path: str) -> Any:
        if path not in self.used_fields:
            self.used_fields.append(path)
        return self.snapshot.profile.get(path)

    def raw(self, path: str) -> Any:
        """The typed profile value (None when unknown); records the field as an input."""
        return self._use(path)

    def has(self, path: str) -> bool:
        """True when the field is known."""
        return self._use(path) is not None

    def v(self, path: str) -> str | None:
        """The answer as escaped reader text, or None when unknown (no open question recorded)."""
        text = format_value(self._use(path), self.lang, path)
        return None if text is None else md_escape(text)

    def a(self, path: str) -> str:
        """The answer as reader text; an unknown one prints a marker and becomes an open question."""
        text = self.v(path)
        if text is not None:
            return text
        self.ask(path)
        return self.t("*待确认*", "*to be confirmed*")

    def ask(self, path: str) -> str:
        """Record `path` as an open question of this document (returns '' for use in templates)."""
        if path not in self.used_fields:
            self.used_fields.append(path)
        if any(o.field == path for o in self.open_items):
            return ""
        known = next((q for q in self.snapshot.open_questions if q.field == path), None)
        if known is not None:
            item = OpenItem(path, known.text, known.question_id, known.reason)
        else:
            from agent.questions import load_bank

            record = next((r for r in self.snapshot.answers.values() if r.field == path), None)
            question = load_bank().by_field(path)
            if path in conflict_fields(self.snapshot):
                text = self.t(
                    f"{self.label(path)}：回答相互矛盾，待确认（见“待解决的矛盾”）。",
                    f"{self.label(path)}: the answers contradict each other (see “Open conflicts”).",
                )
            elif question is not None:
                # not asked in this interview (it did not apply yet), or answered in a way that
                # left no value: the question still reads better than "Model name: not yet
                # known." among the other questions
                lang: Lang = "en" if self.lang == "en" else "zh"
                text = question.wording(lang, self.snapshot.profile)[0]
            else:
                text = self.t(f"{self.label(path)}：尚未确认。", f"{self.label(path)}: not yet known.")
            item = OpenItem(
                path,
                text,
                record.question_id if record else (question.id if question else ""),
                record.status if record and record.status != "answered" else "unanswered",
            )
        self.open_items.append(item)
        return ""

    def ask_input(self, key: str, zh: str, en: str) -> str:
        """An input the document needs that no interview question collects (a cost model's
        request volume, say): listed among the open questions under `key`; returns the marker."""
        if not any(o.field == key for o in self.open_items):
            self.open_items.append(OpenItem(key, self.t(zh, en)))
        return self.t("*待确认*", "*to be confirmed*")

    # -- citations --------------------------------------------------------------------------
    def _passage(self, passage_id: str) -> Passage:
        from knowledge.pack import get_passage

        passage = self.snapshot.passages.get(passage_id) or get_passage(passage_id)
        if passage is None:
            raise KeyError(f"deliverable {self.spec.id}: unknown passage id {passage_id!r}")
        return passage

    def _number(self, passage_id: str, citation: Citation | None = None) -> int:
        for s in self.sources:
            if s.passage_id == passage_id:
                return s.number
        try:
            p = self._passage(passage_id)
            entry = Source(
                len(self.sources) + 1,
                p.id,
                p.source,
                section_label(p.section, self.lang, p.kb),
                (p.title_en or p.title) if self.lang == "en" else p.title,
                p.kb,
            )
        except KeyError:
            if citation is None:
                raise
            entry = Source(
                len(self.sources) + 1,
                passage_id,
                citation.source,
                section_label(citation.section, self.lang, "org"),
                citation.title,
            )
        self.sources.append(entry)
        return entry.number

    def cite(self, *passage_ids: str) -> str:
        """Numbered markers like `[1][2]` for pack passages, registering them in the source list."""
        return _markers([self._number(pid) for pid in passage_ids])

    def cite_list(self, citations: list[Citation]) -> str:
        """Numbered markers for a finding's or recommendation's citations."""
        return _markers([self._number(c.passage_id, c) for c in citations])

    # -- findings, recommendations, narratives ----------------------------------------------
    def findings(self, *stages: str) -> list[Finding]:
        """Findings of the given stages (all when none given): most severe first; within a severity,
        those the answers show before those raised only by unanswered questions; then stage order."""
        from agent.types import SEVERITY_ORDER, STAGES

        def rank(f: Finding) -> tuple[int, int, int]:
            answered = any(e.value is not None or e.text for e in f.evidence)
            stage = STAGES.index(f.stage) if f.stage in STAGES else len(STAGES)
            return (SEVERITY_ORDER.get(f.severity, 9), 0 if answered else 1, stage)

        items = [f for f in self.snapshot.findings if not stages or f.stage.value in stages]
        return sorted(items, key=rank)

    def recommendations(self, *stages: str) -> list[Any]:
        """Recommendations of the given stages (all when none given)."""
        return [r for r in self.snapshot.recommendations if not stages or r.stage.value in stages]

    def narrative(self, section: str) -> str:
        """A model-drafted paragraph for `<deliverable>.<section>`, marked as such; '' in guided mode.

        Its citations (bound to passage ids at drafting, `citemarks.bind`) get this document's
        numbers, the passages joining the source list; one naming no known passage, or a marker
        never bound, is dropped."""
        key = f"{self.spec.id}.{section}"
        text = self.snapshot.narratives.get(key, "").strip()
        if not text:
            return ""

        def number(passage_id: str) -> int | None:
            try:
                return self._number(passage_id)
            except KeyError:
                return None

        body = citemarks.resolve(" ".join(text.split()), number, _md_inline).strip()
        body = _MARKER_PAREN.sub(r"\1\\(", body)  # `[1](x)` would read as a link
        if not body:
            return ""
        self.narratives_used.append(key)
        mark = self.t("模型起草，请人工核对", "drafted by the model — review before use")
        return f"> *{mark}*：{body}" if self.lang == "zh" else f"> *{mark}*: {body}"

    def evidence_text(self, finding: Finding) -> str:
        """The answers that triggered a finding, as one escaped line (option labels, not codes)."""
        from agent.deliverables.labels import is_free_text

        parts = []
        for e in finding.evidence:
            if e.value is not None and not (is_free_text(e.field) and e.text):
                shown = format_value(e.value, self.lang, e.field) or ""
            elif e.value is not None:
                shown = e.text  # free text: the user's own words
            elif not e.text:
                shown = self.t("未回答（按不知道处理）", "not answered (taken as don't know)")
            elif e.text.strip().lower() in ("unknown", "不知道", "don't know"):
                shown = self.t("不知道", "don't know")  # an answers file's `unknown`, not the user's words
            else:
                shown = self.t(f"不知道（原话：“{e.text}”）", f'don\'t know (in their words: "{e.text}")')
            parts.append(f"{self.label(e.field)} = {shown}")
        return md_escape("；".join(parts) if self.lang == "zh" else "; ".join(parts))
