"""Runtime context of the coaching graph: what a run needs but a checkpoint must never hold.

Reached in nodes through `Runtime[Context]`; passed per invocation (`graph.invoke(...,
context=Context(...))`), so the model, the retriever, the settings (with the API key) and the
streaming callback live only in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from agent.config import Settings
from agent.types import Lang, Passage, Stage

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agent.questions import QuestionBank


class Retriever(Protocol):
    """Anything that searches guidance passages (e.g. `knowledge.store.KnowledgeBase`); `lang` asks for
    the built-in passages' text in that language."""

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


def _bank() -> QuestionBank:
    from agent.questions import load_bank

    return load_bank()


@dataclass
class Context:
    """Per-run dependencies of the graph."""

    model: BaseChatModel | None = None
    """The chat model (LLM mode), or None (guided mode)."""
    retriever: Retriever | None = None
    """Searches guidance for the user's own questions; None answers from the built-in pack only."""
    settings: Settings = field(default_factory=Settings)
    """Timeouts, retries, token budget (never checkpointed: it holds the API key)."""
    bank: QuestionBank = field(default_factory=_bank)
    """The question bank."""
    on_token: Callable[[str], None] | None = None
    """Receives streamed tokens of a model answer (the TUI shows them as they come)."""
    sleep: Callable[[float], None] | None = None
    """Replaces time.sleep between model retries (tests)."""

    @property
    def mode(self) -> str:
        return "llm" if self.model is not None else "guided"
