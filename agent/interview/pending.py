"""A reading to confirm: an answer the reader could not read for certain ("两三百人", "先试点50人，
明年推广到5000人") is not recorded. The coach shows what it read and asks which value was meant,
with the candidates as numbered choices; the user's pick is recorded (source `confirmed`, with the
words they first typed). Anything else typed instead is read as a new answer.

Self-contained: one state field (`InterviewState.reading`), the handling of the next input
(`resolve`) and the question view while a reading waits (`view_asking`).
"""

from __future__ import annotations

from typing import Any

from agent.interview.builder import TurnBuilder
from agent.interview.reading import Outcome, make_record
from agent.interview.reading_state import PendingReading
from agent.interview.recording import record
from agent.interview.text import t
from agent.parsing import ParseResult
from agent.questions import Question
from agent.signals import normalise
from agent.snapshot import QuestionView
from agent.words import word_set

_YES = word_set("answers", "yes") | word_set("answers", "confirm")


def ask_back(tb: TurnBuilder, q: Question, text: str, result: ParseResult) -> None:
    """Nothing is recorded: keep the reading and ask which value was meant."""
    lang = tb.lang
    why = result.error or ""
    if "：" in why and lang == "zh":  # the reason without the "无法理解…：" lead and the other language
        why = why.split("：", 1)[1].split("（", 1)[0]
    elif ": " in why:
        why = why.split(": ", 1)[1].split(" (", 1)[0]
    pending = PendingReading(question_id=q.id, text=text, candidates=list(result.candidates), why=why)
    tb.update["reading"] = pending
    tb.say("notice", t("reading_ask", lang, text=text, question=_asking(q, pending, lang)))


def _asking(q: Question, pending: PendingReading, lang: str) -> str:
    labels = [q.value_label(c, lang) for c in pending.candidates]  # type: ignore[arg-type]
    if len(labels) == 1:
        return t("reading_one", lang, value=labels[0])
    sep = "、" if lang == "zh" else ", "
    return t("reading_many", lang, values=sep.join(f"{i}) {v}" for i, v in enumerate(labels, 1)))


def resolve(tb: TurnBuilder, q: Question, text: str) -> bool:
    """The input after an ask-back: a candidate's number (or "是"/"yes" for a single candidate)
    records that value; True when it did. Anything else clears the reading (False: read it as a
    new answer)."""
    pending = tb.state.reading
    if pending is None:
        return False
    tb.update["reading"] = None
    if pending.question_id != q.id:
        return False
    word = normalise(text).strip().rstrip("。.!！")
    value: Any = None
    if word.isdigit() and 1 <= int(word) <= len(pending.candidates):
        value = pending.candidates[int(word) - 1]
    elif word in _YES and len(pending.candidates) == 1:
        value = pending.candidates[0]
    if value is None:
        return False
    rec = make_record(q, pending.text, value, "answered", "confirmed", {})
    record(tb, q, Outcome(record=rec))
    return True


def view_asking(view: QuestionView, q: Question, pending: PendingReading | None, lang: str) -> QuestionView:
    """The pending question shown as the ask-back while a reading waits: the reading, and the
    candidates as numbered choices."""
    if pending is None or pending.question_id != q.id or not pending.candidates:
        return view
    options = [(str(i), q.value_label(c, lang)) for i, c in enumerate(pending.candidates, 1)]  # type: ignore[arg-type]
    return view.model_copy(
        update={
            "text": t("reading_which", lang, text=pending.text)
            if len(options) > 1
            else t("reading_which_one", lang, value=options[0][1]),
            "help": t("reading_help", lang, why=pending.why),
            "type": "choice",
            "options": options,
            "suggested": None,
        }
    )
