"""The question bank: typed interview questions loaded from `knowledge/questions/<stage>.yaml`.

Each question fills exactly one profile field (a dotted path). Questions are *core* (always asked)
or *follow-ups* (`applies_if` reads an earlier answer, e.g. desensitisation only when personal data
is involved). `variants` reword a question when a condition holds (e.g. precedents for government).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent import conditions
from agent.datafiles import load_yaml
from agent.fieldtypes import field_spec
from agent.profile import Profile
from agent.snapshot import AnswerRecord, QuestionView
from agent.types import STAGES, Lang, Stage

QUESTIONS_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "questions"

QuestionType = Literal["choice", "multi", "number", "text", "yesno"]
Unit = Literal[
    "wan_cny",
    "months",
    "percent",
    "ms",
    "billion_params",
    "users",
    "qps",
    "minutes",
    "per_day",
    "cny_per_hour",
]

_KIND_TO_TYPES: dict[str, tuple[str, ...]] = {
    "bool": ("yesno",),
    "number": ("number",),
    "text": ("text",),
    "choice": ("choice",),
    "multi": ("multi",),
    "text_list": ("text",),
}

YESNO_LABELS: dict[str, dict[str, str]] = {
    "yes": {"zh": "是", "en": "Yes"},
    "no": {"zh": "否", "en": "No"},
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Model):
    """One allowed answer of a choice question."""

    value: str
    zh: str
    en: str
    aliases: list[str] = Field(default_factory=list)
    """Other words a user may type for this option (either language)."""

    def label(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


class Variant(_Model):
    """Alternative wording used when `when` holds for the profile (first matching variant wins)."""

    when: dict[str, Any]
    text: dict[str, str]
    help: dict[str, str] = Field(default_factory=dict)


class Question(_Model):
    """One interview question."""

    id: str
    stage: Stage
    label: dict[str, str]
    """Short name of the field it fills (for reasoning, evidence and open-question lists)."""
    text: dict[str, str]
    help: dict[str, str] = Field(default_factory=dict)
    type: QuestionType
    options: list[Option] = Field(default_factory=list)
    field: str
    applies_if: dict[str, Any] | None = None
    variants: list[Variant] = Field(default_factory=list)
    exit_required: bool = False
    """The stage's readiness counts this question as required to leave the stage."""
    unit: Unit | None = None
    min: float | None = None
    max: float | None = None
    fraction_as_percent: bool = False
    """For percent numbers: read a bare fraction as a share ("0.95" → 95 %)."""
    per: Literal["year"] | None = None
    """For a yearly amount: an amount per month or per day is converted ("每月2万" → 24 万元)."""
    intake: bool = False
    """Project identification (name, organisation, sector) asked at the very start."""

    @property
    def followup(self) -> bool:
        """A follow-up only applies depending on another answer."""
        return self.applies_if is not None

    def applies(self, profile: Profile) -> bool:
        """Whether the question applies to this profile."""
        return conditions.evaluate(self.applies_if, profile)

    def wording(self, lang: Lang, profile: Profile | None = None) -> tuple[str, str]:
        """(text, help) in `lang`, using the first variant whose condition holds."""
        text, help_ = self.text, self.help
        if profile is not None:
            for v in self.variants:
                if conditions.evaluate(v.when, profile):
                    text, help_ = v.text, v.help or self.help
                    break
        return text[lang], help_.get(lang, "")

    def choices(self, lang: Lang) -> list[tuple[str, str]]:
        """(value, label) pairs as displayed; yes/no questions show 是/否."""
        if self.type == "yesno":
            return [(v, YESNO_LABELS[v][lang]) for v in ("yes", "no")]
        return [(o.value, o.label(lang)) for o in self.options]

    def view(
        self, lang: Lang, profile: Profile | None = None, index: int = 0, total: int = 0
    ) -> QuestionView:
        """The question ready to display in `lang` (variant wording applied)."""
        text, help_ = self.wording(lang, profile)
        return QuestionView(
            id=self.id,
            stage=self.stage,
            text=text,
            help=help_,
            type=self.type,
            options=self.choices(lang),
            index=index,
            total=total,
        )

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def value_label(self, value: Any, lang: Lang) -> str:
        """A user-readable rendering of a value of this question's field."""
        if value is None:
            return "未知" if lang == "zh" else "unknown"
        if isinstance(value, bool):
            return YESNO_LABELS["yes" if value else "no"][lang]
        if isinstance(value, list):
            sep = "、" if lang == "zh" else ", "
            if not value:
                return "无" if lang == "zh" else "none"
            return sep.join(self.value_label(v, lang) for v in value)
        if isinstance(value, float | int):
            num = f"{int(value)}" if float(value).is_integer() else f"{value:g}"  # 1200000, not 1.2e+06
            unit = _UNIT_LABELS[self.unit][lang]
            if lang == "en" and value == 1 and unit in ("months", "users"):
                unit = unit[:-1]  # 1 month, not 1 months
            return f"{num} {unit}".strip() if self.unit else num
        opt = self.option(str(value))
        return opt.label(lang) if opt else str(value)


