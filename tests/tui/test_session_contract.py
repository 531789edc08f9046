"""The fake session the TUI tests render (`fake_session.FakeSession`) and the real `CoachSession` behave
alike on one shared script: every observation the TUI acts on (which question is next, what the
transcript shows, what a command does, how a bad answer is refused, what `/ask` returns) is recorded
for both and must match, so the snapshots of the fake stay true to the engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fake_session import FakeFactory
from test_tui_real_session import Engine

from agent.errors import CoachError
from agent.snapshot import QuestionView, Turn

TYPED = {"choice": "1", "multi": "1", "yesno": "1", "number": "10", "text": "按计划推进，细节见附件"}
"""An answer each question type reads the same way in both (options by number)."""
BAD = {"choice": "99", "yesno": "99", "multi": "99", "number": "很多很多"}


def _said(q: QuestionView, typed: str) -> str:
    """What the transcript shows for a typed answer: an option's label for an option number."""
    return q.options[int(typed) - 1][1] if q.options and typed.isdigit() else typed


def _refusal(send: Callable[[], Turn]) -> str:
    """How an answer is refused: by an InputError, or by an error message in the turn."""
    try:
        turn = send()
    except CoachError as exc:
        return f"raises {type(exc).__name__}"
    kinds = [m.kind for m in turn.messages]
    return "error message" if "error" in kinds else f"accepted {kinds}"


def script(session: Any) -> list[tuple[str, Any]]:
    """The shared script; returns (step, observation) pairs independent of the question bank."""
    seen: list[tuple[str, Any]] = []
    first = session.current().question
    seen.append(("opens on a question", first is not None and not session.current().done))
    assert first is not None

    turn = session.send(TYPED[first.type])
    second = turn.question
    seen.append(("an answer moves on", second is not None and second.id != first.id))
    seen.append(("the turn says what was understood", turn.said == _said(first, TYPED[first.type])))
    record = session.snapshot().answers.get(first.id)
    seen.append(("the answer is recorded as typed", record is not None and record.raw == TYPED[first.type]))
    tail = [(m.kind, m.text) for m in session.transcript()]
    asked = tail.index(("question", first.text)) if ("question", first.text) in tail else -1
    shown = tail[asked + 1] if asked >= 0 else None
    seen.append(("transcript: question, then what was said", shown == ("user", turn.said)))

    session.send("/back")
    seen.append(("/back returns to the previous question", session.current().question.id == first.id))
    refused: dict[str, tuple[str, bool]] = {}
    for _ in range(60):  # the first question of each type: a bad answer, then a good one
        q = session.current().question
        assert q is not None, f"the interview ended before a question of each type {sorted(BAD)}"
        if q.type in BAD and q.type not in refused:
            how = _refusal(lambda q=q: session.send(BAD[q.type]))
            refused[q.type] = (how, session.current().question.id == q.id)
        if set(refused) >= {"choice", "multi", "number"}:
            break
        session.send(TYPED[q.type])
    for kind in ("choice", "multi", "number"):
        seen.append((f"a bad {kind} answer is refused, the question stays", refused.get(kind)))
    q = session.current().question
    assert q is not None
    session.send("/skip")
    seen.append(("/skip moves on", session.current().question.id != q.id))
    turn = session.send("/quit")
    seen.append(("a front-end command is handed back", turn.action))
    turn = session.send("/nosuchcommand")
    seen.append(("an unknown command", [m.kind for m in turn.messages]))
    turn = session.send("/ask 什么是RAG？")
    answers = [m for m in turn.messages if m.kind == "answer"]
    seen.append(("/ask answers with citations", bool(answers) and bool(answers[0].citations)))
    seen.append(("/ask keeps the question", turn.question is not None and turn.question.id != q.id))
    return seen


def _run(factory: Any, name: str) -> list[tuple[str, Any]]:
    session = factory.open(name, lang="zh", sector=None, settings=None, create=True)
    try:
        return script(session)
    finally:
        session.close()


@pytest.fixture
def both(coach_home: Any) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    return _run(FakeFactory(), "contract"), _run(Engine(), "contract")


def test_the_fake_session_behaves_like_the_real_one_on_a_shared_script(
    both: tuple[list[tuple[str, Any]], list[tuple[str, Any]]],
) -> None:
    fake, real = both
    assert [step for step, _ in fake] == [step for step, _ in real]
    differ = [(step, f, r) for (step, f), (_, r) in zip(fake, real, strict=True) if f != r]
    assert not differ, "\n".join(f"{step}: fake {f!r}, real {r!r}" for step, f, r in differ)
