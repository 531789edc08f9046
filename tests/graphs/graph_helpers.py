"""Helpers of the graph tests: scripted answers and a small retriever.

(This directory has no `__init__.py` on purpose: as a package it would be named `graphs` and
shadow the real one. Import helpers as `from graph_helpers import …`.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.snapshot import QuestionView, Turn
from agent.types import Lang, Passage, Stage
from graphs.asking import pack_search
from graphs.session import CoachSession

DEFAULTS: dict[str, str] = {
    "choice": "1",
    "multi": "1,2",
    "yesno": "是",
    "number": "10",
    "text": "按计划推进，细节见附件",
}
"""A guided answer for each question type (any question of the bank accepts these)."""

BANK_CASE: dict[str, str] = {
    "req.organisation": "某城市商业银行信用卡中心",
    "req.sector": "银行",
    "req.decision_maker": "否",
    "sel.deployment": "公有云",
    "dat.personal_data": "是",
    "dat.leaves_org": "否",
}
"""A bank that would send customer data to a public cloud without its sponsor in the PoC."""


def answer_for(q: QuestionView, overrides: dict[str, str] | None = None) -> str:
    """The scripted answer to `q`: an override by question id, else the type's default."""
    if overrides and q.id in overrides:
        return overrides[q.id]
    if q.id.startswith("conflict:"):  # answers that contradict each other: left open, as given
        return "/skip"
    return DEFAULTS[q.type]


def drive(
    session: CoachSession,
    overrides: dict[str, str] | None = None,
    *,
    until: Callable[[Turn], bool] | None = None,
    limit: int = 200,
) -> tuple[Turn, list[Turn]]:
    """Answer questions until the interview is done (or `until(turn)` holds); returns the last turn and all."""
    turn = session.current()
    turns = [turn]
    for _ in range(limit):
        if turn.done or (until is not None and until(turn)):
            return turn, turns
        assert turn.question is not None
        turn = session.send(answer_for(turn.question, overrides))
        turns.append(turn)
    raise AssertionError(f"no end after {limit} answers")


class SmallRetriever:
    """The built-in pack searched by character bigrams; records its queries."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        stage: Stage | None = None,
        kind: str | None = None,
        scope: Any = "all",
        lang: Lang | None = None,
    ) -> list[Passage]:
        self.queries.append(query)
        return pack_search(query, k=k, lang=lang or "zh")
