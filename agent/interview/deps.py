"""What the step needs from outside the domain, injected: the question bank, and in LLM mode the
model's reading of an answer and its helper; the answerer of the user's own questions.

The graph (`graphs.nodes.turn`) fills these from its runtime `Context`; unit tests pass fakes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from agent.config import Settings
from agent.interview.reading import Outcome
from agent.llm import ModelCalls
from agent.profile import Profile
from agent.questions import Question, QuestionBank, load_bank
from agent.snapshot import CoachMessage
from agent.types import Lang, Passage, Stage


class Retriever(Protocol):
    """Anything that searches guidance passages (e.g. `knowledge.store.KnowledgeBase`)."""

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        stage: Stage | None = None,
        kind: str | None = None,
        scope: Any = "all",
        lang: Lang | None = None,
    ) -> list[Passage]: ...


class Extractor(Protocol):
    """The model's reading of an answer on top of the guided one (`graphs.answering.with_model`)."""

    def __call__(
        self,
        q: Question,
        text: str,
        lang: Lang,
        profile: Profile,
        base: Outcome,
        *,
        follow_up: str | None = None,
    ) -> Outcome: ...


class Asker(Protocol):
    """Answers the user's own question with citations: (messages, a one-line notice or None)."""

    def __call__(self, query: str, lang: Lang, stage: Stage) -> tuple[list[CoachMessage], str | None]: ...


def _no_answers(query: str, lang: Lang, stage: Stage) -> tuple[list[CoachMessage], str | None]:
    return [], None


@dataclass
class StepDeps:
    """The step's seams."""

    bank: QuestionBank = field(default_factory=load_bank)
    """The question bank."""
    ask: Asker = _no_answers
    """Answers the user's own questions ("什么是RAG？", `/ask …`)."""
    helper: ModelCalls | None = None
    """The model helper of this input (LLM mode): its usage, budget and failure notice."""
    extract: Extractor | None = None
    """The model's reading of an answer (LLM mode); None: the guided parser alone."""
    settings: Settings | None = None
    """The settings of the run: the API key is masked out of any error shown (never stored)."""
    token_budget: int = 200_000
    """Tokens a session may spend before the coach stops calling the model."""
    model_name: str | None = None
    """The chat model's name (shown in the evaluation; None in guided mode)."""

    @property
    def mode(self) -> str:
        """`llm` when a model reads answers, else `guided`."""
        return "llm" if self.helper is not None else "guided"
