"""Interpreting one input: an answer, a follow-up reply, a command, or the user's own question.

Commands: /skip, /back, /revise <id|field>, /stage <name>, /ask <question>, /help. Plain
"跳过"/"skip" and "不知道"/"don't know" are answers the parser recognises.
"""

from __future__ import annotations

import re

from agent.answers import build_profile, build_profile_with_provenance
from agent.parsing import is_confirmation, is_skip, looks_like_question
from agent.questions import Question
from agent.types import STAGE_TITLES, STAGES, Lang, Stage
from graphs import answering, asking
from graphs.nodes.recording import record
from graphs.nodes.turn import TurnBuilder, said
from graphs.text import join, stage_title, t

_QUESTION_END = re.compile(r"[?？]\s*$|吗\s*$|呢\s*$")


def handle(tb: TurnBuilder, raw: str) -> None:
    """Interpret `raw` and fill `tb` with messages and state changes."""
    text = raw.strip()
    state = tb.state
    if state.pending_jump is not None and not _confirms_jump(text, state.pending_jump):
        tb.update["pending_jump"] = None
    if not text:
        if not _confirm_suggestion(tb, text) and not _keep_current(tb):
            tb.say("error", t("empty", tb.lang))
        return
    if text.startswith("/"):
        command(tb, text)
        return
    q = tb.question()
    if state.follow_up is not None and q is not None:
        if looks_like_question(text, q):
            ask(tb, text)
        elif is_skip(text):
            tb.say("notice", t("follow_up_skipped", tb.lang))
            tb.update.update(follow_up=None, question_id=None, advance=True)
        else:
            follow_up_reply(tb, q, text)
        return
    if q is None:
        if _QUESTION_END.search(text):
            ask(tb, text)
        else:
            tb.say("notice", t("done_input", tb.lang))
        return
    if is_confirmation(q, text) and _confirm_suggestion(tb, text):
        return
    if looks_like_question(text, q):
        ask(tb, text)
        return
    answer(tb, q, text)


def _confirm_suggestion(tb: TurnBuilder, text: str) -> bool:
    """Record the value inferred earlier for the pending question, which the user just confirmed
    (Enter on an empty answer, or a confirmation word); False when there is nothing to confirm."""
    q = tb.question()
    if q is None or tb.state.follow_up is not None:
        return False
    profile, provenance = build_profile_with_provenance(tb.state.answers, tb.state.project, tb.ctx.bank)
    value = answering.suggestion(q, profile, provenance)
    if value is None:
        return False
    if not text:  # the transcript keeps the question and the value confirmed, as the front shows them
        tb.said = said(tb.state, tb.ctx, q.value_label(value, tb.lang))
    record(tb, q, answering.Outcome(record=answering.confirmed_record(q, text, value)))
    return True


def _keep_current(tb: TurnBuilder) -> bool:
    """Enter on an empty answer to a question asked again (/back, /revise) keeps its answer and
    moves on; False when the pending question has no answer yet."""
    q = tb.question()
    if q is None or tb.state.follow_up is not None:
        return False
    rec = tb.state.answers.get(q.id)
    if rec is None:
        return False
    value = answering.current_label(q, rec, tb.lang)
    tb.said = said(tb.state, tb.ctx, value)
    tb.say("echo", t("kept", tb.lang, label=q.label[tb.lang], value=value))
    tb.update.update(revising=None, question_id=None, follow_up=None, advance=True)
    return True


def answer(tb: TurnBuilder, q: Question, text: str) -> None:
    """Parse (and in LLM mode extract) an answer; record it or ask again with the error."""
    base = answering.guided(q, text, tb.lang)
    outcome = base
    helper = tb.helper
    if helper is not None and answering.wants_model(q, base) and helper.budget_left():
        profile = build_profile(tb.state.answers, tb.state.project, tb.ctx.bank)
        outcome = answering.with_model(
            q, text, tb.lang, profile, base, helper, tb.ctx.bank.stage_questions(q.stage)
        )
        tb.model_failed()
    if outcome.record is None:
        tb.say("error", outcome.error or t("empty", tb.lang))
        return
    record(tb, q, outcome)


