"""The answers-file format of `coach run`: YAML (or JSON) keyed like the profile.

    lang: zh                      # optional: zh | en
    project: {name: 客服助手, organisation: 某城商行, sector: finance}
    requirements:
      pain_points: 高峰排队长，回复不一致
      target_users: internal      # an option value, or a label/alias: 内部员工, "1"…
      budget_wan: 500万           # numbers may carry units, as in the interview
    data:
      personal_data: true         # or 是 / no / …
      desensitisation: [masking]  # lists, or "masking, encryption"
    selection:
      vendor: unknown             # "unknown"/"不知道" → open question; "skip" → skipped

One key per question's field (`coach schema` prints the JSON Schema), plus one setting that is
no question: `selection.scoring_weights` (the model-selection matrix's weights in percent by
criterion — privacy, cost, task_fit, vendor, upgrade, burden — summing to 100; checked by
`agent.deliverables.answers_file.scoring_weights`). A null value means "not answered". Forgiving forms are parsed exactly as in the interview (`agent.parsing`); free text the
reader cannot read for certain is left unknown with a `ReadingWarning` (never a guessed value).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, cast

from agent import conditions
from agent.deliverables.selection import criteria, criterion_keys
from agent.describe import value_text
from agent.errors import InputError
from agent.fieldtypes import field_spec
from agent.parsing import parse_answer
from agent.profile import Profile
from agent.questions import Question, QuestionBank, load_bank
from agent.snapshot import AnswerRecord, AnswerStatus
from agent.types import Lang

OPEN_WORDS = ["unknown", "skip"]


@dataclass(frozen=True)
class ReadingWarning:
    """A free-text answer in a file that the reader could not read for certain: the field is left
    unknown (an open question), and the run says so."""

    field: str
    text: str
    candidates: tuple[Any, ...] = ()

    def line(self, lang: str) -> str:
        """One line naming the field, the text and the candidates, in `lang`."""
        shown = ", ".join(f"{c:g}" if isinstance(c, float) else str(c) for c in self.candidates)
        if lang == "zh":
            maybe = f"；可能是：{shown}" if shown else ""
            return f"警告：{self.field}：无法确定“{self.text}”的意思{maybe}——已记为未知，请在文件里写明"
        maybe = f"; it could be: {shown}" if shown else ""
        return f"warning: {self.field}: could not read '{self.text}' for certain{maybe} — left unknown; state it in the file"


@dataclass(frozen=True)
class NotApplyingWarning:
    """A value the file states for a question that does not apply given its other answers
    (`selection.has_gpu` beside a public-cloud deployment): recorded as stated, and said."""

    field: str
    value: Any
    because: tuple[tuple[str, Any], ...]
    """The fields the question's condition reads, with their values in this file."""

    def line(self, lang: str) -> str:
        """One line naming the field, its value and the answers that make its question not apply."""
        bank, lg = load_bank(), cast(Lang, "en" if lang == "en" else "zh")
        shown = value_text(self.field, self.value, lg, bank)
        sep = "；" if lg == "zh" else "; "
        why = sep.join(f"{f} = {value_text(f, v, lg, bank)}" for f, v in self.because)
        if lg == "zh":
            return (
                f"警告：{self.field}：已按文件记录“{shown}”，但根据其他答案（{why}）这个问题本不适用——请核对"
            )
        return f"warning: {self.field}: recorded as stated ('{shown}'), although the other answers ({why}) make its question not apply — please check"


def not_applying(
    records: dict[str, AnswerRecord], profile: Profile, bank: QuestionBank | None = None
) -> list[NotApplyingWarning]:
    """The stated values (in `records`) whose question does not apply to `profile`, in bank order."""
    bank = bank or load_bank()
    out = []
    for q in bank:
        rec = records.get(q.id)
        if rec is None or rec.status != "answered" or rec.value is None or q.intake or q.applies(profile):
            continue
        because = tuple((f, profile.get(f)) for f in conditions.fields(q.applies_if))
        out.append(NotApplyingWarning(q.field, rec.value, because))
    return out


def _is_free_text(value: Any) -> bool:
    """A sentence in the user's own words (not a mistyped option value such as `moon`)."""
    return isinstance(value, str) and (not value.isascii() or len(value.split()) > 1)


TOP_LEVEL_EXTRA = ("lang",)
SETTINGS = ("selection.scoring_weights",)
"""Keys of the answers file that set how documents are made, not answers to a question."""


