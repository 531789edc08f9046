"""Checkpoints hold only types we registered with LangGraph's serializer: opening, answering and
resuming a project on the SQLite store neither warns about an unregistered type ("Deserializing
unregistered type …") nor has one blocked (what a stricter LangGraph does: the value would come
back as a plain dict and the resumed interview would break)."""

from __future__ import annotations

import enum
import logging
import typing
from collections.abc import Callable, Iterator
from dataclasses import is_dataclass
from typing import Any

import pytest
from fakes import ScriptedChatModel, field_of
from graph_helpers import drive
from langchain_core.messages import BaseMessage
from langgraph.checkpoint.serde.event_hooks import register_serde_event_listener
from pydantic import BaseModel

from agent.profile import ProjectInfo
from agent.snapshot import AnswerRecord, CoachMessage, Usage
from agent.types import Finding, Stage
from graphs.session import CoachSession
from graphs.state import CoachState
from graphs.storage import _TYPES

PAIN = "信用卡中心客服每天接 2000 通电话，坐席压力很大，想用大模型辅助回答账单问题"


@pytest.fixture
def serde_events() -> Iterator[list[Any]]:
    """Every allow-list event of LangGraph's serializer (unregistered type read, type blocked)."""
    events: list[Any] = []
    unregister = register_serde_event_listener(events.append)
    yield events
    unregister()


def _respond(messages: list[BaseMessage], kwargs: dict[str, Any]) -> Any:
    field = field_of(messages)
    if field is None:
        return "草稿段落 [1]。"
    if field == "requirements.pain_points":
        return {
            "understood": "坐席压力大",
            "risk": "计划把通话录音直接发给境外 API",
            "follow_up": "一次解决率？",
        }
    return {"understood": f"已理解 {field}"}


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if "unregistered type" in r.getMessage() or "Blocked deserialization" in r.getMessage()
    ]


def test_open_answer_and_resume_read_every_checkpoint_without_an_unregistered_type(
    open_session: Callable[..., CoachSession],
    serde_events: list[Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    model = ScriptedChatModel(responder=_respond)
    session = open_session("序列化 项目", model=model)
    drive(session, until=lambda t: t.question is not None and t.question.id == "req.pain_points")
    session.send(PAIN)  # a model finding, usage, a follow-up
    session.send("/skip")
    session.send("/stage selection")  # unmet exit criteria: a pending jump
    session.close()

    again = open_session("序列化 项目", model=model, create=False)
    state = again._state()
    assert isinstance(state.project, ProjectInfo)
    assert isinstance(state.stage, Stage)
    assert state.answers and all(isinstance(r, AnswerRecord) for r in state.answers.values())
    assert state.transcript and all(isinstance(m, CoachMessage) for m in state.transcript)
    assert isinstance(state.usage, Usage) and state.usage.calls > 0
    assert state.model_findings and all(isinstance(f, Finding) for f in state.model_findings)
    drive(again)
    again.mark_exported()
    again.close()

    last = open_session("序列化 项目", model=model, create=False)
    assert last.current().done
    assert last.snapshot().narratives  # drafted at wrap-up, read back
    assert serde_events == []
    assert _warnings(caplog) == []


def _our_types(hint: Any, found: set[tuple[str, str]]) -> None:
    """The (module, name) of every class of ours a value of type `hint` can hold."""
    for arg in typing.get_args(hint):
        if not isinstance(arg, str | int | bool | enum.Enum):  # Literal values
            _our_types(arg, found)
    if not isinstance(hint, type) or hint.__module__.split(".")[0] not in ("agent", "graphs"):
        return
    key = (hint.__module__, hint.__qualname__)
    if key in found:
        return
    found.add(key)
    if issubclass(hint, BaseModel):
        for info in hint.model_fields.values():
            _our_types(info.annotation, found)
    elif is_dataclass(hint):
        for field_hint in typing.get_type_hints(hint).values():
            _our_types(field_hint, found)


def test_the_allow_list_names_every_type_the_state_can_hold() -> None:
    found: set[tuple[str, str]] = set()
    _our_types(CoachState, found)
    assert ("agent.profile", "ProjectInfo") in found
    found.discard(("agent.interview.state", "InterviewState"))  # the state itself is never serialised whole
    assert found <= set(_TYPES), f"add to graphs.storage._TYPES: {sorted(found - set(_TYPES))}"
