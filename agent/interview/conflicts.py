"""Conflicting answers in the interview: right after the answer that creates a conflict the coach
asks which reading holds (`agent.consistency`), and records the one chosen.

The question is the state's `pending_conflict` (kept apart from any other pending confirmation);
while it is pending, the question the cursor reached waits. `/skip` leaves the conflict open: the
documents and report.json then list it.
"""

from __future__ import annotations

from agent.consistency import find_conflicts, resolve, signature
from agent.interview.builder import TurnBuilder
from agent.interview.state import InterviewState
from agent.interview.text import t
from agent.questions import QuestionBank
from agent.snapshot import Conflict, QuestionView

CONFLICT_PREFIX = "conflict:"
"""Question-view ids of a conflict question (`conflict:<id>`)."""


def ask_if_new(tb: TurnBuilder) -> None:
    """After an answer: ask about a conflict it created (one at a time)."""
    now = tb.now()
    if now.pending_conflict is not None or now.answers is tb.state.answers:
        return
    before = {
        c.id for c in find_conflicts(tb.state.answers, tb.lang, tb.deps.bank, tb.state.resolved_conflicts)
    }
    new = [c for c in tb.evaluation().conflicts if c.id not in before]
    if new:
        tb.say("notice", t("conflict_found", tb.lang, message=new[0].message))
        tb.update["pending_conflict"] = new[0].id


def pending(state: InterviewState, bank: QuestionBank) -> Conflict | None:
    """The conflict the user is asked about, while it still stands."""
    if state.pending_conflict is None:
        return None
    conflicts = find_conflicts(state.answers, state.lang, bank, state.resolved_conflicts)
    return next((c for c in conflicts if c.id == state.pending_conflict), None)


def conflict_view(state: InterviewState, conflict: Conflict) -> QuestionView:
    """The conflict as a question: which reading holds."""
    return QuestionView(
        id=CONFLICT_PREFIX + conflict.id,
        stage=state.stage,
        text=t("conflict_question", state.lang, message=conflict.message),
        help=t("conflict_help", state.lang),
        type="choice",
        options=[(str(i + 1), r) for i, r in enumerate(conflict.readings)],
    )


def answer(tb: TurnBuilder, text: str) -> None:
    """The user's choice of reading for the pending conflict (a number or the reading's words)."""
    state, bank = tb.state, tb.deps.bank
    conflict = pending(state, bank)
    if conflict is None:  # resolved meanwhile (a revision): nothing to ask
        tb.update["pending_conflict"] = None
        return
    index = _choice(text, conflict.readings)
    if index is None:
        n = len(conflict.readings)
        tb.say("error", t("conflict_pick", tb.lang, n=n))
        return
    records = resolve(conflict, index, state.answers, bank, tb.lang)
    tb.update["answers"] = records
    after = find_conflicts({**state.answers, **records}, tb.lang, bank, state.resolved_conflicts)
    still = next((c for c in after if c.id == conflict.id), None)
    resolved = dict(state.resolved_conflicts)
    if still is not None:  # kept as given: not asked again while the values stand
        resolved[conflict.id] = signature(still)
    tb.update.update(pending_conflict=None, resolved_conflicts=resolved)
    tb.say("echo", t("conflict_resolved", tb.lang, reading=conflict.readings[index]))


def skip(tb: TurnBuilder) -> None:
    """Leave the pending conflict open (listed in the documents and report.json)."""
    tb.update["pending_conflict"] = None
    tb.say("notice", t("conflict_kept", tb.lang))


def _choice(text: str, readings: list[str]) -> int | None:
    text = text.strip().strip("。.").casefold()
    if text.isdigit() and 1 <= int(text) <= len(readings):
        return int(text) - 1
    matches = [i for i, r in enumerate(readings) if text and (text == r.casefold() or text in r.casefold())]
    return matches[0] if len(matches) == 1 else None
