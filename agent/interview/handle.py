"""Interpreting one input: an answer, a follow-up reply, a command, or the user's own question.

Commands come from the one table (`agent.interview.commands`). Plain "跳过"/"skip" and
"不知道"/"don't know" are answers the parser recognises.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from agent.answers import build_profile, build_profile_with_provenance
from agent.interview import conflicts, pending, reading
from agent.interview.builder import TurnBuilder
from agent.interview.commands import parse_command
from agent.interview.navigate import back, confirms_jump, jump, revise, set_depth
from agent.interview.recording import record
from agent.interview.text import t
from agent.parsing import is_confirmation, is_skip, looks_like_question
from agent.questions import Question
from agent.signals import inferred_values
from agent.snapshot import AnswerRecord, CoachMessage
from agent.types import STAGES

_QUESTION_END = re.compile(r"[?？]\s*$|吗\s*$|呢\s*$")
_PICK_PARTS = re.compile(r"[,，、\s]+")


def handle(tb: TurnBuilder, raw: str) -> None:
    """Interpret `raw` and fill `tb` with messages and state changes."""
    text = raw.strip()
    state = tb.state
    if state.pending_jump is not None and not confirms_jump(text, state.pending_jump):
        tb.update["pending_jump"] = None
    if state.pending_conflict is not None and parse_command(text) is None:
        tb.said = [CoachMessage(kind="user", text=text[:2000])] if text else []
        conflicts.answer(tb, text)
        return
    if not text:
        if not _confirm_suggestion(tb, text) and not _keep_current(tb):
            tb.say("error", t("empty", tb.lang))
        return
    if parse_command(text) is not None:
        if state.reading is not None:
            tb.update["reading"] = None
        command(tb, text)
        return
    q = tb.question()
    if q is not None and state.reading is not None and pending.resolve(tb, q, text):
        tb.said = said(tb, tb.shown.get(q.id, text))  # the transcript keeps the value picked
        return
    if state.follow_up is not None and q is not None:
        if looks_like_question(text, q):
            ask(tb, text)
        elif is_skip(text):
            tb.say("notice", t("follow_up_skipped", tb.lang))
            tb.update.update(follow_up=None, question_id=None)
            tb.move = True
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
    profile, provenance = build_profile_with_provenance(tb.state.answers, tb.state.project, tb.deps.bank)
    value = reading.suggestion(q, profile, provenance)
    if value is None:
        return False
    record(tb, q, reading.Outcome(record=reading.confirmed_record(q, text, value)))
    if not text:  # the transcript keeps the question and the value confirmed, as the echo shows it
        tb.said = said(tb, tb.shown.get(q.id, ""))
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
    value = reading.current_label(q, rec, tb.lang)
    tb.said = said(tb, value)
    tb.say("echo", t("kept", tb.lang, label=q.label[tb.lang], value=value))
    tb.update.update(revising=None, question_id=None, follow_up=None)
    tb.move = True
    return True


def answer(tb: TurnBuilder, q: Question, text: str) -> None:
    """Parse (and in LLM mode extract) an answer; record it or ask again with the error."""
    base = reading.guided(q, text, tb.lang)
    outcome = base
    helper, extract = tb.helper, tb.deps.extract
    if (
        helper is not None
        and extract is not None
        and base.uncertain is None  # an uncertain reading is asked back, never guessed by a model
        and reading.wants_model(q, base)
        and helper.budget_left()
    ):
        profile = build_profile(tb.state.answers, tb.state.project, tb.deps.bank)
        outcome = extract(q, text, tb.lang, profile, base)
        tb.model_failed()
    if outcome.record is None:
        if outcome.uncertain is not None:
            pending.ask_back(tb, q, text, outcome.uncertain)
            return
        tb.say("error", outcome.error or t("empty", tb.lang))
        return
    record(tb, q, outcome)


def file_record(tb: TurnBuilder, rec: AnswerRecord) -> None:
    """A ready-made answer record (answers file) for the pending question; the model may add fields."""
    q = tb.question()
    if q is None or rec.question_id != q.id:
        tb.say(
            "error",
            f"record for {rec.question_id} does not answer the pending question {tb.state.question_id}",
        )
        return
    rec = rec.model_copy(update={"stage": q.stage, "field": q.field, "at": rec.at or datetime.now(UTC)})
    outcome = reading.Outcome(record=rec)
    helper, extract = tb.helper, tb.deps.extract
    if (
        helper is not None
        and extract is not None
        and q.type == "text"
        and rec.status == "answered"
        and rec.raw
        and helper.budget_left()
    ):
        profile = build_profile(tb.state.answers, tb.state.project, tb.deps.bank)
        outcome = extract(q, rec.raw, tb.lang, profile, outcome)
        tb.model_failed()
        if outcome.record is not None:
            outcome.record = outcome.record.model_copy(update={"source": "file"})
        outcome.follow_up = None
    record(tb, q, outcome)


def follow_up_reply(tb: TurnBuilder, q: Question, text: str) -> None:
    """The reply to the model's follow-up: more fields for the same answer record."""
    rec = tb.state.answers.get(q.id)
    follow_up = tb.state.follow_up or ""
    tb.update.update(follow_up=None, question_id=None)
    tb.move = True
    if rec is None:  # pragma: no cover - a follow-up always follows a recorded answer
        return
    inferred = {k: v for k, v in inferred_values(text).items() if k != q.field}
    value = rec.value
    understood = None
    extract = tb.deps.extract
    if tb.helper is not None and extract is not None and tb.helper.budget_left():
        profile = build_profile(tb.state.answers, tb.state.project, tb.deps.bank)
        base = reading.Outcome(record=rec.model_copy(update={"inferred": {**rec.inferred, **inferred}}))
        outcome = extract(q, text, tb.lang, profile, base, follow_up=follow_up)
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
    outcome = reading.Outcome(record=merged, understood=understood)
    record(tb, q, outcome, quiet=True)
    tb.update.update(follow_up=None, question_id=None)
    tb.move = True


