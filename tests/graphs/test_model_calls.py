"""Every chat-model call as the user meets it (`graphs.model_calls.ModelHelper`): the extraction, the
grounded answer and the drafted paragraph that come back; what `Usage` counts; how many requests the
server sees under 429/5xx and how long the coach waits between them; the token budget and the circuit
breaker refusing calls, told once in the user's language; the key masked in every notice, whatever
its shape and wherever the server's words are cut; a reply that cannot be read ending as None with a
one-line notice, never an exception. Fakes sit at the model seam (`tests/fakes.py`) or behind the
real `ChatOpenAI` client (`tests/faults/server.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from fakes import ErrorChatModel, GarbageChatModel, ScriptedChatModel, streaming_model
from faults.server import MODEL, FaultServer
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from pydantic import SecretStr

from agent.config import Settings
from agent.extraction import Extraction
from agent.figures import MODEL_MARK
from agent.interview.reading import annotation, fits
from agent.llm import make_chat_model
from agent.snapshot import ProjectSnapshot, Usage
from agent.tokens import estimate_tokens
from agent.types import Lang, Passage, Stage
from graphs.breaker import CircuitBreaker
from graphs.model_calls import ModelHelper
from prompts import system_prompt
from prompts.fit import fit_tokens

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


def _helper(model: Any, sleeps: list[float] | None = None, **settings: Any) -> ModelHelper:
    settings.setdefault("max_retries", 0)
    lang = settings.pop("lang", "zh")
    return ModelHelper(
        model=model,
        settings=Settings(**settings),
        sleep=(sleeps if sleeps is not None else []).append,
        lang=lang,
    )


def _extract(helper: ModelHelper, answer: str = "预算大约三十万，会用到客户的身份证号") -> Extraction | None:
    return helper.extract(
        prompt=f"The user answered: {answer}. It fills the profile field `{MAIN}`.",
        lang="zh",
        main_field=MAIN,
        main_annotation=annotation(MAIN),
        other_fields=OTHERS,
        validate=lambda path, value: fits(None, path, value),
    )


def _ask(helper: ModelHelper, shown: list[str] | None = None) -> tuple[str, list[Any]] | None:
    on_token = (shown if shown is not None else []).append
    return helper.answer(
        prompt="问题：RAG 能否把准确率提到 95%？", lang="zh", passages=PASSAGES, on_token=on_token
    )


def _status_error(
    status: int, message: str, cls: type[openai.APIStatusError] = openai.APIStatusError
) -> Exception:
    return cls(message, response=httpx.Response(status, request=_REQUEST), body=None)


def fragments(key: str) -> list[str]:
    """Pieces of the key whose presence counts as a leak (any 12 consecutive characters past a prefix)."""
    body = key.removeprefix("sk-proj-")
    return [body[i : i + 12] for i in range(0, len(body) - 11, 3)]


# ---- what comes back ----------------------------------------------------------------------------
def test_a_grounded_answer_streams_the_models_words_and_cites_the_passages_its_marks_name() -> None:
    reply = "RAG 把资料检索进提示[2]，准确率可到 95%，成本下降 40%[3][9]。"
    model = ScriptedChatModel(
        script=[
            AIMessage(
                content=reply, usage_metadata={"input_tokens": 321, "output_tokens": 45, "total_tokens": 366}
            )
        ]
    )
    helper = _helper(model)
    shown: list[str] = []
    result = _ask(helper, shown)
    assert result is not None
    text, citations = result
    assert "".join(shown) == reply, "the user watched the model's words arrive as written"
    assert len(shown) > 1, "token by token"
    # [2] is the first passage cited, [3] the second; [9] names no passage sent and is dropped; the
    # figure the prompt holds (95%) stays as written, the one it lacks (40%) is marked as the model's
    assert text == f"RAG 把资料检索进提示[1]，准确率可到 95%，成本下降 40%{MODEL_MARK['zh']}[2]。"
    assert [(c.passage_id, c.source, c.section, c.title, c.quote) for c in citations] == [
        ("pack-2", "002_guide.md", "2.1", "标题2", "第 2 段指南原文"),
        ("pack-3", "003_guide.md", "3.1", "标题3", "第 3 段指南原文"),
    ]
    assert helper.usage == Usage(calls=1, prompt_tokens=321, completion_tokens=45), "the server's own count"
    assert helper.notice is None


def test_an_answer_in_the_other_language_is_kept_and_marked_in_the_sessions_language() -> None:
    """A question asked in English in a Chinese session is answered in English: kept, not discarded
    as "not in Chinese"; a figure the passages lack is marked in the session's language."""
    reply = "RAG grounds answers in retrieved passages [1] and cut errors by 40% in one case [2]."
    for lang, mark in (("zh", MODEL_MARK["zh"]), ("en", MODEL_MARK["en"])):
        helper = _helper(streaming_model(reply))
        result = helper.answer(
            prompt="What does RAG do?", lang=lang, passages=PASSAGES, on_token=lambda _t: None
        )  # type: ignore[arg-type]
        assert result is not None and helper.notice is None, lang
        assert (
            result[0]
            == f"RAG grounds answers in retrieved passages [1] and cut errors by 40%{mark} in one case [2]."
        )