def file_record(tb: TurnBuilder, data: dict[str, object]) -> None:
    """A ready-made answer record (answers file) for the pending question; the model may add fields."""
    from datetime import UTC, datetime

    from agent.snapshot import AnswerRecord

    rec = AnswerRecord.model_validate(data)
    q = tb.question()
    if q is None or rec.question_id != q.id:
        tb.say(
            "error",
            f"record for {rec.question_id} does not answer the pending question {tb.state.question_id}",
        )
        return
    rec = rec.model_copy(update={"stage": q.stage, "field": q.field, "at": rec.at or datetime.now(UTC)})
    outcome = answering.Outcome(record=rec)
    helper = tb.helper
    if (
        helper is not None
        and q.type == "text"
        and rec.status == "answered"
        and rec.raw
        and helper.budget_left()
    ):
        profile = build_profile(tb.state.answers, tb.state.project, tb.ctx.bank)
        outcome = answering.with_model(
            q, rec.raw, tb.lang, profile, outcome, helper, tb.ctx.bank.stage_questions(q.stage)
        )
        tb.model_failed()
        if outcome.record is not None:
            outcome.record = outcome.record.model_copy(update={"source": "file"})
        outcome.follow_up = None
    record(tb, q, outcome)


def follow_up_reply(tb: TurnBuilder, q: Question, text: str) -> None:
    """The reply to the model's follow-up: more fields for the same answer record."""
    from agent.signals import inferred_values

    rec = tb.state.answers.get(q.id)
    follow_up = tb.state.follow_up or ""
    tb.update.update(follow_up=None, question_id=None, advance=True)
    if rec is None:  # pragma: no cover - a follow-up always follows a recorded answer
        return
    inferred = {k: v for k, v in inferred_values(text).items() if k != q.field}
    value = rec.value
    understood = None
    if tb.helper is not None and tb.helper.budget_left():
        profile = build_profile(tb.state.answers, tb.state.project, tb.ctx.bank)
        base = answering.Outcome(record=rec.model_copy(update={"inferred": {**rec.inferred, **inferred}}))
        outcome = answering.with_model(
            q,
            text,
            tb.lang,
            profile,
            base,
            tb.helper,
            tb.ctx.bank.stage_questions(q.stage),
            follow_up=follow_up,
        )
        tb.model_failed()
        if outcome.record is not None:
            inferred = {
                k: v
                for k, v in outcome.record.inferred.items()
                if k not in rec.inferred or rec.inferred[k] != v
            }
            value = rec.value if rec.value is not None else outcome.record.value
            understood = outcome.understood
    merged = rec.model_copy(
        update={"raw": f"{rec.raw} / {text}", "value": value, "inferred": {**rec.inferred, **inferred}}
    )
    outcome = answering.Outcome(record=merged, understood=understood)
    record(tb, q, outcome, quiet=True)
    tb.update.update(follow_up=None, question_id=None, advance=True)


def ask(tb: TurnBuilder, query: str) -> None:
    """Answer the user's own question with citations; the pending question stays."""
    msgs, notice = asking.answer(
        query,
        lang=tb.lang,
        stage=tb.state.stage,
        retriever=tb.ctx.retriever,
        helper=tb.helper,
        on_token=tb.ctx.on_token,
    )
    tb.msgs.extend(msgs)
    if notice and tb.notice is None:
        tb.notice = notice


def command(tb: TurnBuilder, text: str) -> None:
    """Dispatch a slash command."""
    name, _, arg = text[1:].partition(" ")
    name, arg = name.strip().lower(), arg.strip()
    lang = tb.lang
    if name in ("help", "h", "?", "帮助"):
        tb.say("notice", t("help", lang, stages=", ".join(s.value for s in STAGES)))
    elif name in ("skip", "跳过"):
        skip(tb)
    elif name in ("back", "返回", "上一题"):
        back(tb)
    elif name in ("revise", "修改"):
        revise(tb, arg)
    elif name in ("stage", "阶段"):
        from graphs.nodes.jump import jump

        jump(tb, arg)
    elif name in ("ask", "问"):
        if arg:
            ask(tb, arg)
        else:
            tb.say("error", t("ask_usage", lang))
    else:
        tb.say("error", t("unknown_command", lang, cmd="/" + name))


