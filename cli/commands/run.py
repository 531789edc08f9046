"""`coach run --answers FILE --out DIR [--format …] [--lang …] [--strict]`: a scripted, non-interactive run.

The answers file is loaded safely (line numbers kept), validated against `coach schema`, turned into
answer records and driven through the same interview steps as the TUI (`graphs.scripted`); then
every deliverable and `report.json` are written atomically. Invalid input exits 2 with file, line and field, writing nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.answers_schema import ReadingWarning
    from agent.snapshot import AnswerRecord, ProjectSnapshot


def default_lang() -> str:
    """The configured language (COACH_LANG / config file), zh when unset or unreadable."""
    try:
        from agent.config import load_settings

        return load_settings().lang
    except Exception:
        return "zh"


def _records(
    data: dict[str, Any], file: Path, table: dict[Any, int], warnings: list[ReadingWarning] | None = None
) -> dict[str, AnswerRecord]:
    """Answer records of the file; a domain error gets the file and line of the field it names.
    Free text that cannot be read for certain is left unknown and added to `warnings`."""
    from agent.answers_schema import file_answers_to_records
    from agent.errors import InputError

    try:
        return file_answers_to_records(data, warnings=warnings)
    except InputError as exc:
        field = getattr(exc, "field", None)
        if not field:
            match = re.search(r"([a-z_]+\.[a-z_]+)", exc.message)
            field = match.group(1) if match else None
        line = table.get(tuple(field.split("."))) if field else None
        message = exc.message.removeprefix("answers file: ")
        if field and f"`{field}`" not in message:
            message = f"field `{field}`: {message.removeprefix(field + ': ')}"
        raise InputError(f"{file}:{line or '?'}: {message}", hint=exc.hint) from exc


def evaluate(
    name: str,
    records: dict[str, AnswerRecord],
    lang: str,
    notices: list[str] | None = None,
    *,
    scoring_weights: dict[str, float] | None = None,
) -> ProjectSnapshot:
    """Drive the answers through the interview's steps (same step and rules as the TUI); the
    model-fallback notices of the run are appended to `notices`. `scoring_weights`: the answers
    file's own weights for the model-selection matrix (None: the defaults)."""
    from graphs.scripted import run_answers

    snapshot = run_answers(name, records, lang=lang, notices=notices)  # type: ignore[arg-type]
    return snapshot.model_copy(update={"scoring_weights": scoring_weights}) if scoring_weights else snapshot


def _strict_check(snapshot: ProjectSnapshot, file: Path) -> None:
    from agent.errors import InputError

    if not snapshot.open_questions:
        return
    shown = "\n".join(f"  - {q.field}: {q.text}" for q in snapshot.open_questions[:15])
    more = f"\n  (+{len(snapshot.open_questions) - 15} more)" if len(snapshot.open_questions) > 15 else ""
    raise InputError(
        f"{file}: {len(snapshot.open_questions)} question(s) unanswered (--strict) / 存在未回答的问题:\n{shown}{more}",
        hint="answer them in the file, or run without --strict to list them as open questions",
    )


def print_summary(
    snapshot: ProjectSnapshot, out: Path, written: list[Path], lang: str, notices: Sequence[str] = ()
) -> None:
    """A short summary: where the files went, readiness per stage, pitfalls by severity, and in
    LLM mode the model's calls, tokens and fallbacks (the fallbacks' reasons on stderr)."""
    from agent.cleantext import clean_text
    from agent.deliverables.report import severity_counts
    from agent.types import SEVERITY_ORDER, STAGE_TITLES, STAGES

    zh = lang == "zh"
    name = clean_text(snapshot.profile.project.name or snapshot.name)
    print(f"{name}: {len(written)} {'个文件已写入' if zh else 'files written to'} {out}")
    print("就绪度：" if zh else "Readiness:")
    for stage in STAGES:
        score = int(snapshot.readiness.get(stage, 0))
        bar = "█" * (score // 10) + "░" * (10 - score // 10)
        print(f"  {bar} {score:3d}  {STAGE_TITLES[stage][lang]}")
    counts = severity_counts(snapshot)
    label = {"high": "高" if zh else "high", "medium": "中" if zh else "medium", "low": "低" if zh else "low"}
    summary = " · ".join(f"{label[k]} {counts[k]}" for k in ("high", "medium", "low"))
    print(f"{'风险' if zh else 'Pitfalls'}: {summary}")
    for f in sorted(snapshot.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9)):
        print(f"  [{label[f.severity]}] {clean_text(f.title)} ({STAGE_TITLES[f.stage][lang]})")
    if snapshot.gaps:  # pitfalls not yet assessed: never counted among the risks above
        print(f"{'尚未评估（不算风险）' if zh else 'Not yet assessed (not risks)'}: {len(snapshot.gaps)}")
    print(f"{'待确认问题' if zh else 'Open questions'}: {len(snapshot.open_questions)}")
    if snapshot.mode == "llm":
        u = snapshot.usage
        print(
            f"模型 {snapshot.model_name}：调用 {u.calls} 次 · 令牌 {u.total_tokens:,} · 回退 {u.failures} 次"
            if zh
            else f"Model {snapshot.model_name}: {u.calls} calls · {u.total_tokens:,} tokens · {u.failures} fallbacks"
        )
        for notice in notices:
            print(f"  ! {clean_text(notice)}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Validate, evaluate, write; 0 on success, 2 (InputError) on invalid input."""
    from agent.answers_schema import answers_json_schema, not_applying
    from agent.deliverables.answers_file import load_answers_file, scoring_weights, validate_answers
    from agent.deliverables.export import export_deliverables, parse_formats
    from agent.errors import InputError

    formats = parse_formats(args.format)
    lang = default_lang()
    file = Path(args.answers)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError(
            f"{out}: exists and is not a directory / 输出路径不是目录", hint="choose another --out"
        )
    data, table = load_answers_file(file)
    validate_answers(data, answers_json_schema(), file, table, value_depth=2)
    weights = scoring_weights(data, file, table)
    warnings: list[ReadingWarning] = []
    records = _records(data, file, table, warnings)
    file_lang = data.get("lang")
    lang = args.lang or (file_lang if file_lang in ("zh", "en") else None) or lang
    for warning in warnings:
        line = table.get(tuple(warning.field.split(".")))
        print(f"{file}:{line or '?'}: {warning.line(lang)}", file=sys.stderr)
    if args.strict and warnings:
        raise InputError(
            f"{file}: {len(warnings)} answer(s) could not be read for certain (--strict) / 存在无法确定的答案",
            hint="state them in the file (a number, an option), or run without --strict to leave them unknown",
        )
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    name = str((project or {}).get("name") or file.stem)
    notices: list[str] = []
    snapshot = evaluate(name, records, lang, notices, scoring_weights=weights)
    for stated in not_applying(records, snapshot.profile):  # recorded all the same, never silent
        print(
            f"{file}:{table.get(tuple(stated.field.split('.'))) or '?'}: {stated.line(lang)}", file=sys.stderr
        )
    if args.strict:
        _strict_check(snapshot, file)
    written = export_deliverables(snapshot, out, formats=formats, lang=lang)
    print_summary(snapshot, out, written, lang, notices)
    sys.stdout.flush()
    return 0
