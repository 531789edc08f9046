"""What model calls cost and when they stop (`graphs.model_calls.ModelHelper`): what `Usage` counts;
how many requests a server sees under 429/5xx and how long the coach waits between them; the token
budget and the circuit breaker refusing calls, told once in the user's language; the key masked in
every notice, whatever its shape and wherever the server's words are cut."""

from __future__ import annotations

from typing import Any

import openai
import pytest
from fakes import ErrorChatModel, ScriptedChatModel, streaming_model
from faults.server import MODEL, FaultServer
from langchain_core.messages import AIMessage, BaseMessage
from model_call_helpers import (
    KEYS,
    MAIN,
    OTHERS,
    PASSAGES,
    ask,
    extract_budget,
    fragments,
    make_helper,
    pad,
    status_error,
)
from pydantic import SecretStr

from agent.config import Settings
from agent.interview.reading import annotation
from agent.llm import make_chat_model
from agent.snapshot import Usage
from agent.tokens import estimate_tokens
from agent.types import Lang
from graphs.breaker import CircuitBreaker
from graphs.model_calls import ModelHelper
from prompts import system_prompt
from prompts.fit import fit_tokens


# ---- usage ----------------------------------------------------------------------------------------
def test_a_server_that_reports_no_usage_is_counted_by_estimate() -> None:
    reply = "试点先在信用卡中心客服上线，坐席在通话中查看建议答案[1]。"
    prompt = "写一段需求概述"
    for streamed in (False, True):
        helper = make_helper(streaming_model(reply, usage=False))
        if streamed:
            assert helper.answer(prompt=prompt, lang="zh", passages=PASSAGES, on_token=lambda _t: None)
        else:
            assert helper.draft(prompt=prompt, lang="zh") == reply
        sent = system_prompt("zh") + "\n" + prompt  # the coach's instructions are sent too
        assert helper.usage == Usage(
            calls=1, prompt_tokens=estimate_tokens(sent), completion_tokens=estimate_tokens(reply)
        ), f"streamed={streamed}"


@pytest.mark.parametrize(("reported", "counted"), [((0, 12), (0, 12)), ((250, 0), (250, 0))])
def test_a_servers_usage_is_kept_even_when_one_side_is_zero(
    reported: tuple[int, int], counted: tuple[int, int]
) -> None:
    """A prompt-cache hit reports no prompt tokens (llama.cpp); a server may report no completion."""
    meta = {"input_tokens": reported[0], "output_tokens": reported[1], "total_tokens": sum(reported)}
    helper = make_helper(ScriptedChatModel(script=[AIMessage(content="段落[1]。", usage_metadata=meta)]))
    assert helper.draft(prompt="概述", lang="zh") == "段落[1]。"
    assert (helper.usage.prompt_tokens, helper.usage.completion_tokens) == counted


def test_each_call_counts_once_whatever_its_retries_and_only_replies_count_tokens() -> None:
    failing = False

    def respond(_messages: list[BaseMessage], _kwargs: dict[str, Any]) -> Any:
        if failing:
            raise ConnectionError("Connection refused")
        return AIMessage(
            content="段落[1]。",
            usage_metadata={"input_tokens": 100, "output_tokens": 10, "total_tokens": 110},
        )

    model = ScriptedChatModel(responder=respond)
    sleeps: list[float] = []
    helper = make_helper(model, sleeps, max_retries=1)
    assert helper.draft(prompt="概述", lang="zh") == "段落[1]。"
    assert ask(helper) is not None
    failing = True
    assert ask(helper) is None
    assert helper.draft(prompt="概述", lang="zh") is None
    assert len(model.calls) == 1 + 1 + 2 + 2, "each failed call was tried twice"
    assert sleeps == [0.5, 0.5]
    assert helper.usage == Usage(calls=4, prompt_tokens=200, completion_tokens=20, failures=2)
    assert helper.notice == "无法连接模型服务"


