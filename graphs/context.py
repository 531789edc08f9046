"""Runtime context of the coaching graph: what a run needs but a checkpoint must never hold.

Reached in nodes through `Runtime[Context]`; passed per invocation (`graph.invoke(...,
context=Context(...))`), so the model, the retriever, the settings (with the API key) and the
streaming callback live only in memory. `step_deps` turns it into the domain step's seams.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from agent.config import Settings
from agent.interview.deps import Retriever, StepDeps
from agent.interview.reading import Outcome
from agent.interview.state import InterviewState
from agent.profile import Profile
from agent.questions import Question, QuestionBank, load_bank
from agent.snapshot import CoachMessage
from agent.types import Lang, Stage
from graphs import answering, asking
from graphs.breaker import CircuitBreaker
from graphs.model_calls import ModelHelper

__all__ = ["Context", "Retriever", "breaker_for", "make_helper", "step_deps"]

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


@dataclass
class Context:
    """Per-run dependencies of the graph."""

    model: BaseChatModel | None = None
    """The chat model (LLM mode), or None (guided mode)."""
    retriever: Retriever | None = None
    """Searches guidance for the user's own questions; None answers from the built-in pack only."""
    settings: Settings = field(default_factory=Settings)
    """Timeouts, retries, token budget (never checkpointed: it holds the API key)."""
    bank: QuestionBank = field(default_factory=load_bank)
    """The question bank."""
    on_token: Callable[[str], None] | None = None
    """Receives streamed tokens of a model answer (the TUI shows them as they come)."""
    sleep: Callable[[float], None] | None = None
    """Replaces time.sleep between model retries (tests)."""
    breaker: CircuitBreaker | None = None
    """The session's circuit breaker over model calls (`breaker_for` makes one from the settings)."""

    def __post_init__(self) -> None:
        if self.breaker is None:
            self.breaker = breaker_for(self.settings)

    @property
    def mode(self) -> str:
        return "llm" if self.model is not None else "guided"

    @property
    def model_name(self) -> str | None:
        """The chat model's name as the endpoint knows it (None in guided mode)."""
        if self.model is None:
            return None
        name = getattr(self.model, "model_name", None) or getattr(self.model, "model", None)
        return name if isinstance(name, str) else None


def make_helper(state: InterviewState, ctx: Context) -> ModelHelper | None:
    """A model helper for one step (None in guided mode), counting into a copy of the usage."""
    if ctx.model is None:
        return None
    return ModelHelper(
        model=ctx.model,
        settings=ctx.settings,
        usage=state.usage.model_copy(),
        sleep=ctx.sleep or time.sleep,
        breaker=ctx.breaker,
        lang=state.lang,
    )


def breaker_for(settings: Settings, *, scripted: bool = False) -> CircuitBreaker:
    """The breaker the settings describe; a scripted run's also has the model-work deadline."""
    deadline = settings.model_deadline_s if scripted and settings.model_deadline_s > 0 else None
    return CircuitBreaker(
        threshold=settings.breaker_failures, cooldown_s=settings.breaker_cooldown_s, deadline_s=deadline
    )


def _extract(
    helper: ModelHelper,
    bank: QuestionBank,
    q: Question,
    text: str,
    lang: Lang,
    profile: Profile,
    base: Outcome,
    *,
    follow_up: str | None = None,
) -> Outcome:
    return answering.with_model(
        q, text, lang, profile, base, helper, bank.stage_questions(q.stage), follow_up=follow_up
    )


def _ask(
    ctx: Context, helper: ModelHelper | None, query: str, lang: Lang, stage: Stage
) -> tuple[list[CoachMessage], str | None]:
    return asking.answer(
        query, lang=lang, stage=stage, retriever=ctx.retriever, helper=helper, on_token=ctx.on_token
    )


def step_deps(state: InterviewState, ctx: Context) -> StepDeps:
    """The domain step's seams for one input, from the run's context."""
    helper = make_helper(state, ctx)
    return StepDeps(
        bank=ctx.bank,
        ask=partial(_ask, ctx, helper),
        helper=helper,
        extract=partial(_extract, helper, ctx.bank) if helper is not None else None,
        settings=ctx.settings,
        token_budget=ctx.settings.token_budget,
        model_name=ctx.model_name,
    )
