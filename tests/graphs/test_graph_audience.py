"""Who the service reaches is asked even when the lead does not know whether its users are internal or
external (issue 11, reachability): two regulatory rules read the audience, and a "don't know" on target
users must not hide the question that decides them."""

from __future__ import annotations

from collections.abc import Callable

from graph_helpers import drive

from agent.snapshot import Turn
from graphs.session import CoachSession


def _at(qid: str) -> Callable[[Turn], bool]:
    return lambda turn: turn.question is not None and turn.question.id == qid


def test_a_dont_know_on_target_users_still_asks_the_audience_and_its_answer_decides_labelling(
    open_session: Callable[..., CoachSession],
) -> None:
    session = open_session("公交问询助手")
    drive(session, {"req.target_users": "不知道"}, until=_at("req.audience"))
    assert session.snapshot().answers["req.target_users"].status == "unknown"

    turn, _ = drive(
        session,
        {"req.audience": "境内公众", "req.public_content": "是", "req.content_labels": "暂无"},
        until=lambda t: t.question is not None and not t.question.id.startswith("req."),
    )

    snap = turn.snapshot
    assert snap is not None and snap.profile.requirements.audience == ["cn_public"]
    labels = next(f for f in snap.findings if f.id == "reg-generated-content-unlabelled")
    assert labels.severity == "high"  # no label at all, for the public in China