def skip(tb: TurnBuilder) -> None:
    """Skip the pending question (an open question) or the pending follow-up."""
    if tb.state.follow_up is not None:
        tb.say("notice", t("follow_up_skipped", tb.lang))
        tb.update.update(follow_up=None, question_id=None, advance=True)
        return
    q = tb.question()
    if q is None:
        tb.say("notice", t("done_input", tb.lang))
        return
    outcome = answering.Outcome(record=answering.skipped_record(q, "/skip"))
    record(tb, q, outcome)


def back(tb: TurnBuilder) -> None:
    """Re-ask the question answered before the pending one."""
    history = tb.state.history
    current = tb.state.question_id
    idx = history.index(current) - 1 if current in history else len(history) - 1
    if idx < 0:
        tb.say("error", t("back_first", tb.lang))
        return
    target = tb.ctx.bank.find(history[idx])
    if target is None:  # the bank changed since: nothing sensible to go back to
        tb.say("error", t("back_first", tb.lang))
        return
    _reask(tb, target, "back")


def revise(tb: TurnBuilder, arg: str) -> None:
    """Re-ask an earlier question by id or field path."""
    bank = tb.ctx.bank
    example = tb.state.history[0] if tb.state.history else bank.questions[0].id
    if not arg:
        tb.say("error", t("revise_usage", tb.lang, example=example))
        return
    q = bank.find(arg) or bank.by_field(arg) or _by_label(tb, arg)
    if q is None:
        tb.say("error", t("revise_unknown", tb.lang, arg=arg, example=example))
        return
    _reask(tb, q, "revise_start")


def _by_label(tb: TurnBuilder, arg: str) -> Question | None:
    """The question whose label (as the coach quotes it, 已记录「业务痛点」) is `arg`, in
    either language."""
    key = arg.strip().strip("「」“”\"'").strip().casefold()
    found = [q for q in tb.ctx.bank.questions if key in (label.casefold() for label in q.label.values())]
    return found[0] if len(found) == 1 else None


def _reask(tb: TurnBuilder, q: Question, key: str) -> None:
    rec = tb.state.answers.get(q.id)
    value = q.value_label(rec.value, tb.lang) if rec is not None else "—"
    tb.say("notice", t(key, tb.lang, label=q.label[tb.lang], value=value))
    tb.update.update(revising=q.id, stage=q.stage, question_id=None, follow_up=None, advance=True)


def _confirms_jump(text: str, target: Stage) -> bool:
    name, _, arg = text.lstrip("/").partition(" ")
    return text.startswith("/") and name.lower() in ("stage", "阶段") and parse_stage(arg) == target


def parse_stage(arg: str) -> Stage | None:
    """A stage from its name, number (1–7), or title (either language)."""
    arg = arg.strip().lower()
    if not arg:
        return None
    if arg.isdigit() and 1 <= int(arg) <= len(STAGES):
        return STAGES[int(arg) - 1]
    for s in STAGES:
        titles = STAGE_TITLES[s]
        if arg == s.value or arg == titles["zh"].lower() or arg == titles["en"].lower():
            return s
    matches = [s for s in STAGES if s.value.startswith(arg) or titles_contain(s, arg)]
    return matches[0] if len(matches) == 1 else None


def titles_contain(stage: Stage, arg: str) -> bool:
    return any(arg in title.lower() for title in STAGE_TITLES[stage].values())


def stage_list(lang: Lang) -> str:
    """`requirements（需求分析与场景定位）…` for messages."""
    return join(
        [
            f"{s.value}（{stage_title(s, lang)}）" if lang == "zh" else f"{s.value} ({stage_title(s, lang)})"
            for s in STAGES
        ],
        lang,
    )  # type: ignore[arg-type]