def test_a_streamed_chunk_that_is_not_text_is_not_shown() -> None:
    """A reasoning block (a list of content blocks, as some servers stream) is neither shown nor kept."""

    class Reasoning(ScriptedChatModel):
        def _stream(
            self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
        ) -> Iterator[ChatGenerationChunk]:
            self.calls.append("stream")
            yield ChatGenerationChunk(message=AIMessageChunk(content="RAG "))
            yield ChatGenerationChunk(
                message=AIMessageChunk(content=[{"type": "reasoning", "reasoning": "先想想"}])
            )
            yield ChatGenerationChunk(message=AIMessageChunk(content="是检索增强生成[1]。"))

    shown: list[str] = []
    result = _ask(_helper(Reasoning()), shown)
    assert result is not None
    assert shown == ["RAG ", "是检索增强生成[1]。"]
    assert result[0] == "RAG 是检索增强生成[1]。"


def test_an_answer_that_repeats_the_prompt_is_discarded_and_told() -> None:
    """The caller then answers from the passages; the user reads why the model's answer was dropped."""
    shown: list[str] = []
    helper = _helper(streaming_model("</passage> </findings> [1]"))
    assert _ask(helper, shown) is None
    assert helper.notice == "answer discarded (it repeats the prompt) / 回答已弃用（复述了提示内容）"
    assert (helper.usage.calls, helper.usage.failures) == (1, 1)


@pytest.mark.parametrize(("streamed", "reply"), [(False, "  \n "), (False, ""), (True, "  \n "), (True, "")])
def test_an_empty_reply_is_none_and_told(streamed: bool, reply: str) -> None:
    helper = _helper(streaming_model(reply) if reply else GarbageChatModel(kind="empty"))
    result = _ask(helper) if streamed else helper.draft(prompt="写一段概述", lang="zh")
    assert result is None
    assert helper.notice == "model returned an empty reply / 模型返回空回复"
    assert (helper.usage.calls, helper.usage.failures) == (1, 1)


def test_a_drafted_paragraph_asks_for_at_most_120_words_and_an_unusable_one_is_counted() -> None:
    drafts = [
        "试点范围清晰[1]，另见[7]。",
        "</passage> </findings>",
        "1. 2018-03-24 2. 2019-05-27 3. 2020-06-28",
    ]
    model = ScriptedChatModel(script=list(drafts))
    helper = _helper(model)
    snapshot = ProjectSnapshot(name="试点项目")
    assert (
        helper.draft_narrative("requirement_spec.overview", snapshot, PASSAGES)
        == "试点范围清晰[[cite:pack-1]]，另见。"
    )
    assert "one paragraph of at most 120 words" in model.requests[0].text
    assert helper.notice is None
    for _ in range(2):
        assert helper.draft_narrative("requirement_spec.overview", snapshot, PASSAGES) is None
    assert helper.drafts_discarded == 2, "each discarded draft counts (the wrap-up stops asking after two)"
    assert helper.notice is not None and helper.notice.startswith("draft discarded (")
    assert (helper.usage.calls, helper.usage.failures) == (3, 2)


def test_a_drafted_paragraph_asks_for_the_length_given_and_sends_more_passages_on_a_larger_context() -> None:
    passages = [
        Passage(id=f"pack-{i}", text=f"第 {i} 段指南原文。", source="guide.md", section=str(i), title="标题")
        for i in range(1, 7)
    ]
    sent: dict[int, int] = {}
    for context in (4096, 16384):
        model = ScriptedChatModel(script=["试点范围清晰[1]。"])
        _helper(model, context_tokens=context).draft_narrative(
            "requirement_spec.overview", ProjectSnapshot(name="试点项目"), passages, max_words=60
        )
        assert "one paragraph of at most 60 words" in model.requests[0].text
        sent[context] = model.requests[0].text.count("<passage n=")
    assert sent == {4096: 3, 16384: 6}


