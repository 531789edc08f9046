"""The turn node: wait for the user's input (`interrupt`) and interpret it.

Nothing happens before `interrupt()`, so re-running the node on resume is harmless, and the
answer is handled in the same step that received it: a process killed mid-answer resumes at the
same question with every earlier answer intact (the last checkpoint is the interrupt).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from langgraph.errors import GraphBubbleUp
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agent.questions import Question
from agent.scrub import scrub, scrub_key
from agent.snapshot import CoachMessage
from agent.types import Citation
from graphs.context import Context
from graphs.model_calls import ModelHelper
from graphs.state import CoachState, NewTurn
from graphs.text import t


@dataclass
class TurnBuilder:
    """Collects one turn's messages and state changes."""

    state: CoachState
    ctx: Context
    helper: ModelHelper | None
    msgs: list[CoachMessage] = field(default_factory=list)
    update: dict[str, Any] = field(default_factory=dict)
    notice: str | None = None
    said: list[CoachMessage] = field(default_factory=list)
    """The question asked and the user's input, for the transcript only (the front shows them
    already); a resumed project replays them."""

    @property
    def lang(self) -> Any:
        return self.state.lang

    def say(self, kind: str, text: str, citations: list[Citation] | None = None) -> None:
        self.msgs.append(CoachMessage(kind=kind, text=text, citations=citations or []))  # type: ignore[arg-type]

    def question(self) -> Question | None:
        qid = self.state.question_id
        return self.ctx.bank.find(qid) if qid else None

    def model_failed(self) -> None:
        """Turn the helper's failure into the turn's one-line notice."""
        if self.helper is not None and self.helper.notice and self.notice is None:
            self.notice = t("model_fallback", self.lang, reason=self.helper.notice)

    def result(self) -> dict[str, Any]:
        out = dict(self.update)
        out["outbox"] = NewTurn(self.msgs)
        out["transcript"] = [*self.said, *self.msgs]
        out["notice"] = self.notice
        out.setdefault("advance", False)
        if self.helper is not None and self.helper.usage != self.state.usage:
            out["usage"] = self.helper.usage
            budget = self.ctx.settings.token_budget
            if (
                self.state.usage.total_tokens < budget <= self.helper.usage.total_tokens
                and self.notice is None
            ):
                out["notice"] = t("budget_spent", self.lang, tokens=budget)
        return out


def make_helper(state: CoachState, ctx: Context) -> ModelHelper | None:
    """A model helper for this turn (None in guided mode), counting into a copy of the usage."""
    if ctx.model is None:
        return None
    return ModelHelper(
        model=ctx.model,
        settings=ctx.settings,
        usage=state.usage.model_copy(),
        sleep=ctx.sleep or time.sleep,
    )


def turn(state: CoachState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Ask (pause for input), then handle the input: answer, command, or the user's own question."""
    raw = interrupt({"question_id": state.question_id, "follow_up": state.follow_up})
    from graphs.nodes.handle import handle

    ctx = runtime.context
    tb = TurnBuilder(state=state, ctx=ctx, helper=make_helper(state, ctx))
    try:
        if isinstance(raw, dict) and "record" in raw:
            from graphs.nodes.handle import file_record

            file_record(tb, raw["record"])
        else:
            # a key pasted into an answer must not reach the checkpoint either
            handle(tb, scrub_key(str(raw if raw is not None else ""), ctx.settings))
    except GraphBubbleUp:
        raise
    except Exception as exc:
        # A bug must not wedge the session: a failed node keeps its resume value and would
        # replay this input forever. Say so, record nothing, and ask the same question again.
        tb = TurnBuilder(state=state, ctx=ctx, helper=None)
        error = scrub(f"{type(exc).__name__}: {exc}", ctx.settings)[:200]
        tb.say("error", t("internal_error", state.lang, error=error))
    if not (isinstance(raw, dict) and "record" in raw) and not tb.said:
        tb.said = said(state, ctx, scrub_key(str(raw if raw is not None else ""), ctx.settings))
    return tb.result()


def said(state: CoachState, ctx: Context, text: str) -> list[CoachMessage]:
    """The question that was pending (for an answer, not a command) and what the user typed, as
    the transcript keeps them: a choice sent as its value is kept as its label, as it was shown."""
    text = text.strip()
    if not text:
        return []
    q = ctx.bank.find(state.question_id) if state.question_id else None
    out: list[CoachMessage] = []
    if q is not None and not text.startswith("/"):
        if state.follow_up is not None:
            asked = state.follow_up
        else:
            profile = None
            if q.variants:
                from agent.answers import build_profile

                profile = build_profile(state.answers, state.project, ctx.bank)
            asked = q.wording(state.lang, profile)[0]
        out.append(CoachMessage(kind="question", text=asked))
        labels = dict(q.choices(state.lang))
        parts = [p.strip() for p in text.split(",")] if q.type == "multi" else [text]
        if labels and parts and all(p in labels for p in parts):
            text = ("、" if state.lang == "zh" else ", ").join(labels[p] for p in parts)
    out.append(CoachMessage(kind="user", text=text[:2000]))
    return out
