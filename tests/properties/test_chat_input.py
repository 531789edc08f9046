"""Whatever a user types into a guided session, `send` returns a Turn and the session stays usable.

Each example gets a fresh project in the real SQLite session store. The retriever seam gets the pack's word search so `/ask` needs no index.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agent.snapshot import Turn
from agent.types import Passage
from graphs.asking import pack_search
from graphs.session import CoachSession

from .strategies import hostile_text

_COMMON = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}


class PackRetriever:
    def search(self, query: str, *, k: int = 5, **_: object) -> list[Passage]:
        return pack_search(query, k=k)


_COUNTER = itertools.count()


def fresh_session() -> CoachSession:
    """A new project in the test's session store (opening one costs milliseconds once warm)."""
    return CoachSession.open(f"hostile-chat-{next(_COUNTER)}", retriever=PackRetriever())


commands = st.sampled_from(
    ["/skip", "/back", "/help", "/", "/revise", "/stage", "/ask", "/nonsense", "跳过", "不知道", "?", "？"]
)
chat_input = st.one_of(
    hostile_text(400),
    st.tuples(commands, hostile_text(60)).map(lambda t: f"{t[0]} {t[1]}"),
    commands,
    st.sampled_from(["", " ", "\n\n", "\t", "0", "-1", "1e309", "NaN", "9" * 5000, "1,2,3,99", "是的不是"]),
    st.integers(min_value=1, max_value=20_000).map(lambda n: "很长的回答。" * (n // 6 + 1)),
)


def check_turn(session: CoachSession, turn: object) -> None:
    assert isinstance(turn, Turn)
    assert turn.notice is None or isinstance(turn.notice, str)
    again = session.current()
    assert again.question == turn.question, "the session state is what the turn showed"
    snap = session.snapshot()
    for rec in snap.answers.values():
        assert isinstance(rec.raw, str)


def send_all(session: CoachSession, texts: list[str]) -> None:
    """Send each input; an exception names the inputs that led to it."""
    for i, text in enumerate(texts):
        try:
            turn = session.send(text)
        except Exception as exc:
            raise AssertionError(f"send raised after inputs {[t[:80] for t in texts[: i + 1]]!r}") from exc
        check_turn(session, turn)


@settings(max_examples=50, **_COMMON)  # type: ignore[arg-type]
@given(text=chat_input)
@example(text="9" * 5000)  # a number past int()'s digit limit
@example(text="/revise \u202e\x00")
@example(text="/stage 不存在的阶段")
@example(text="/ask " + "幻觉" * 2000)
def test_any_input_gives_a_turn(text: str) -> None:
    session = fresh_session()
    try:
        send_all(session, [text])
    finally:
        session.close()


@settings(max_examples=15, **_COMMON)  # type: ignore[arg-type]
@given(texts=st.lists(chat_input, min_size=1, max_size=6))
def test_a_burst_of_inputs_then_a_reopen_keeps_every_recorded_answer(texts: list[str]) -> None:
    session = fresh_session()
    try:
        send_all(session, texts)
        before = session.snapshot().answers
    finally:
        session.close()
    reopened = CoachSession.open(session.name, retriever=PackRetriever(), create=False)
    try:
        after = reopened.snapshot().answers
    finally:
        reopened.close()
    assert {k: v.raw for k, v in after.items()} == {k: v.raw for k, v in before.items()}
