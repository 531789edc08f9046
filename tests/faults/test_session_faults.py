"""A `CoachSession` in LLM mode against each endpoint fault: no crash, the answer kept, a one-line
notice, guided behaviour for that turn, retries bounded (counted at the server)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from agent.types import Passage
from graphs.asking import pack_search
from graphs.session import CoachSession

from .conftest import MAX_RETRIES
from .server import FAULT_MODES, FaultServer, Mode

pytestmark = pytest.mark.allow_model_calls

ANSWER = "华东区城市商业银行的信用卡中心，客服团队约 300 人，想用大模型辅助坐席回答账单和分期问题。"
MAX_CALLS_PER_TURN = 3
"""An answer costs at most extraction + follow-up/answer + one narrative call; each retried at most."""


def _first_free_text_turn(session: CoachSession) -> str:
    """Advance (with guided-parseable answers) to a free-text question; return its id."""
    for _ in range(10):
        q = session.current().question
        assert q is not None
        if q.type == "text":
            return q.id
        session.send("1" if q.type in ("choice", "multi") else "是")
    raise AssertionError("no free-text question within the first ten")


@pytest.mark.parametrize("mode", FAULT_MODES)
def test_fault_keeps_the_answer_and_falls_back_to_guided_for_the_turn(
    mode: Mode, point_at: Callable[[FaultServer], None]
) -> None:
    with FaultServer(mode, delay_s=4.0) as server:
        point_at(server)
        session = CoachSession.open("fault-project")
        try:
            assert session.snapshot().mode == "llm"
            qid = _first_free_text_turn(session)
            before = server.request_count
            started = time.monotonic()
            turn = session.send(ANSWER)
            elapsed = time.monotonic() - started
            calls = server.request_count - before
            snap = session.snapshot()
        finally:
            session.close()

    # the answer is kept, verbatim, as the guided parser read it
    record = snap.answers[qid]
    assert record.raw == ANSWER
    assert record.status == "answered"
    assert record.source == "user", "a failed model call leaves the guided reading"
    # a one-line notice says what happened
    assert turn.notice, "the user is told the model failed"
    assert "\n" not in turn.notice.strip()
    assert len(turn.notice) < 300
    # guided behaviour: the interview moves on to the next question
    assert turn.question is not None and turn.question.id != qid
    # retries bounded
    assert snap.usage.failures >= 1
    if mode != "refused":
        assert 1 <= calls <= MAX_CALLS_PER_TURN * (1 + MAX_RETRIES), f"{calls} requests for one turn"
    assert elapsed < 30, f"the turn took {elapsed:.1f} s"


def test_healthy_endpoint_is_used_without_notice(point_at: Callable[[FaultServer], None]) -> None:
    """Control: the same set-up against a healthy server calls the model and shows no notice."""
    with FaultServer("ok") as server:
        point_at(server)
        session = CoachSession.open("ok-project")
        try:
            qid = _first_free_text_turn(session)
            before = server.request_count
            turn = session.send(ANSWER)
            snap = session.snapshot()
        finally:
            session.close()
    assert server.request_count > before, "LLM mode should have called the model for free text"
    assert turn.notice is None
    assert snap.answers[qid].raw == ANSWER
    assert snap.answers[qid].source == "llm"
    assert snap.usage.calls >= 1 and snap.usage.failures == 0


def test_the_model_is_called_again_on_the_next_turn_after_a_fault(
    point_at: Callable[[FaultServer], None],
) -> None:
    """Guided behaviour is for *that* turn (or the breaker's cool-down after two failed attempts
    in a row): the session stays in LLM mode."""
    with FaultServer("server_error") as server:
        point_at(server)
        session = CoachSession.open("retry-project")
        try:
            _first_free_text_turn(session)
            session.send(ANSWER)
            after_fault = server.request_count
            server.mode = "ok"
            assert session.ctx.breaker is not None
            session.ctx.breaker.open_until = 0.0  # the cool-down has passed
            _first_free_text_turn(session)
            turn = session.send("目前人工解答，平均排队 15 分钟。")
        finally:
            session.close()
    assert server.request_count > after_fault
    assert turn.notice is None


class PackRetriever:
    """The retriever seam filled with the built-in pack's word search (no Chroma, no embedder)."""

    def search(self, query: str, *, k: int = 5, **_: object) -> list[Passage]:
        return pack_search(query, k=k)


@pytest.mark.parametrize("mode", ["timeout", "server_error", "truncated", "empty_choices"])
def test_streamed_answer_to_a_user_question_falls_back_to_cited_passages(
    mode: Mode, point_at: Callable[[FaultServer], None]
) -> None:
    """`/ask` streams the model's answer; when the stream fails the coach quotes the passages instead."""
    tokens: list[str] = []
    with FaultServer(mode, delay_s=4.0) as server:
        point_at(server)
        session = CoachSession.open("ask-project", retriever=PackRetriever())
        try:
            pending = session.current().question
            turn = session.send("/ask 如何降低专业领域的大模型幻觉？", on_token=tokens.append)
        finally:
            session.close()
        assert server.request_count >= 1, "the question went to the model first"
        assert server.request_count <= 1 + MAX_RETRIES
    answers = [m for m in turn.messages if m.kind == "answer"]
    assert answers and answers[0].citations, "the guided answer quotes and cites passages"
    assert "Partial" not in answers[0].text
    assert turn.notice and "\n" not in turn.notice.strip()
    assert turn.question is not None and pending is not None and turn.question.id == pending.id