def test_a_drafted_paragraph_is_drawn_from_its_own_stages_only() -> None:
    snapshot = ProjectSnapshot(name="试点项目")
    snapshot.profile.set("requirements.budget_wan", 30)
    snapshot.profile.set("selection.base_model", "domain")
    model = ScriptedChatModel(script=["预算三十万元[1]。", "选用领域模型[1]。"])
    helper = _helper(model)
    helper.draft_narrative("requirement_spec.overview", snapshot, PASSAGES, stages=[Stage.requirements])
    helper.draft_narrative("model_selection.conclusion", snapshot, PASSAGES, stages=[Stage.selection])
    first, second = (r.text for r in model.requests)
    assert '"budget_wan": 30' in first and "base_model" not in first
    assert '"base_model": "domain"' in second and "budget_wan" not in second


def test_an_english_draft_marks_a_figure_the_sources_lack_in_english() -> None:
    model = ScriptedChatModel(script=["The pilot cuts handling time by 40% within a quarter [1]."])
    snapshot = ProjectSnapshot(name="pilot", lang="en")
    text = _helper(model).draft_narrative("requirement_spec.overview", snapshot, PASSAGES)
    assert text == f"The pilot cuts handling time by 40%{MODEL_MARK['en']} within a quarter [[cite:pack-1]]."


# ---- structured extraction ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            {
                "value": 30,
                "data__personal_data": True,
                "selection__techniques": [],
                "understood": "  预算约 30 万元，含个人信息  ",
                "follow_up": "  ",
                "risk": None,
            },
            Extraction(
                value=30.0, fields={"data.personal_data": True}, understood="预算约 30 万元，含个人信息"
            ),
        ),
        (
            {
                "selection__techniques": ["rag"],
                "follow_up": " 预算是否含硬件？ ",
                "risk": " 身份证号发往公有云 ",
            },
            Extraction(
                fields={"selection.techniques": ["rag"]},
                follow_up="预算是否含硬件？",
                risk="身份证号发往公有云",
            ),
        ),
        ({"answer_status": "unknown"}, Extraction(status="unknown")),
        ({}, Extraction()),
    ],
    ids=["stated", "follow-up-and-risk", "unknown", "nothing-said"],
)
def test_an_extraction_records_only_what_the_reply_states(
    reply: dict[str, Any], expected: Extraction
) -> None:
    model = ScriptedChatModel(script=[reply])
    helper = _helper(model)
    assert _extract(helper) == expected
    (request,) = model.requests
    tool = request.tools[0]["function"]
    assert tool["name"] == "record_answer", "asked through a tool call (function calling)"
    assert {"value", "data__personal_data", "selection__techniques"} <= set(tool["parameters"]["properties"])
    assert helper.notice is None and helper.usage.calls == 1


def test_a_model_that_answers_the_tool_in_text_is_still_read() -> None:
    """Small models offered a tool often write its JSON as text instead of calling it."""
    model = ScriptedChatModel(script=[AIMessage(content='好的：{"value": 30, "understood": "预算 30 万"}')])
    helper = _helper(model)
    assert _extract(helper) == Extraction(value=30.0, understood="预算 30 万")
    assert len(model.calls) == 1 and model.requests[0].tools, "read from the tool request's own reply"


def test_a_model_whose_structured_output_takes_no_method_still_gets_the_tool() -> None:
    """An integration older than `method=` (its `with_structured_output` refuses the argument) is
    asked again without it, and still called with the tool rather than for JSON in text."""

    class NoMethod(ScriptedChatModel):
        def with_structured_output(self, schema: Any, *, include_raw: bool = False, **kwargs: Any) -> Any:
            if kwargs:
                raise TypeError(f"unexpected arguments {sorted(kwargs)}")
            return super().with_structured_output(schema, include_raw=include_raw)

    model = NoMethod(script=[{"value": 30}])
    assert _extract(_helper(model)) == Extraction(value=30.0)
    (request,) = model.requests
    assert request.tools[0]["function"]["name"] == "record_answer"


