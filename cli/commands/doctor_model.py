"""`coach doctor`'s model checks: what a session will use, tried for real.

One tiny chat completion and one structured-output (tool call) request with the configured model,
each with its latency; a failure is named (unknown model, key refused, timeout, malformed reply,
unreachable) with a hint. No retries: doctor reports what one call does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field


@dataclass
class Outcome:
    """A model check's result: ok, what was seen, what to do."""

    ok: bool
    detail: str
    hint: str = ""


class _Probe(BaseModel):
    """The number the user gave."""

    number: int = Field(description="the number in the user's message")


HINTS = {
    "timeout": (
        "no reply within {timeout:g} s / {timeout:g} 秒内无回复",
        "Check the server is up and not overloaded, or raise timeout_s in config.toml / 检查服务负载或调大 timeout_s",
    ),
    "connection": (
        "cannot connect / 无法连接",
        "Check OPENAI_BASE_URL and that the server is running / 检查地址与服务是否运行",
    ),
    "auth": (
        "API key refused (HTTP {status}) / 密钥被拒绝",
        "Check OPENAI_API_KEY (the key is never printed) / 检查 OPENAI_API_KEY",
    ),
    "model": (
        "unknown model '{model}' (HTTP 404) / 服务上没有模型 '{model}'",
        "Set COACH_MODEL to a model the server lists{served} / 将 COACH_MODEL 设为服务提供的模型",
    ),
    "rate": (
        "rate limited (HTTP 429) / 请求过于频繁",
        "Wait, or check the account's quota / 稍后再试或检查配额",
    ),
    "server": (
        "server error (HTTP {status}) / 服务器错误",
        "Check the server's log / 查看服务端日志",
    ),
    "refused": (
        "request refused (HTTP {status}) / 请求被拒绝",
        "The server does not accept this request; check model name and server options / 检查模型与服务配置",
    ),
    "malformed": (
        "malformed reply / 回复格式错误",
        "The endpoint is not fully OpenAI-compatible or cut the reply short / 接口不完全兼容 OpenAI 或回复被截断",
    ),
}


def _failed(exc: BaseException, settings: Any, served: list[str]) -> Outcome:
    from graphs.model_failures import failure_kind

    kind = failure_kind(exc)
    if kind == "other":
        kind = "malformed"
    status = getattr(exc, "status_code", None)
    if kind == "refused" and ("model" in str(exc).lower() and "not" in str(exc).lower()):
        kind = "model"
    detail, hint = HINTS.get(kind, HINTS["malformed"])
    shown = f" ({', '.join(served[:5])})" if served else ""
    return Outcome(
        False,
        detail.format(timeout=settings.timeout_s, status=status or "?", model=settings.chat_model_name),
        hint.format(served=shown),
    )


def _model(settings: Any) -> Any:
    from agent import llm

    return llm.make_chat_model(settings)


def chat(settings: Any, served: list[str]) -> Outcome:
    """One tiny chat completion with the configured model."""
    from langchain_core.messages import HumanMessage

    model = _model(settings)
    started = time.perf_counter()
    try:
        reply = model.invoke([HumanMessage(content="Reply with the single word: ok")])
        text = str(reply.content or "").strip()
    except Exception as exc:
        return _failed(exc, settings, served)
    ms = (time.perf_counter() - started) * 1000
    if not text:
        detail, hint = HINTS["malformed"]
        return Outcome(False, f"{detail}: empty reply / 空回复", hint)
    return Outcome(True, f"{settings.chat_model_name}: “{text[:20]}” in {ms:.0f} ms")


def structured(settings: Any, served: list[str]) -> Outcome:
    """One structured-output (function calling) request, as answer extraction makes."""
    from langchain_core.messages import HumanMessage

    model = _model(settings)
    started = time.perf_counter()
    try:
        runnable = model.with_structured_output(_Probe, method="function_calling", include_raw=True)
        result = runnable.invoke([HumanMessage(content="Extract the number from: 'We are a team of 12.'")])
    except Exception as exc:
        return _failed(exc, settings, served)
    ms = (time.perf_counter() - started) * 1000
    raw = result.get("raw")
    usable = [c for c in getattr(raw, "tool_calls", None) or [] if isinstance(c.get("args"), dict)]
    if result.get("parsed") is None and not usable:  # arguments the coach could read are enough
        detail, hint = HINTS["malformed"]
        bad = getattr(raw, "invalid_tool_calls", None)
        why = (
            "tool call arguments are not valid JSON / 工具调用参数不是合法 JSON"
            if bad
            else "no tool call / 未调用工具"
        )
        return Outcome(
            False,
            f"{detail}: {why}",
            hint + "; answers will be read without the model's help / 回答将不经模型解析",
        )
    return Outcome(True, f"tool call in {ms:.0f} ms")
