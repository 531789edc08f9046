"""'另外从回答中得知…': a field inferred from free text is announced once, not after every answer."""

from __future__ import annotations

from collections.abc import Callable

from graphs.session import CoachSession


def test_a_value_inferred_again_from_a_later_answer_is_not_announced_again(
    open_session: Callable[..., CoachSession],
) -> None:
    session = open_session()
    said: list[str] = []
    for text in (
        "某城商行信用卡中心",
        "",  # confirms the inferred sector
        "客服高峰期排队长，坐席回复不一致，新人培训周期长",
        "坐席在通话中实时检索产品条款并生成答复草稿，由坐席确认后发送",
    ):
        said += [m.text for m in session.send(text).messages]
    noted = [line for line in said if line.startswith("另外从回答中得知") and "目标用户" in line]
    assert len(noted) == 1, said  # was twice: after the pain points and after the scenario