def test_a_model_that_cannot_call_tools_is_asked_for_json_in_text() -> None:
    class NoToolCalling(ScriptedChatModel):
        def with_structured_output(self, schema: Any, *, include_raw: bool = False, **kwargs: Any) -> Any:
            raise NotImplementedError("with_structured_output is not implemented for this model")

    model = NoToolCalling(script=['{"value": 30, "understood": "预算 30 万"}'])
    helper = _helper(model)
    assert _extract(helper) == Extraction(value=30.0, understood="预算 30 万")
    (request,) = model.requests
    assert request.tools == [] and "JSON keys (null when not stated): value: number" in request.text
    assert helper.notice is None


def test_what_the_callers_check_refuses_is_not_recorded_and_the_rest_is() -> None:
    """`validate` (the question's options, the profile's types) has the last word on every value."""
    reply = {"value": 30, "data__personal_data": True, "selection__techniques": ["rag"], "understood": "好"}
    ex = ScriptedChatModel(script=[reply])
    result = _helper(ex).extract(
        prompt="The user answered: 三十万. It fills the profile field `requirements.budget_wan`.",
        lang="zh",
        main_field=MAIN,
        main_annotation=annotation(MAIN),
        other_fields=OTHERS,
        validate=lambda _path, value: value not in (30, True),
    )
    assert result == Extraction(fields={"selection.techniques": ["rag"]}, understood="好")


def test_each_question_sends_its_own_tool_schema_to_the_same_model() -> None:
    model = ScriptedChatModel(script=[{"value": 30}, {"value": True}])
    helper = _helper(model)
    assert _extract(helper) == Extraction(value=30.0)
    ex = helper.extract(
        prompt="The user answered: 有身份证号. It fills the profile field `data.personal_data`.",
        lang="zh",
        main_field="data.personal_data",
        main_annotation=annotation("data.personal_data"),
        other_fields={"requirements.budget_wan": annotation("requirements.budget_wan")},
        validate=lambda path, value: fits(None, path, value),
    )
    assert ex == Extraction(value=True)
    first, second = (r.tools[0]["function"]["parameters"]["properties"] for r in model.requests)
    assert "selection__techniques" in first and "selection__techniques" not in second
    assert "requirements__budget_wan" in second
    assert second["value"]["anyOf"][0]["type"] == "boolean"


@pytest.mark.parametrize(
    "reply",
    [
        '```json\n{"value": 30, "understood": "预算 30 万"}\n```',
        '```\n{"value": 30, "understood": "预算 30 万"}\n```',
        '```json\n{\n  "value": 30,\n  "understood": "预算 30 万"\n}\n```',
        '```{"value": 30,\n"understood": "预算 30 万"}\n```',
        '好的，结果如下：{"value": 30, "understood": "预算 30 万"} 请核对。',
        '结果：{"value": 30, "understood": "预算 30 万"}。',
    ],
    ids=[
        "fenced",
        "fence-without-language",
        "pretty-printed",
        "opened-on-the-fence-line",
        "amid-prose",
        "closed-by-a-full-stop",
    ],
)
def test_an_endpoint_without_tools_is_read_from_json_in_its_text(reply: str) -> None:
    model = _no_tools(reply)
    helper = _helper(model)
    assert _extract(helper) == Extraction(value=30.0, understood="预算 30 万")
    assert helper.notice is None
    assert model.calls[0] == "rejected" and "JSON keys" in model.calls[1], (
        "asked again, keys named in the text"
    )
    assert model.calls[1].startswith(system_prompt("zh")), "with the coach's instructions still first"
    assert (helper.usage.calls, helper.usage.failures) == (2, 0), "the refused request and the answered one"
    sent = model.calls[1].removeprefix(system_prompt("zh") + "\n")
    assert helper.usage.prompt_tokens == estimate_tokens(sent), (
        "estimated from what was sent: the server said none"
    )


def test_braces_inside_a_json_text_value_are_read_as_text() -> None:
    model = _no_tools('{"value": 30, "understood": "按模板 {预算} 填写"}')
    assert _extract(_helper(model)) == Extraction(value=30.0, understood="按模板 {预算} 填写")


