"""Retry-After is honoured on every call path a session makes: the structured extraction of a free-text
answer and the streamed answer to `/ask`. Measured at the server: a retry arrives no sooner than the
server asked. The server asks for 3 s, more than the back-off (0.5 s for the first retry) and under
the cap (`BACKOFF_CAP_S` = 4 s), so only a client that reads the header can meet the bound."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graphs.model_failures import BACKOFF_BASE_S, BACKOFF_CAP_S
from graphs.session import CoachSession

from .conftest import MAX_RETRIES
from .server import FaultServer
from .test_session_faults import ANSWER, PackRetriever, _first_free_text_turn

pytestmark = [pytest.mark.allow_model_calls, pytest.mark.slow]

ASKED_S = 3
SLACK_S = 0.2


def _retry_gaps(server: FaultServer, first: int) -> list[float]:
    """Seconds between each request and its retry (one try plus `MAX_RETRIES`, every call failing)."""
    times = server.request_times[first:]
    per_call = 1 + MAX_RETRIES
    assert len(times) % per_call == 0, f"{len(times)} requests is not a whole number of calls"
    return [
        times[i + k + 1] - times[i + k] for i in range(0, len(times), per_call) for k in range(per_call - 1)
    ]


def test_the_bound_cannot_be_met_by_back_off_alone() -> None:
    assert BACKOFF_BASE_S * 2 ** (MAX_RETRIES - 1) < ASKED_S - SLACK_S < ASKED_S <= BACKOFF_CAP_S


@pytest.mark.parametrize("path", ["extraction", "streamed_ask"])
def test_every_retry_waits_as_long_as_the_server_asked(
    path: str, point_at: Callable[[FaultServer], None]
) -> None:
    with FaultServer("rate_limited", retry_after_s=ASKED_S) as server:
        point_at(server)
        session = CoachSession.open(f"retry-after-{path}", retriever=PackRetriever())
        try:
            _first_free_text_turn(session)
            first = server.request_count
            if path == "extraction":
                turn = session.send(ANSWER)
            else:  # as the TUI sends it: tokens shown as they arrive
                turn = session.send("/ask 如何降低幻觉？", on_token=lambda _t: None)
        finally:
            session.close()
        bodies = server.requests[first:]
        gaps = _retry_gaps(server, first)
    assert turn.notice, "the failure is told"
    assert gaps, "a 429 is retried"
    if path == "streamed_ask":
        assert all(b.get("stream") for b in bodies), "the /ask answer is streamed"
    else:
        assert any(b.get("tools") or b.get("tool_choice") for b in bodies), "a structured extraction"
    assert min(gaps) >= ASKED_S - SLACK_S, (
        f"a retry came {min(gaps):.2f} s after a 429 asking for {ASKED_S} s"
    )
    assert max(gaps) < BACKOFF_CAP_S + 2, "the wait is bounded"