def ask(tb: TurnBuilder, query: str) -> None:
    """Answer the user's own question with citations; the pending question stays."""
    msgs, notice = tb.deps.ask(query, tb.lang, tb.state.stage)
    tb.msgs.extend(msgs)
    if notice and tb.notice is None:
        tb.notice = notice


def command(tb: TurnBuilder, text: str) -> None:
    """Carry out a slash command of the one table; a front-end one becomes the turn's action."""
    parsed = parse_command(text)
    assert parsed is not None
    spec, arg, lang = parsed.spec, parsed.arg, tb.lang
    if spec is None:
        tb.say("error", t("unknown_command", lang, cmd="/" + parsed.word))
    elif spec.name == "help":
        tb.action = "help"
        tb.say("notice", t("help", lang, stages=", ".join(s.value for s in STAGES)))
    elif spec.scope == "front":
        tb.action = spec.name  # type: ignore[assignment]
    elif spec.name == "skip":
        skip(tb)
    elif spec.name == "back":
        back(tb)
    elif spec.name == "revise":
        revise(tb, arg)
    elif spec.name == "stage":
        jump(tb, arg)
    elif spec.name == "depth":
        set_depth(tb, arg)
    elif spec.name == "ask":
        if arg:
            ask(tb, arg)
        else:
            tb.say("error", t("ask_usage", lang))
    else:  # pragma: no cover - a command added to the table without its handler
        raise AssertionError(f"no handler for /{spec.name}")


def skip(tb: TurnBuilder) -> None:
    """Skip the pending question (an open question), follow-up or conflict."""
    if tb.state.pending_conflict is not None:
        conflicts.skip(tb)
        return
    if tb.state.follow_up is not None:
        tb.say("notice", t("follow_up_skipped", tb.lang))
        tb.update.update(follow_up=None, question_id=None)
        tb.move = True
        return
    q = tb.question()
    if q is None:
        tb.say("notice", t("done_input", tb.lang))
        return
    record(tb, q, reading.Outcome(record=reading.skipped_record(q, "/skip")))


def said(tb: TurnBuilder, text: str) -> list[CoachMessage]:
    """The question that was pending (for an answer, not a command) and what the user typed, as
    the transcript keeps them: a choice is kept as its label, as the echo shows it."""
    state = tb.state
    text = text.strip()
    if not text:
        return []
    q = tb.question()
    out: list[CoachMessage] = []
    if q is not None and parse_command(text) is None:
        if state.follow_up is not None:
            asked = state.follow_up
        else:
            profile = build_profile(state.answers, state.project, tb.deps.bank) if q.variants else None
            asked = q.wording(state.lang, profile)[0]
        out.append(CoachMessage(kind="question", text=asked))
        if q.id in tb.shown and _is_pick(q, text):
            text = tb.shown[q.id]
    out.append(CoachMessage(kind="user", text=text[:2000]))
    return out


def _is_pick(q: Question, text: str) -> bool:
    """Whether `text` picks options by number, letter or value ("2", "B", "1,3", "bank") rather
    than saying something in the user's own words (which the transcript keeps as typed)."""
    if q.type not in ("choice", "multi", "yesno"):
        return False
    values = {o.value for o in q.options}
    parts = [p for p in _PICK_PARTS.split(text.strip()) if p]
    return bool(parts) and all(p.isdigit() or (len(p) == 1 and p.isalpha()) or p in values for p in parts)