# ---- request size ---------------------------------------------------------------------------------
def test_the_tool_schema_counts_toward_the_size_of_an_extraction_request() -> None:
    """What decides how many fields an extraction offers on a small context: more fields, a bigger tool."""
    helper = make_helper(ScriptedChatModel())
    prompt = "The user answered: 三十万. It fills the profile field `requirements.budget_wan`."
    bare = helper.request_tokens(prompt, "zh")
    one = helper.extraction_tokens(prompt, "zh", annotation(MAIN), {})
    more = helper.extraction_tokens(prompt, "zh", annotation(MAIN), OTHERS)
    assert bare < one < more


def test_the_size_the_coach_counts_is_the_size_of_what_the_server_receives() -> None:
    """The prompt budget is checked on `request_tokens`: it must count the whole request as sent."""
    model = ScriptedChatModel(script=["段落[1]。", {"value": 30}])
    helper = make_helper(model)
    helper.draft(prompt="写一段需求概述", lang="zh")
    assert helper.request_tokens("写一段需求概述", "zh") == fit_tokens(model.requests[0].text)
    prompt = "The user answered: 三十万. It fills the profile field `requirements.budget_wan`."
    helper.extract(
        prompt=prompt,
        lang="zh",
        main_field=MAIN,
        main_annotation=annotation(MAIN),
        other_fields=OTHERS,
        validate=lambda _p, _v: True,
    )
    counted = helper.extraction_tokens(prompt, "zh", annotation(MAIN), OTHERS)
    assert abs(counted - fit_tokens(model.requests[1].payload)) <= 1, "the tool schema counted too (rounding)"


# ---- retries, budget, breaker ---------------------------------------------------------------------
@pytest.mark.allow_model_calls
@pytest.mark.parametrize(
    ("mode", "waits", "zh", "en"),
    [
        ("rate_limited", [2.0, 2.0], "请求过于频繁（HTTP 429）", "rate limited (HTTP 429)"),
        ("server_error", [0.5, 1.0], "模型服务出错（HTTP 500）", "the endpoint failed (HTTP 500)"),
    ],
)
def test_a_server_sees_a_bounded_number_of_requests_spaced_as_it_asked(
    mode: str, waits: list[float], zh: str, en: str
) -> None:
    """Streamed or not: one request and two retries, waiting what `Retry-After` said (else the
    doubling back-off), then the user reads what failed in their language."""
    with FaultServer(mode, retry_after_s=2) as server:  # type: ignore[arg-type]
        model = make_chat_model(Settings(base_url=server.base_url, model=MODEL, api_key="k", timeout_s=5))
        for streamed in (False, True):
            for lang, told in (("zh", zh), ("en", en)):
                before = server.request_count
                sleeps: list[float] = []
                helper = make_helper(model, sleeps, max_retries=2, lang=lang)
                result = ask(helper) if streamed else helper.draft(prompt="概述", lang=lang)  # type: ignore[arg-type]
                assert result is None
                assert server.request_count - before == 3, f"no more than 3 requests (streamed={streamed})"
                assert sleeps == waits
                assert helper.notice == told
                assert helper.usage == Usage(calls=1, failures=1)
        before = server.request_count
        helper = make_helper(model, max_retries=0)
        assert helper.draft(prompt="概述", lang="zh") is None and ask(helper) is None
        assert server.request_count - before == 2, "max_retries = 0: one request per call, no retry"