_UNIT_LABELS: dict[str | None, dict[str, str]] = {
    None: {"zh": "", "en": ""},
    "wan_cny": {"zh": "万元", "en": "×10k CNY"},
    "months": {"zh": "个月", "en": "months"},
    "percent": {"zh": "%", "en": "%"},
    "ms": {"zh": "毫秒", "en": "ms"},
    "billion_params": {"zh": "B 参数", "en": "B parameters"},
    "users": {"zh": "用户", "en": "users"},
    "qps": {"zh": "QPS", "en": "QPS"},
    "minutes": {"zh": "分钟", "en": "min"},
    "per_day": {"zh": "次/天", "en": "a day"},
    "cny_per_hour": {"zh": "元/小时", "en": "CNY an hour"},
}


class BankError(ValueError):
    """The question bank data files are inconsistent (message names file and question id)."""


class QuestionBank:
    """All questions, in stage order then file order."""

    def __init__(self, questions: list[Question]) -> None:
        self.questions: tuple[Question, ...] = tuple(questions)
        self._by_id = {q.id: q for q in questions}
        self._by_field = {q.field: q for q in questions}

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    def __contains__(self, qid: object) -> bool:
        return qid in self._by_id

    def get(self, qid: str) -> Question:
        """The question with this id; KeyError when there is none."""
        return self._by_id[qid]

    def find(self, qid: str) -> Question | None:
        """The question with this id, or None."""
        return self._by_id.get(qid)

    def by_field(self, path: str) -> Question | None:
        """The question that fills a dotted profile path, or None."""
        return self._by_field.get(path)

    def stage_questions(self, stage: Stage) -> list[Question]:
        """Every question of a stage, in asking order."""
        return [q for q in self.questions if q.stage == stage]

    def applicable(self, stage: Stage, profile: Profile) -> list[Question]:
        """The stage's questions that apply to this profile, in asking order."""
        return [q for q in self.stage_questions(stage) if q.applies(profile)]

    def next_question(
        self, stage: Stage, profile: Profile, answers: dict[str, AnswerRecord]
    ) -> Question | None:
        """The first applicable question of the stage without an answer record (None: stage done)."""
        return next((q for q in self.applicable(stage, profile) if q.id not in answers), None)


def _check(q: Question, where: str) -> None:
    try:
        spec = field_spec(q.field)
    except KeyError:
        raise BankError(f"{where}: question {q.id}: unknown profile field {q.field!r}") from None
    if q.type not in _KIND_TO_TYPES[spec.kind]:
        raise BankError(f"{where}: question {q.id}: type {q.type} does not fit field {q.field} ({spec.kind})")
    if q.type in ("choice", "multi"):
        values = [o.value for o in q.options]
        bad = [v for v in values if v not in spec.choices]
        if bad or not values:
            raise BankError(f"{where}: question {q.id}: options {bad or values} not in {list(spec.choices)}")
    for lang in ("zh", "en"):
        if not q.text.get(lang) or not q.label.get(lang):
            raise BankError(f"{where}: question {q.id}: missing {lang} text or label")
    try:
        conditions.validate(q.applies_if, f"{where}: question {q.id} applies_if")
        for v in q.variants:
            conditions.validate(v.when, f"{where}: question {q.id} variant")
    except conditions.ConditionError as exc:
        raise BankError(str(exc)) from None


@cache
def load_bank(directory: Path = QUESTIONS_DIR) -> QuestionBank:
    """Load and validate every `<stage>.yaml` in stage order (cached)."""
    questions: list[Question] = []
    seen: dict[str, dict[str, str]] = {"id": {}, "field": {}}
    for stage in STAGES:
        path = directory / f"{stage.value}.yaml"
        if not path.exists():
            continue
        where = f"{path.parent.name}/{path.name}"
        for item in load_yaml(path) or []:
            try:
                q = Question.model_validate({"stage": stage.value, **item})
            except ValidationError as exc:
                raise BankError(f"{where}: question {item.get('id', '?')}: {exc}") from None
            _check(q, where)
            for kind, key in (("id", q.id), ("field", q.field)):
                if key in seen[kind]:
                    raise BankError(f"{where}: duplicate {kind} {key!r} (also in {seen[kind][key]})")
                seen[kind][key] = where
            questions.append(q)
    return QuestionBank(questions)