@pytest.mark.parametrize("reply", ["我不知道", "[30, 40]", '{"value": 30', "```json\n```"])
def test_text_without_a_json_object_is_none_and_told(reply: str) -> None:
    helper = _helper(_no_tools(reply))
    assert _extract(helper) is None
    assert helper.notice == "model reply unusable / 模型回复无法解析"
    assert helper.usage.failures == 1


@pytest.mark.parametrize(
    ("kind", "notice"),
    [
        ("wrong_types", "model reply did not fit the question / 模型回复与问题不符"),
        ("prose", "model reply unusable / 模型回复无法解析"),
        ("bad_json", "model reply unusable / 模型回复无法解析"),
    ],
)
def test_malformed_structured_output_is_none_and_told(kind: str, notice: str) -> None:
    helper = _helper(GarbageChatModel(kind=kind))
    assert _extract(helper) is None
    assert helper.notice == notice
    assert (helper.usage.calls, helper.usage.failures) == (1, 1)


def test_the_tool_schema_counts_toward_the_size_of_an_extraction_request() -> None:
    """What decides how many fields an extraction offers on a small context: more fields, a bigger tool."""
    helper = _helper(ScriptedChatModel())
    prompt = "The user answered: 三十万. It fills the profile field `requirements.budget_wan`."
    bare = helper.request_tokens(prompt, "zh")
    one = helper.extraction_tokens(prompt, "zh", annotation(MAIN), {})
    more = helper.extraction_tokens(prompt, "zh", annotation(MAIN), OTHERS)
    assert bare < one < more


def test_the_size_the_coach_counts_is_the_size_of_what_the_server_receives() -> None:
    """The prompt budget is checked on `request_tokens`: it must count the whole request as sent."""
    model = ScriptedChatModel(script=["段落[1]。", {"value": 30}])
    helper = _helper(model)
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


@pytest.mark.allow_model_calls
def test_against_an_openai_compatible_server_extraction_is_a_tool_call() -> None:
    """The request carries the answer's schema as a tool (what llama.cpp, vLLM and Ollama serve), not
    a `response_format`; the tool call's arguments are the reading; the server's usage is counted."""
    with FaultServer("ok") as server:
        model = make_chat_model(Settings(base_url=server.base_url, model=MODEL, api_key="k", timeout_s=5))
        helper = _helper(model)
        assert _extract(helper) == Extraction(value=12.0)
    (request,) = server.requests
    assert request["tools"][0]["function"]["name"] == "record_answer"
    assert "response_format" not in request
    assert helper.usage == Usage(calls=1, prompt_tokens=11, completion_tokens=7)


# ---- usage ----------------------------------------------------------------------------------------
def test_a_server_that_reports_no_usage_is_counted_by_estimate() -> None:
    reply = "试点先在信用卡中心客服上线，坐席在通话中查看建议答案[1]。"
    prompt = "写一段需求概述"
    for streamed in (False, True):
        helper = _helper(streaming_model(reply, usage=False))
        if streamed:
            assert helper.answer(prompt=prompt, lang="zh", passages=PASSAGES, on_token=lambda _t: None)
        else:
            assert helper.draft(prompt=prompt, lang="zh") == reply
        assert helper.usage == Usage(
            calls=1, prompt_tokens=estimate_tokens(prompt), completion_tokens=estimate_tokens(reply)
        ), f"streamed={streamed}"


@pytest.mark.parametrize(("reported", "counted"), [((0, 12), (0, 12)), ((250, 0), (250, 0))])
def test_a_servers_usage_is_kept_even_when_one_side_is_zero(
    reported: tuple[int, int], counted: tuple[int, int]
) -> None:
    """A prompt-cache hit reports no prompt tokens (llama.cpp); a server may report no completion."""
    meta = {"input_tokens": reported[0], "output_tokens": reported[1], "total_tokens": sum(reported)}
    helper = _helper(ScriptedChatModel(script=[AIMessage(content="段落[1]。", usage_metadata=meta)]))
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
    helper = _helper(model, sleeps, max_retries=1)
    assert helper.draft(prompt="概述", lang="zh") == "段落[1]。"
    assert _ask(helper) is not None
    failing = True
    assert _ask(helper) is None
    assert helper.draft(prompt="概述", lang="zh") is None
    assert len(model.calls) == 1 + 1 + 2 + 2, "each failed call was tried twice"
    assert sleeps == [0.5, 0.5]
    assert helper.usage == Usage(calls=4, prompt_tokens=200, completion_tokens=20, failures=2)
    assert helper.notice == "无法连接模型服务"


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
                helper = _helper(model, sleeps, max_retries=2, lang=lang)
                result = _ask(helper) if streamed else helper.draft(prompt="概述", lang=lang)  # type: ignore[arg-type]
                assert result is None
                assert server.request_count - before == 3, f"no more than 3 requests (streamed={streamed})"
                assert sleeps == waits
                assert helper.notice == told
                assert helper.usage == Usage(calls=1, failures=1)
        before = server.request_count
        helper = _helper(model, max_retries=0)
        assert helper.draft(prompt="概述", lang="zh") is None and _ask(helper) is None
        assert server.request_count - before == 2, "max_retries = 0: one request per call, no retry"


