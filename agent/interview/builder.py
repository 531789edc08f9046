"""The working record of one input: the messages so far, the state changes so far, and the one
evaluation of the project they lead to (asked for by several parts of the step, computed once)."""

from __future__ import annotations

import typing
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from agent.interview.coaching import evaluate
from agent.interview.commands import FrontAction
from agent.interview.deps import StepDeps
from agent.interview.state import InterviewState
from agent.interview.text import t
from agent.llm import ModelCalls
from agent.questions import Question
from agent.snapshot import CoachMessage, MessageKind, ProjectSnapshot
from agent.types import Citation, Lang

_EVALUATED = ("answers", "overrides", "model_findings", "narratives")
"""The state fields an evaluation depends on (stage, done, usage and stale deliverables are only
copied into it)."""


@cache
def _reducers() -> dict[str, Any]:
    """The reducer of each state field that has one (`Annotated[…, reducer]`)."""
    hints = typing.get_type_hints(InterviewState, include_extras=True)
    out: dict[str, Any] = {}
    for name, hint in hints.items():
        extras = getattr(hint, "__metadata__", ())
        if extras and callable(extras[-1]):
            out[name] = extras[-1]
    return out


def apply_changes(state: InterviewState, changes: dict[str, Any]) -> InterviewState:
    """`state` with `changes` applied the way the checkpointer applies them (reducers included)."""
    reducers = _reducers()
    values = {
        k: reducers[k](getattr(state, k), v) if k in reducers else v
        for k, v in changes.items()
        if k in InterviewState.__dataclass_fields__
    }
    return replace(state, **values)


@dataclass
class TurnBuilder:
    """Collects one input's messages and state changes."""

    state: InterviewState
    """The state before the input."""
    deps: StepDeps
    msgs: list[CoachMessage] = field(default_factory=list)
    update: dict[str, Any] = field(default_factory=dict)
    """State changes (reducer inputs, as the checkpointer takes them)."""
    notice: str | None = None
    said: list[CoachMessage] = field(default_factory=list)
    """The question asked and the user's input, for the transcript only (the front shows them
    already); a resumed project replays them."""
    move: bool = False
    """The input was consumed: the cursor moves on to the next question (never stored)."""
    action: FrontAction | None = None
    """A front-end command's request (`/export`…)."""
    shown: dict[str, str] = field(default_factory=dict)
    """The label each recorded answer was echoed with, by question id (converted once)."""
    _memo: tuple[tuple[int, ...], ProjectSnapshot] | None = None

    @property
    def lang(self) -> Lang:
        return self.state.lang

    @property
    def helper(self) -> ModelCalls | None:
        return self.deps.helper

    def say(self, kind: MessageKind, text: str, citations: list[Citation] | None = None) -> None:
        self.msgs.append(CoachMessage(kind=kind, text=text, citations=citations or []))

    def question(self) -> Question | None:
        """The question pending before the input."""
        qid = self.state.question_id
        return self.deps.bank.find(qid) if qid else None

    def now(self) -> InterviewState:
        """The state with this input's changes so far."""
        return apply_changes(self.state, self.update)

    def evaluation(self) -> ProjectSnapshot:
        """The project evaluated with this input's changes so far; computed again only when the
        answers, overrides, model findings or narratives changed since the last call."""
        key = tuple(id(self.update.get(name)) for name in _EVALUATED)
        if self._memo is None or self._memo[0] != key:
            self._memo = (key, evaluate(self.now(), self.deps))
        return self._memo[1]

    def model_failed(self) -> None:
        """Turn the helper's failure into the turn's one-line notice."""
        if self.helper is not None and self.helper.notice and self.notice is None:
            self.notice = t("model_fallback", self.lang, reason=self.helper.notice)

    def spend(self) -> None:
        """Record the model usage of this input; the budget notice when it was just spent."""
        helper = self.helper
        if helper is None or helper.usage == self.state.usage:
            return
        self.update["usage"] = helper.usage
        budget = self.deps.token_budget
        if self.state.usage.total_tokens < budget <= helper.usage.total_tokens and self.notice is None:
            self.notice = t("budget_spent", self.lang, tokens=budget)