class AnswersFileError(InputError):
    """An invalid entry in an answers file; `field` is the dotted path (for line lookup), if any."""

    def __init__(self, message: str, *, hint: str = "", field: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.field = field


def _value_schema(q: Question) -> dict[str, Any]:
    spec = field_spec(q.field)
    base: dict[str, Any]
    if q.type == "choice":
        base = {"type": "string", "enum": [o.value for o in q.options]}
    elif q.type == "multi":
        base = {"type": "array", "items": {"enum": [o.value for o in q.options]}, "uniqueItems": True}
    elif q.type == "yesno":
        base = {"type": "boolean"}
    elif q.type == "number":
        base = {"type": "number"}
        if q.min is not None:
            base["minimum"] = q.min
        if q.max is not None:
            base["maximum"] = q.max
    elif spec.kind == "text_list":
        base = {"type": "array", "items": {"type": "string"}}
    else:
        base = {"type": "string"}
    desc = f"{q.label['en']}: {q.text['en']}"
    if q.unit:
        desc += f" (unit: {q.unit})"
    if q.type in ("choice", "multi"):
        desc += " Options: " + ", ".join(f"{o.value} ({o.en})" for o in q.options) + "."
    return {
        "description": desc,
        "anyOf": [base, {"enum": OPEN_WORDS, "description": "an open question"}, {"type": "null"}],
    }


def answers_json_schema(bank: QuestionBank | None = None) -> dict[str, Any]:
    """The JSON Schema (2020-12) of the answers file, built from the question bank.

    The schema states the canonical forms (option values, booleans, numbers in the field's unit);
    `coach run` also accepts the interview's forgiving forms (labels, aliases, "500万").
    """
    bank = bank or load_bank()
    sections: dict[str, dict[str, Any]] = {}
    for q in bank:
        section, _, name = q.field.partition(".")
        sec = sections.setdefault(
            section, {"type": "object", "additionalProperties": False, "properties": {}}
        )
        sec["properties"][name] = _value_schema(q)
    keys = criterion_keys()
    sections["selection"]["properties"]["scoring_weights"] = {  # the bank has a selection section
        "description": "Weights of the model-selection scoring matrix, percent by criterion, summing to 100 "
        "(all six; 0 leaves one out). Unset: the defaults, "
        + "{"
        + ", ".join(f"{c.key}: {c.shown}" for c in criteria("en"))
        + "}.",
        "type": "object",
        "additionalProperties": False,
        "required": keys,
        "properties": {k: {"type": "number", "minimum": 0} for k in keys},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://adoption-coach.local/answers.schema.json",
        "title": "Adoption Coach answers file",
        "description": "Answers keyed like the project profile: one key per interview question's field.",
        "type": "object",
        "additionalProperties": False,
        "properties": {"lang": {"enum": ["zh", "en"], "description": "Language of the output"}, **sections},
    }


def _accepted(q: Question) -> str:
    if q.type in ("choice", "multi"):
        return ", ".join(f"{o.value} ({o.zh} / {o.en})" for o in q.options)
    return {
        "yesno": "true / false (是 / 否)",
        "number": f"a number{f' in {q.unit}' if q.unit else ''}",
        "text": "text",
    }[q.type]


_EXPONENT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")
"""A number in scientific notation, which the answer reader would cut at the `e` (1.5e3 → 1.5)."""


def _bound(limit: float | None, unbounded: str) -> str:
    """A range limit as written in a hint: 100, not 100.0."""
    return unbounded if limit is None else f"{limit:g}"


def _raw_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _record(q: Question, value: Any, warnings: list[ReadingWarning] | None = None) -> AnswerRecord:
    path = q.field
    kind = field_spec(path).kind
    raw = _raw_text(value)
    word = value.strip().lower() if isinstance(value, str) else None
    if word in OPEN_WORDS and q.option(word) is None:
        status: AnswerStatus = "unknown" if word == "unknown" else "skipped"
        return AnswerRecord(
            question_id=q.id, stage=q.stage, field=path, raw=raw, status=status, source="file"
        )
    if q.type == "number" and isinstance(value, str) and _EXPONENT.fullmatch(value.strip()):
        value = float(value)  # `1.5e3`: PyYAML (YAML 1.1) leaves it text, JSON and YAML 1.2 read 1500
    typed: Any
    if q.type == "yesno" and isinstance(value, bool):
        typed = value
    elif q.type == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        typed = float(value)
        if not math.isfinite(typed):  # JSON's NaN / Infinity: no answer a deliverable can state
            raise AnswersFileError(
                f"answers file: {path}: {raw.strip()} is not a number / 不是有效数字",
                hint="write an ordinary number, e.g. 50 or 1.5",
                field=path,
            )
        if q.fraction_as_percent and 0 < typed < 1:
            typed *= 100  # a share written as a fraction, as in the interview
        if (q.min is not None and typed < q.min) or (q.max is not None and typed > q.max):
            raise AnswersFileError(
                f"answers file: {path}: {raw.strip()} is out of range / 超出允许范围",
                hint=f"use a number between {_bound(q.min, '-∞')} and {_bound(q.max, '∞')}",
                field=path,
            )
    elif q.type == "multi" and isinstance(value, list):
        typed = []
        for item in value:
            r = parse_answer(q, str(item), "en")
            if not r.ok or r.status != "answered":
                raise AnswersFileError(
                    f"answers file: {path}: {item!r} is not one of the options / 不是可选项",
                    hint=f"accepted values: {_accepted(q)}",
                    field=path,
                )
            typed += [v for v in r.value if v not in typed]
    elif kind == "text_list" and isinstance(value, list):
        if not all(isinstance(v, str | int | float) for v in value):
            raise AnswersFileError(
                f"answers file: {path}: expected a list of texts / 应为文本列表",
                hint="e.g. [CRM, 工单系统]",
                field=path,
            )
        typed = [str(v) for v in value]
    elif isinstance(value, str | int | float):
        r = parse_answer(q, _raw_text(value), "en")
        if not r.ok and isinstance(value, str) and not value.strip():
            raise AnswersFileError(
                f"answers file: {path}: the answer is blank ({value!r}) / 答案为空",
                hint="write the answer, or `unknown` to list it as an open question, or delete the line",
                field=path,
            )
        if not r.ok and _is_free_text(value) and warnings is not None:
            # the user's own words, read as the TUI reads them: uncertain → unknown, with a warning
            warnings.append(ReadingWarning(path, str(value).strip(), tuple(r.candidates)))
            return AnswerRecord(
                question_id=q.id, stage=q.stage, field=path, raw=raw, status="unknown", source="file"
            )
        if not r.ok:
            raise AnswersFileError(
                f"answers file: {path}: {value!r} is not valid / 无效的答案",
                hint=f"accepted values: {_accepted(q)}; or unknown / skip",
                field=path,
            )
        if r.status != "answered":
            return AnswerRecord(
                question_id=q.id, stage=q.stage, field=path, raw=raw, status=r.status, source="file"
            )
        return AnswerRecord(
            question_id=q.id,
            stage=q.stage,
            field=path,
            raw=raw,
            value=r.value,
            source="file",
            inferred=r.inferred,
        )
    else:
        raise AnswersFileError(
            f"answers file: {path}: wrong type ({type(value).__name__}) / 类型错误",
            hint=f"expected {_accepted(q)}",
            field=path,
        )
    return AnswerRecord(question_id=q.id, stage=q.stage, field=path, raw=raw, value=typed, source="file")


def file_answers_to_records(
    data: Any, bank: QuestionBank | None = None, warnings: list[ReadingWarning] | None = None
) -> dict[str, AnswerRecord]:
    """Answer records (keyed by question id) from a parsed answers file.

    Free text the reader cannot read for certain ("两三百人", "学生用…" where no option fits) is left
    unknown and listed in `warnings` (when a list is given; without one it is an error).

    Raises AnswersFileError (an InputError) naming the field and the accepted values for an unknown
    section or field, a wrong type, or an invalid option. Null values are "not answered".
    """
    bank = bank or load_bank()
    if not isinstance(data, dict):
        raise AnswersFileError(
            "answers file: the top level must be a mapping of sections",
            hint="e.g. `requirements: {pain_points: …}`; see `coach answers-template`",
        )
    sections = sorted({q.field.split(".")[0] for q in bank})
    records: dict[str, AnswerRecord] = {}
    for section, body in data.items():
        if section in TOP_LEVEL_EXTRA:
            if section == "lang" and body not in ("zh", "en", None):
                raise AnswersFileError("answers file: lang must be zh or en", hint="lang: zh", field="lang")
            continue
        if section not in sections:
            raise AnswersFileError(
                f"answers file: unknown section {section!r}",
                hint=f"sections are: {', '.join(sections)} (and lang)",
                field=str(section),
            )
        if body is None:
            continue
        if not isinstance(body, dict):
            raise AnswersFileError(
                f"answers file: section {section!r} must be a mapping of fields",
                hint=f"e.g. {section}:\\n  <field>: <answer>",
                field=str(section),
            )
        for name, value in body.items():
            path = f"{section}.{name}"
            if path in SETTINGS:
                continue  # read by the document side (agent.deliverables.answers_file.scoring_weights)
            q = bank.by_field(path)
            if q is None:
                names = [qq.field.split(".")[1] for qq in bank if qq.field.startswith(section + ".")]
                raise AnswersFileError(
                    f"answers file: unknown field {path!r}",
                    hint=f"fields of {section}: {', '.join(names)}",
                    field=path,
                )
            if value is None:
                continue
            records[q.id] = _record(q, value, warnings)
    return records
