"""Every chat-model call as the user meets it (`graphs.model_calls.ModelHelper`): the grounded answer,
the drafted paragraph and the extraction that come back, streamed or not; a reply that cannot be read
ending as None with a one-line notice, never an exception. Fakes sit at the model seam
(`tests/fakes.py`) or behind the real `ChatOpenAI` client (`tests/faults/server.py`). What the calls
cost and when they are refused: `test_model_call_limits.py`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fakes import GarbageChatModel, ScriptedChatModel, streaming_model
from faults.server import MODEL, FaultServer
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from model_call_helpers import (
    MAIN,
    OTHERS,
    PASSAGES,
    ask,
    extract_budget,
    make_helper,
    no_tools,
)

from agent.config import Settings
from agent.extraction import Extraction
from agent.figures import MODEL_MARK
from agent.interview.reading import annotation, fits
from agent.llm import make_chat_model
from agent.snapshot import ProjectSnapshot, Usage
from agent.tokens import estimate_tokens
from agent.types import Passage, Stage
from prompts import system_prompt


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
    helper = make_helper(model)
    shown: list[str] = []
    result = ask(helper, shown)
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
        helper = make_helper(streaming_model(reply))
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
    result = ask(make_helper(Reasoning()), shown)
    assert result is not None
    assert shown == ["RAG ", "是检索增强生成[1]。"]
    assert result[0] == "RAG 是检索增强生成[1]。"


def test_an_answer_that_repeats_the_prompt_is_discarded_and_told() -> None:
    """The caller then answers from the passages; the user reads why the model's answer was dropped."""
    shown: list[str] = []
    helper = make_helper(streaming_model("</passage> </findings> [1]"))
    assert ask(helper, shown) is None
    assert helper.notice == "answer discarded (it repeats the prompt) / 回答已弃用（复述了提示内容）"
    assert (helper.usage.calls, helper.usage.failures) == (1, 1)


@pytest.mark.parametrize(("streamed", "reply"), [(False, "  \n "), (False, ""), (True, "  \n "), (True, "")])
def test_an_empty_reply_is_none_and_told(streamed: bool, reply: str) -> None:
    helper = make_helper(streaming_model(reply) if reply else GarbageChatModel(kind="empty"))
    result = ask(helper) if streamed else helper.draft(prompt="写一段概述", lang="zh")
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
    helper = make_helper(model)
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
        make_helper(model, context_tokens=context).draft_narrative(
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
    helper = make_helper(model)
    helper.draft_narrative("requirement_spec.overview", snapshot, PASSAGES, stages=[Stage.requirements])
    helper.draft_narrative("model_selection.conclusion", snapshot, PASSAGES, stages=[Stage.selection])
    first, second = (r.text for r in model.requests)
    assert '"budget_wan": 30' in first and "base_model" not in first
    assert '"base_model": "domain"' in second and "budget_wan" not in second


def test_an_english_draft_marks_a_figure_the_sources_lack_in_english() -> None:
    model = ScriptedChatModel(script=["The pilot cuts handling time by 40% within a quarter [1]."])
    snapshot = ProjectSnapshot(name="pilot", lang="en")
    text = make_helper(model).draft_narrative("requirement_spec.overview", snapshot, PASSAGES)
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
    helper = make_helper(model)
    assert extract_budget(helper) == expected
    (request,) = model.requests
    tool = request.tools[0]["function"]
    assert tool["name"] == "record_answer", "asked through a tool call (function calling)"
    assert {"value", "data__personal_data", "selection__techniques"} <= set(tool["parameters"]["properties"])
    assert helper.notice is None and helper.usage.calls == 1


def test_a_model_that_answers_the_tool_in_text_is_still_read() -> None:
    """Small models offered a tool often write its JSON as text instead of calling it."""
    model = ScriptedChatModel(script=[AIMessage(content='好的：{"value": 30, "understood": "预算 30 万"}')])
    helper = make_helper(model)
    assert extract_budget(helper) == Extraction(value=30.0, understood="预算 30 万")
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
    assert extract_budget(make_helper(model)) == Extraction(value=30.0)
    (request,) = model.requests
    assert request.tools[0]["function"]["name"] == "record_answer"


def test_a_model_that_cannot_call_tools_is_asked_for_json_in_text() -> None:
    class NoToolCalling(ScriptedChatModel):
        def with_structured_output(self, schema: Any, *, include_raw: bool = False, **kwargs: Any) -> Any:
            raise NotImplementedError("with_structured_output is not implemented for this model")

    model = NoToolCalling(script=['{"value": 30, "understood": "预算 30 万"}'])
    helper = make_helper(model)
    assert extract_budget(helper) == Extraction(value=30.0, understood="预算 30 万")
    (request,) = model.requests
    assert request.tools == [] and "JSON keys (null when not stated): value: number" in request.text
    assert helper.notice is None


def test_what_the_callers_check_refuses_is_not_recorded_and_the_rest_is() -> None:
    """`validate` (the question's options, the profile's types) has the last word on every value."""
    reply = {"value": 30, "data__personal_data": True, "selection__techniques": ["rag"], "understood": "好"}
    ex = ScriptedChatModel(script=[reply])
    result = make_helper(ex).extract(
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
    helper = make_helper(model)
    assert extract_budget(helper) == Extraction(value=30.0)
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
    model = no_tools(reply)
    helper = make_helper(model)
    assert extract_budget(helper) == Extraction(value=30.0, understood="预算 30 万")
    assert helper.notice is None
    assert model.calls[0] == "rejected" and "JSON keys" in model.calls[1], (
        "asked again, keys named in the text"
    )
    assert model.calls[1].startswith(system_prompt("zh")), "with the coach's instructions still first"
    assert (helper.usage.calls, helper.usage.failures) == (2, 0), "the refused request and the answered one"
    assert helper.usage.prompt_tokens == estimate_tokens(model.calls[1]), (
        "estimated from all that was sent, the coach's instructions included: the server said none"
    )


def test_braces_inside_a_json_text_value_are_read_as_text() -> None:
    model = no_tools('{"value": 30, "understood": "按模板 {预算} 填写"}')
    assert extract_budget(make_helper(model)) == Extraction(value=30.0, understood="按模板 {预算} 填写")


@pytest.mark.parametrize("reply", ["我不知道", "[30, 40]", '{"value": 30', "```json\n```"])
def test_text_without_a_json_object_is_none_and_told(reply: str) -> None:
    helper = make_helper(no_tools(reply))
    assert extract_budget(helper) is None
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
    helper = make_helper(GarbageChatModel(kind=kind))
    assert extract_budget(helper) is None
    assert helper.notice == notice
    assert (helper.usage.calls, helper.usage.failures) == (1, 1)


@pytest.mark.allow_model_calls
def test_against_an_openai_compatible_server_extraction_is_a_tool_call() -> None:
    """The request carries the answer's schema as a tool (what llama.cpp, vLLM and Ollama serve), not
    a `response_format`; the tool call's arguments are the reading; the server's usage is counted."""
    with FaultServer("ok") as server:
        model = make_chat_model(Settings(base_url=server.base_url, model=MODEL, api_key="k", timeout_s=5))
        helper = make_helper(model)
        assert extract_budget(helper) == Extraction(value=12.0)
    (request,) = server.requests
    assert request["tools"][0]["function"]["name"] == "record_answer"
    assert "response_format" not in request
    assert helper.usage == Usage(calls=1, prompt_tokens=11, completion_tokens=7)
