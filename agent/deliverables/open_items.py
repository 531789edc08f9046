"""An open question as a document's reader meets it: the question in the document's language,
what it refers to, whether it was answered "don't know" or skipped, and who should answer it —
never a field path (`requirements.audience` means nothing to a steering committee; `report.json`
keeps the fields).

Who answers comes from `knowledge/templates/open_questions.yaml`: the person or team the answers
name for that area (the data governance owner, the operations owners), else the role that owns the
question's stage.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from agent.deliverables.context import OpenItem, md_escape
from agent.deliverables.labels import TEMPLATES_DIR, field_label, format_value, load_yaml
from agent.snapshot import ProjectSnapshot


@cache
def _config() -> dict[str, Any]:
    return dict(load_yaml(TEMPLATES_DIR / "open_questions.yaml"))


def _stage(path: str) -> str | None:
    from agent.questions import load_bank

    question = load_bank().by_field(path)
    if question is not None:
        return str(question.stage)
    return _config()["prefixes"].get(path.split(".", 1)[0])


def answerer(path: str, snapshot: ProjectSnapshot, lang: str) -> str | None:
    """Who should answer the question of `path`: the person the answers name for its area, with
    the role, or the role alone; None when no role owns it."""
    stage = _stage(path)
    role = _config()["roles"].get(stage) if stage else None
    if role is None:
        return None
    title = role["en" if lang == "en" else "zh"]
    named_by = role.get("named_by")
    named = format_value(snapshot.profile.get(named_by), lang, named_by) if named_by else None
    if named:  # the role first: a team's name may carry brackets of its own
        return f"{title}（据回答：{named}）" if lang != "en" else f"{title} ({named}, as answered)"
    return str(title)


def question_id(snapshot: ProjectSnapshot, path: str) -> str:
    """The id of the answered question that records `path` ('' when none does)."""
    return next((r.question_id for r in snapshot.answers.values() if r.field == path), "")


def said_dont_know(snapshot: ProjectSnapshot, question_id: str) -> bool:
    """Did the user answer this question "don't know" (in the interview, or `unknown` in an answers
    file)? A question an answers file leaves out is recorded unknown too, with no words: that is
    no answer at all."""
    record = snapshot.answers.get(question_id) if question_id else None
    return record is not None and record.status == "unknown" and bool(record.raw.strip())


def line(item: OpenItem, snapshot: ProjectSnapshot, lang: str) -> str:
    """The open question as one list item's Markdown text (without the bullet)."""
    en = lang == "en"
    question = item.question
    about = _config()["refers_to"].get(item.field)
    referred = format_value(snapshot.profile.get(about), lang, about) if about else None
    if referred:
        label = field_label(about, lang)
        question += f" ({label}: {referred})" if en else f"（{label}：{referred}）"
    notes = []
    who = answerer(item.field, snapshot, lang)
    if who:
        spaced = f" {who}" if who[:1].isascii() else who  # "由 IT 架构师", "由运营负责人"
        notes.append(f"to be answered by {who}" if en else f"建议由{spaced}回答")
    if said_dont_know(snapshot, item.question_id):
        notes.append("answered “don't know” so far" if en else "此前回答“不知道”")
    elif item.reason == "skipped":
        notes.append("skipped so far" if en else "此前跳过")
    if not notes:
        return md_escape(question)
    return md_escape(question) + (f" — {'; '.join(notes)}." if en else f"——{'；'.join(notes)}。")
