"""Fake chat models for the seam between the engine and an endpoint (no network, no key).

All are real `BaseChatModel`s, so they go through LangChain's own `with_structured_output`,
`bind_tools` and streaming machinery exactly as `ChatOpenAI` would:

- `ScriptedChatModel`: replies from a script (tool-call argument dicts, texts, or a responder
  function), with usage metadata, optional latency, and token streaming;
- `ErrorChatModel`: every call raises (connection refused by default);
- `GarbageChatModel`: replies that are no use (prose instead of a tool call, broken tool JSON,
  or an empty reply);
- `slow_model(latency)` and `streaming_model(text)`: conveniences over `ScriptedChatModel`.

Each records the prompts it received in `.calls` (a shared list, so bound copies count too);
`ScriptedChatModel` also records each request's prompt and tool schemas in `.requests`, and
`prompt_kind` names what a prompt is for (extract, follow-up, ask, narrative).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict, Field

Reply = dict[str, Any] | str | AIMessage
Responder = Callable[[list[BaseMessage], dict[str, Any]], Reply]


def prompt_text(messages: Sequence[BaseMessage]) -> str:
    """The text of every message, joined (what a fake inspects to decide its reply)."""
    return "\n".join(str(m.content) for m in messages)


def field_of(messages: Sequence[BaseMessage]) -> str | None:
    """The profile field an extraction prompt asks about (`it fills the profile field `x.y``)."""
    m = re.search(r"profile field `([a-z_]+\.[a-z_]+)`", prompt_text(messages))
    return m.group(1) if m else None


def prompt_kind(text: str) -> str:
    """What a prompt asks for: `extract`, `follow-up` (the reply to a follow-up), `ask` (the user's
    own question) or `narrative` (a wrap-up paragraph); `other` for anything else."""
    if "Draft the section" in text:
        return "narrative"
    if "asked a question during the interview" in text:
        return "ask"
    if "the coach asked a follow-up question" in text:
        return "follow-up"
    if "profile field `" in text:
        return "extract"
    return "other"


@dataclass
class Request:
    """One request a fake received: the messages' text and the tool schemas sent with them."""

    text: str
    tools: list[dict[str, Any]]

    @property
    def kind(self) -> str:
        return prompt_kind(self.text)

    @property
    def payload(self) -> str:
        """Everything that takes room in the model's context: the messages and the tool schemas."""
        return self.text + ("\n" + json.dumps(self.tools, ensure_ascii=False) if self.tools else "")


def _tokens(text: str) -> int:
    return max(1, len(text) // 3)


class _FakeBase(BaseChatModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_name: str = "fake-model"
    latency_s: float = 0.0
    calls: list[str] = Field(default_factory=list)
    """Prompt text of every call (shared by bound copies)."""
    requests: list[Request] = Field(default_factory=list)
    """Prompt text and tool schemas of every call (`ScriptedChatModel`; shared by bound copies)."""

    @property
    def _llm_type(self) -> str:
        return "fake"

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: Any = None, **kwargs: Any) -> Any:
        formatted = [convert_to_openai_tool(t) for t in tools]
        return self.bind(tools=formatted, tool_choice=tool_choice, **kwargs)

    def _wait(self) -> None:
        if self.latency_s:
            time.sleep(self.latency_s)

    @staticmethod
    def _tool_name(kwargs: dict[str, Any]) -> str | None:
        tools = kwargs.get("tools") or []
        return tools[0]["function"]["name"] if tools else None


class ScriptedChatModel(_FakeBase):
    """Replies in order from `script`; then from `responder`; then a plain "OK [1]".

    A dict reply becomes a tool call to the bound tool (or JSON text when no tool is bound); a
    str reply becomes the message text; an AIMessage is returned as is.
    """

    script: list[Any] = Field(default_factory=list)
    responder: Any = None
    """Optional `(messages, kwargs) -> Reply` used once the script is exhausted."""
    usage: bool = True
    """Report usage metadata (else the engine must estimate tokens)."""

    def _reply(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> AIMessage:
        self.calls.append(prompt_text(messages))
        self.requests.append(Request(prompt_text(messages), list(kwargs.get("tools") or [])))
        self._wait()
        if self.script:
            reply: Reply = self.script.pop(0)
        elif self.responder is not None:
            reply = self.responder(messages, kwargs)
        else:
            reply = "OK [1]"
        if isinstance(reply, AIMessage):
            return reply
        prompt_tokens = _tokens(prompt_text(messages))
        if isinstance(reply, dict):
            name = self._tool_name(kwargs)
            if name is None:
                msg = AIMessage(content=json.dumps(reply, ensure_ascii=False))
            else:
                msg = AIMessage(
                    content="", tool_calls=[{"name": name, "args": reply, "id": f"call_{len(self.calls)}"}]
                )
            out = json.dumps(reply, ensure_ascii=False)
        else:
            msg = AIMessage(content=reply)
            out = reply
        if self.usage:
            msg.usage_metadata = {
                "input_tokens": prompt_tokens,
                "output_tokens": _tokens(out),
                "total_tokens": prompt_tokens + _tokens(out),
            }
        return msg

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._reply(messages, kwargs))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        msg = self._reply(messages, kwargs)
        text = str(msg.content)
        pieces = re.findall(r"\[\d+\]|\S+\s*|\s+", text) or [text]
        for i, piece in enumerate(pieces):
            chunk = AIMessageChunk(content=piece)
            if i == len(pieces) - 1 and msg.usage_metadata:
                chunk.usage_metadata = msg.usage_metadata
            yield ChatGenerationChunk(message=chunk)


class ErrorChatModel(_FakeBase):
    """Every call raises `error` (a fresh ConnectionError by default)."""

    error: Any = None

    def _raise(self, messages: list[BaseMessage]) -> None:
        self.calls.append(prompt_text(messages))
        self._wait()
        raise self.error if self.error is not None else ConnectionError("Connection refused")

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self._raise(messages)
        raise AssertionError("unreachable")

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self._raise(messages)
        yield ChatGenerationChunk(message=AIMessageChunk(content=""))  # pragma: no cover


class GarbageChatModel(_FakeBase):
    """Unusable replies. `kind`: `prose` (text, no tool call), `bad_json` (a tool call whose
    arguments are not JSON), `wrong_types` (a tool call with values of the wrong type), `empty`."""

    kind: str = "prose"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls.append(prompt_text(messages))
        name = self._tool_name(kwargs) or "record_answer"
        if self.kind == "bad_json":
            msg = AIMessage(
                content="",
                invalid_tool_calls=[{"name": name, "args": "{value: oops", "id": "c1", "error": "bad json"}],
            )
        elif self.kind == "wrong_types":
            msg = AIMessage(
                content="",
                tool_calls=[{"name": name, "args": {"value": {"x": [1]}, "answer_status": 42}, "id": "c1"}],
            )
        elif self.kind == "empty":
            msg = AIMessage(content="")
        else:
            msg = AIMessage(content="I am a teapot. ¯\\_(ツ)_/¯ <tool>maybe</tool>")
        return ChatResult(generations=[ChatGeneration(message=msg)])


def slow_model(latency_s: float, **kwargs: Any) -> ScriptedChatModel:
    """A scripted model that takes `latency_s` per call."""
    return ScriptedChatModel(latency_s=latency_s, **kwargs)


def streaming_model(text: str, **kwargs: Any) -> ScriptedChatModel:
    """A model that answers every call with `text` (streamed token by token when streamed)."""
    return ScriptedChatModel(responder=lambda _m, _k: text, **kwargs)