@pytest.mark.parametrize(
    ("lang", "told"), [("zh", "已用完本会话的令牌预算"), ("en", "the session's token budget is spent")]
)
def test_past_the_token_budget_nothing_is_sent_and_the_user_is_told_why(lang: Lang, told: str) -> None:
    model = streaming_model("段落[1]。")
    helper = make_helper(model, token_budget=1000, lang=lang)
    helper.usage = Usage(calls=3, prompt_tokens=999, completion_tokens=0)
    assert helper.draft(prompt="概述", lang=lang) == "段落[1]。", "one token left: the call is made"
    assert not helper.budget_left()
    assert helper.draft(prompt="概述", lang=lang) is None
    assert ask(helper) is None
    assert extract_budget(helper) is None
    assert len(model.calls) == 1, "nothing sent past the budget"
    assert helper.notice == told
    assert helper.usage.failures == 3
    exactly = make_helper(model, token_budget=1000, lang=lang)
    exactly.usage = Usage(prompt_tokens=600, completion_tokens=400)
    assert exactly.draft(prompt="概述", lang=lang) is None and len(model.calls) == 1, "spent to the token"
    assert exactly.notice == told


@pytest.mark.parametrize("streamed", [False, True])
def test_an_open_breaker_is_told_once_and_sends_nothing_until_it_cools_down(streamed: bool) -> None:
    """Streamed (/ask) or not, failed attempts open the breaker."""
    now = [1000.0]
    breaker = CircuitBreaker(threshold=2, cooldown_s=120, clock=lambda: now[0])
    model = ErrorChatModel()
    sleeps: list[float] = []
    helper = ModelHelper(model=model, settings=Settings(max_retries=3), sleep=sleeps.append, breaker=breaker)
    assert (ask(helper) if streamed else helper.draft(prompt="概述", lang="zh")) is None
    assert len(model.calls) == 2 and sleeps == [0.5], "two failed attempts open it: no third"
    assert helper.notice == "无法连接模型服务"
    assert helper.draft(prompt="概述", lang="zh") is None
    assert ask(helper) is None
    assert extract_budget(helper) is None
    assert len(model.calls) == 2, "nothing sent while it is open"
    assert helper.notice == "模型连续 2 次没有回应，120 秒内不再调用，期间使用引导模式", "told once"
    assert helper.usage.failures == 2, "the silent fallbacks are not failures of the model"
    now[0] += 121
    assert helper.draft(prompt="概述", lang="zh") is None
    assert len(model.calls) == 3, "cooled down: tried again"


# ---- the key in notices -------------------------------------------------------------------------
@pytest.mark.parametrize("shape", list(KEYS))
@pytest.mark.parametrize("streamed", [False, True])
def test_a_context_overflow_says_which_setting_to_change_and_never_shows_the_key(
    shape: str, streamed: bool
) -> None:
    """The server quotes the key across the point where its words are cut for the notice."""
    key = KEYS[shape]
    message = pad("maximum context length exceeded for key", 95) + key + " tokens"
    model = ErrorChatModel(error=status_error(400, message, openai.BadRequestError))
    helper = make_helper(model, api_key=SecretStr(key), context_tokens=4096)
    assert (ask(helper) if streamed else helper.draft(prompt="概述", lang="zh")) is None
    assert helper.notice is not None
    assert helper.notice.startswith(
        "the prompt exceeds the server's context (BadRequestError 400: maximum context length exceeded for key"
    )
    assert helper.notice.endswith(
        "); set context_tokens to the server's context size (now 4096) / "
        "提示超出服务器上下文，请将 context_tokens 设为服务器的上下文大小"
    )
    assert [f for f in fragments(key) if f in helper.notice] == [], helper.notice


@pytest.mark.parametrize("shape", list(KEYS))
@pytest.mark.parametrize("streamed", [False, True])
def test_a_refused_request_shows_the_servers_words_but_never_the_key(shape: str, streamed: bool) -> None:
    key = KEYS[shape]
    message = pad("unsupported parameter 'top_k' for key", 140) + key + " (see docs)"
    model = ErrorChatModel(error=status_error(422, message))
    helper = make_helper(model, api_key=SecretStr(key))
    assert (ask(helper) if streamed else helper.draft(prompt="概述", lang="zh")) is None
    assert helper.notice is not None
    assert helper.notice.startswith("模型服务拒绝了请求（HTTP 422）：unsupported parameter 'top_k' for key")
    assert [f for f in fragments(key) if f in helper.notice] == [], helper.notice
