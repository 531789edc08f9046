"""Shared fixtures of the model-call tests (`test_model_calls.py`, `test_model_call_limits.py`): a
`ModelHelper` over a fake model with a fake sleep, one extraction, one grounded question, passages,
the key shapes a notice must mask, and a server that rejects tool calling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import openai
from fakes import ScriptedChatModel
from langchain_core.messages import BaseMessage

from agent.config import Settings
from agent.extraction import Extraction
from agent.interview.reading import annotation, fits
from agent.types import Passage
from graphs.model_calls import ModelHelper

_REQUEST = httpx.Request("POST", "http://llm.local/v1/chat/completions")
PASSAGES = [
    Passage(
        id=f"pack-{i}",
        text=f"第 {i} 段指南原文",
        source=f"00{i}_guide.md",
        section=f"{i}.1",
        title=f"标题{i}",
    )
    for i in (1, 2, 3)
]
MAIN = "requirements.budget_wan"
OTHERS = {path: annotation(path) for path in ("data.personal_data", "selection.techniques")}
KEYS = {
    "azure-hex": "3f9a0c7d5e2b4a61908d7c6b5a4f3e2d",
    "bearer-jwt": (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjb2FjaC11c2VyIiwiaWF0IjoxNzAwMDAwMDAwfQ"
        ".Qm9ndXNTaWduYXR1cmVGb3JUZXN0c09ubHkxMjM0NTY3ODkw"
    ),
    "aws-like": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
    "openai": "sk-proj-Xy7Qp2LmN9vR4tK8sW1zA6bC3dE5fG0hJ2kL4mN6",
}


def make_helper(model: Any, sleeps: list[float] | None = None, **settings: Any) -> ModelHelper:
    """A helper over `model` whose waits go to `sleeps` (no real sleep); no retries unless asked."""
    settings.setdefault("max_retries", 0)
    lang = settings.pop("lang", "zh")
    return ModelHelper(
        model=model,
        settings=Settings(**settings),
        sleep=(sleeps if sleeps is not None else []).append,
        lang=lang,
    )


def extract_budget(
    helper: ModelHelper, answer: str = "预算大约三十万，会用到客户的身份证号"
) -> Extraction | None:
    """An extraction of `answer` for the budget question, offering two other fields."""
    return helper.extract(
        prompt=f"The user answered: {answer}. It fills the profile field `{MAIN}`.",
        lang="zh",
        main_field=MAIN,
        main_annotation=annotation(MAIN),
        other_fields=OTHERS,
        validate=lambda path, value: fits(None, path, value),
    )


def ask(helper: ModelHelper, shown: list[str] | None = None) -> tuple[str, list[Any]] | None:
    """A grounded question on `PASSAGES`, streamed into `shown`."""
    on_token = (shown if shown is not None else []).append
    return helper.answer(
        prompt="问题：RAG 能否把准确率提到 95%？", lang="zh", passages=PASSAGES, on_token=on_token
    )


def status_error(
    status: int, message: str, cls: type[openai.APIStatusError] = openai.APIStatusError
) -> Exception:
    """An openai error with HTTP `status` whose message is `message`."""
    return cls(message, response=httpx.Response(status, request=_REQUEST), body=None)


def fragments(key: str) -> list[str]:
    """Pieces of the key whose presence counts as a leak (any 12 consecutive characters past a prefix)."""
    body = key.removeprefix("sk-proj-")
    return [body[i : i + 12] for i in range(0, len(body) - 11, 3)]


def pad(words: str, before: int) -> str:
    """`words` padded so that what follows starts at index `before`."""
    return words + " " + "x" * (before - len(words) - 1)


def no_tools(
    reply: str | Callable[[list[BaseMessage], dict[str, Any]], str], *, usage: bool = False
) -> ScriptedChatModel:
    """A server that rejects `tools` (HTTP 400) and replies `reply` as text (or what `reply(messages,
    kwargs)` says)."""

    class NoTools(ScriptedChatModel):
        def _generate(
            self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
        ) -> Any:
            if kw.get("tools"):
                self.calls.append("rejected")
                raise status_error(400, "tools are not supported", openai.BadRequestError)
            return super()._generate(messages, stop, run_manager, **kw)

    responder = reply if callable(reply) else (lambda _m, _k: reply)
    return NoTools(responder=responder, usage=usage)