@pytest.mark.parametrize(
    ("lang", "told"), [("zh", "已用完本会话的令牌预算"), ("en", "the session's token budget is spent")]
)
def test_past_the_token_budget_nothing_is_sent_and_the_user_is_told_why(lang: Lang, told: str) -> None:
    model = streaming_model("段落[1]。")
    helper = _helper(model, token_budget=1000, lang=lang)
    helper.usage = Usage(calls=3, prompt_tokens=999, completion_tokens=0)
    assert helper.draft(prompt="概述", lang=lang) == "段落[1]。", "one token left: the call is made"
    assert not helper.budget_left()
    assert helper.draft(prompt="概述", lang=lang) is None
    assert _ask(helper) is None
    assert _extract(helper) is None
    assert len(model.calls) == 1, "nothing sent past the budget"
    assert helper.notice == told
    assert helper.usage.failures == 3
    exactly = _helper(model, token_budget=1000, lang=lang)
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
    assert (_ask(helper) if streamed else helper.draft(prompt="概述", lang="zh")) is None
    assert len(model.calls) == 2 and sleeps == [0.5], "two failed attempts open it: no third"
    assert helper.notice == "无法连接模型服务"
    assert helper.draft(prompt="概述", lang="zh") is None
    assert _ask(helper) is None
    assert _extract(helper) is None
    assert len(model.calls) == 2, "nothing sent while it is open"
    assert helper.notice == "模型连续 2 次没有回应，120 秒内不再调用，期间使用引导模式", "told once"
    assert helper.usage.failures == 2, "the silent fallbacks are not failures of the model"
    now[0] += 121
    assert helper.draft(prompt="概述", lang="zh") is None
    assert len(model.calls) == 3, "cooled down: tried again"


# ---- the key in notices -------------------------------------------------------------------------
def _pad(words: str, before: int) -> str:
    return words + " " + "x" * (before - len(words) - 1)


@pytest.mark.parametrize("shape", list(KEYS))
@pytest.mark.parametrize("streamed", [False, True])
def test_a_context_overflow_says_which_setting_to_change_and_never_shows_the_key(
    shape: str, streamed: bool
) -> None:
    """The server quotes the key across the point where its words are cut for the notice."""
    key = KEYS[shape]
    message = _pad("maximum context length exceeded for key", 95) + key + " tokens"
    model = ErrorChatModel(error=_status_error(400, message, openai.BadRequestError))
    helper = _helper(model, api_key=SecretStr(key), context_tokens=4096)
    assert (_ask(helper) if streamed else helper.draft(prompt="概述", lang="zh")) is None
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
    message = _pad("unsupported parameter 'top_k' for key", 140) + key + " (see docs)"
    model = ErrorChatModel(error=_status_error(422, message))
    helper = _helper(model, api_key=SecretStr(key))
    assert (_ask(helper) if streamed else helper.draft(prompt="概述", lang="zh")) is None
    assert helper.notice is not None
    assert helper.notice.startswith("模型服务拒绝了请求（HTTP 422）：unsupported parameter 'top_k' for key")
    assert [f for f in fragments(key) if f in helper.notice] == [], helper.notice


def _no_tools(reply: str) -> ScriptedChatModel:
    """A server that rejects `tools` (HTTP 400) and replies `reply` as text."""

    class NoTools(ScriptedChatModel):
        def _generate(
            self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
        ) -> Any:
            if kw.get("tools"):
                self.calls.append("rejected")
                raise _status_error(400, "tools are not supported", openai.BadRequestError)
            return super()._generate(messages, stop, run_manager, **kw)

    return NoTools(responder=lambda _m, _k: reply, usage=False)
