"""LLM mode with fake chat models: structured extraction, one follow-up, failures that keep the
answer and fall back to guided behaviour, the token budget, bounded retries, and the API key
never reaching the session store."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fakes import ErrorChatModel, GarbageChatModel, ScriptedChatModel, field_of
from graph_helpers import BANK_CASE, answer_for, drive
from langchain_core.messages import BaseMessage
from model_call_helpers import no_tools

from agent.config import Settings
from agent.types import Stage
from graphs.session import CoachSession

PAIN = "信用卡中心客服每天接 2000 通电话，坐席压力很大，想用大模型辅助回答账单问题"


def _to_text_question(session: CoachSession, field: str) -> None:
    drive(session, until=lambda t: t.question is not None and t.question.id == field)


def _extractor(replies: dict[str, dict[str, Any]]) -> Callable[[list[BaseMessage], dict[str, Any]], Any]:
    def respond(messages: list[BaseMessage], kwargs: dict[str, Any]) -> Any:
        field = field_of(messages)
        if field is None:
            return "草稿段落 [1]。"
        return replies.get(field, {"understood": f"已理解 {field}"})

    return respond


def test_structured_extraction_fills_other_fields_confirms_and_follows_up_once(
    open_session: Callable[..., CoachSession],
) -> None:
    model = ScriptedChatModel(
        responder=_extractor(
            {
                "requirements.pain_points": {
                    "understood": "坐席压力大，希望辅助回答账单问题",
                    "data__personal_data": True,
                    "requirements__target_users": "internal",
                    "follow_up": "目前一次解决率是多少？",
                }
            }
        )
    )
    session = open_session(model=model)
    _to_text_question(session, "req.pain_points")
    calls_before = len(model.calls)

    turn = session.send(PAIN)

    assert len(model.calls) == calls_before + 1
    prompt = model.calls[-1]
    assert f"<answer>\n{PAIN}\n</answer>" in prompt and "record_answer" in prompt
    texts = [m.text for m in turn.messages]
    assert any("坐席压力大，希望辅助回答账单问题" in t for t in texts), (
        "the model confirms what it understood"
    )
    assert any("个人信息" in t for t in texts), "inferred fields are named"
    assert turn.question is not None and turn.question.id == "req.pain_points#follow-up"
    assert turn.question.text == "目前一次解决率是多少？"
    rec = session.snapshot().answers["req.pain_points"]
    assert rec.source == "llm" and rec.value == PAIN and rec.raw == PAIN
    assert (
        rec.inferred["data.personal_data"] is True and rec.inferred["requirements.target_users"] == "internal"
    )

    turn = session.send("大概 60%")
    assert len(model.calls) == calls_before + 2
    assert "目前一次解决率是多少？" in model.calls[-1], "the follow-up prompt carries the follow-up"
    assert turn.question is not None and turn.question.id == "req.scenario", "one follow-up, then move on"
    snap = session.snapshot()
    assert snap.answers["req.pain_points"].raw == f"{PAIN} / 大概 60%"
    assert snap.profile.data.personal_data is True
    assert snap.usage.calls == len(model.calls) and snap.usage.total_tokens > 0
    assert snap.mode == "llm" and snap.model_name == "fake-model"


def test_typed_answers_that_parse_cost_no_model_call(open_session: Callable[..., CoachSession]) -> None:
    model = ScriptedChatModel(responder=_extractor({}))
    session = open_session(model=model)
    drive(session, until=lambda t: t.question is not None and t.question.type != "text")
    q = session.current().question
    assert q is not None
    before = len(model.calls)
    session.send(answer_for(q))
    assert len(model.calls) == before


def test_model_maps_free_text_onto_a_choice_and_invalid_values_are_refused(
    open_session: Callable[..., CoachSession],
) -> None:
    model = ScriptedChatModel(
        responder=_extractor({"selection.deployment": {"value": "private", "understood": "部署在自有机房"}})
    )
    session = open_session(model=model)
    drive(session, until=lambda t: t.question is not None and t.question.id == "sel.deployment")
    turn = session.send("放在我们自己的机房里跑")
    rec = session.snapshot().answers["sel.deployment"]
    assert rec.value == "private" and rec.source == "llm"
    assert turn.question is not None and turn.question.id != "sel.deployment"

    model.responder = _extractor({"selection.deployment": {"value": "on_the_moon"}})
    turn = session.send("/revise sel.deployment")
    turn = session.send("随便找个地方")
    assert turn.question is not None and turn.question.id == "sel.deployment", "asked again"
    assert turn.messages[-1].kind == "error"
    assert session.snapshot().answers["sel.deployment"].value == "private"


@pytest.mark.parametrize(
    "model",
    [
        ErrorChatModel(),
        ErrorChatModel(error=TimeoutError("read timed out")),
        GarbageChatModel(kind="prose"),
        GarbageChatModel(kind="bad_json"),
        GarbageChatModel(kind="wrong_types"),
        GarbageChatModel(kind="empty"),
    ],
    ids=["refused", "timeout", "prose", "bad_json", "wrong_types", "empty"],
)
def test_failing_model_keeps_the_answer_and_falls_back_for_the_turn(
    model: Any, open_session: Callable[..., CoachSession]
) -> None:
    session = open_session(model=model)
    _to_text_question(session, "req.pain_points")
    turn = session.send(PAIN)

    rec = session.snapshot().answers["req.pain_points"]
    assert rec.raw == PAIN and rec.value == PAIN and rec.status == "answered" and rec.source == "user"
    assert rec.inferred.get("requirements.target_users") == "internal", "guided signals still read the text"
    assert turn.notice and "\n" not in turn.notice and len(turn.notice) < 200
    assert turn.question is not None and turn.question.id == "req.scenario"
    assert session.snapshot().usage.failures >= 1


def test_token_budget_stops_model_calls(open_session: Callable[..., CoachSession]) -> None:
    model = ScriptedChatModel(responder=_extractor({}))
    session = open_session(model=model, settings=Settings(max_retries=0, token_budget=1500))
    _to_text_question(session, "req.pain_points")
    turns = [session.send(PAIN), session.send("坐席在通话中查看建议答案"), session.send("客服中心坐席")]
    spent = session.snapshot().usage
    assert spent.total_tokens >= 1500
    calls = len(model.calls)
    drive(session, until=lambda t: t.question is not None and t.question.stage == Stage.selection)
    assert len(model.calls) == calls, "no call past the budget"
    assert any(t.notice and "预算" in t.notice for t in turns)


def test_model_findings_are_marked_as_the_models(open_session: Callable[..., CoachSession]) -> None:
    model = ScriptedChatModel(
        responder=_extractor({"requirements.pain_points": {"risk": "计划把通话录音直接发给境外 API"}})
    )
    session = open_session(model=model)
    _to_text_question(session, "req.pain_points")
    turn = session.send(PAIN)
    assert any(m.kind == "finding" and "模型提出" in m.text for m in turn.messages)
    (finding,) = [f for f in session.snapshot().findings if f.origin == "model"]
    assert finding.evidence[0].text == PAIN
    assert finding.stage == Stage.requirements
    # revised without the risk, the model's finding goes (the model judges its own, never the rules')
    model.responder = _extractor({})
    session.send("/revise req.pain_points")
    session.send("坐席压力大")
    assert [f for f in session.snapshot().findings if f.origin == "model"] == []


def test_retries_honour_retry_after_and_are_bounded() -> None:
    import httpx
    import openai

    from graphs.model_calls import ModelHelper

    response = httpx.Response(429, headers={"retry-after": "2"}, request=httpx.Request("POST", "http://x/v1"))
    error = openai.RateLimitError("slow down", response=response, body=None)
    model = ErrorChatModel(error=error)
    sleeps: list[float] = []
    helper = ModelHelper(model=model, settings=Settings(max_retries=2), sleep=sleeps.append)
    assert helper.draft(prompt="hello", lang="zh") is None
    assert len(model.calls) == 3 and sleeps == [2.0, 2.0]
    assert helper.notice and "429" in helper.notice and helper.usage.failures == 1
    assert "RateLimitError" not in helper.notice, "the notice says what happened, not the exception"

    sleeps.clear()
    model = ErrorChatModel(error=ValueError("bad request"))
    helper = ModelHelper(model=model, settings=Settings(max_retries=2), sleep=sleeps.append)
    assert helper.draft(prompt="hello", lang="zh") is None
    assert len(model.calls) == 1 and sleeps == [], "no retry for an error that won't go away"


def test_a_streamed_answer_is_retried_after_retry_after_only_before_its_first_token() -> None:
    """The /ask path streams: a 429 before any token waits as asked and tries again; a stream that
    broke after showing text is not sent again (the user would see the start twice)."""
    import httpx
    import openai
    from langchain_core.messages import AIMessageChunk
    from langchain_core.outputs import ChatGenerationChunk

    from graphs.model_calls import ModelHelper

    response = httpx.Response(429, headers={"retry-after": "3"}, request=httpx.Request("POST", "http://x/v1"))
    model = ErrorChatModel(error=openai.RateLimitError("slow down", response=response, body=None))
    sleeps: list[float] = []
    shown: list[str] = []
    helper = ModelHelper(model=model, settings=Settings(max_retries=2), sleep=sleeps.append)
    assert helper.answer(prompt="什么是RAG？", lang="zh", passages=[], on_token=shown.append) is None
    assert len(model.calls) == 3 and sleeps == [3.0, 3.0] and shown == []
    assert helper.notice and "429" in helper.notice

    class BreaksMidStream(ErrorChatModel):
        def _stream(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> Any:
            self.calls.append("stream")
            yield ChatGenerationChunk(message=AIMessageChunk(content="RAG 是"))
            raise ConnectionError("connection reset")

    broken = BreaksMidStream()
    sleeps.clear()
    helper = ModelHelper(model=broken, settings=Settings(max_retries=2), sleep=sleeps.append)
    assert helper.answer(prompt="什么是RAG？", lang="zh", passages=[], on_token=shown.append) is None
    assert broken.calls == ["stream"] and sleeps == [] and shown == ["RAG 是"]


@pytest.mark.allow_model_calls
def test_api_key_never_reaches_the_store_or_the_notice(open_session: Callable[..., CoachSession]) -> None:
    """A real ChatOpenAI pointed at a closed port: the failure is told without the key."""
    import socket

    from agent.config import coach_home

    key = "sk-test-DoNotLeak-0123456789abcdef"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(
        api_key=key, base_url=f"http://127.0.0.1:{port}/v1", model="m", max_retries=1, timeout_s=2
    )
    session = open_session(settings=settings)
    _to_text_question(session, "req.pain_points")
    turn = session.send(f"{PAIN}，我们的密钥是 {key}")
    assert turn.notice and key not in turn.notice
    assert session.snapshot().mode == "llm"
    session.close()
    for path in coach_home().glob("sessions.sqlite*"):
        assert key.encode() not in path.read_bytes(), path


def test_error_messages_are_scrubbed_of_the_key() -> None:
    from graphs.model_calls import ModelHelper

    key = "sk-live-abcdefghijklmnop"
    model = ErrorChatModel(error=ValueError(f"Incorrect API key provided: {key}"))
    helper = ModelHelper(model=model, settings=Settings(api_key=key, max_retries=0))
    assert helper.draft(prompt="x", lang="en") is None
    assert helper.notice and key not in helper.notice and "***" in helper.notice
    other = "sk-proj-ZYXWVUTSRQ9876"
    helper = ModelHelper(
        model=ErrorChatModel(error=ValueError(f"bad key {other}")), settings=Settings(max_retries=0)
    )
    helper.draft(prompt="x", lang="en")
    assert helper.notice and other not in helper.notice, "anything shaped like a key is masked"


def test_narratives_are_drafted_at_wrap_up(open_session: Callable[..., CoachSession]) -> None:
    model = ScriptedChatModel(responder=_extractor({}))
    session = open_session(model=model)
    drive(session)
    narratives = session.snapshot().narratives
    assert set(narratives) >= {"requirement_spec.overview", "model_selection.conclusion"}
    assert all(v.startswith("草稿段落") for v in narratives.values())


def test_an_unusable_draft_is_discarded_and_the_next_section_still_drafted(
    open_session: Callable[..., CoachSession],
) -> None:
    """A draft in the wrong script (what SmolLM2 really returned: a list of dates) never reaches a
    document; the other sections are still drafted, and the user is told once."""
    drafts = iter(["1. 2018-03-24 2. 2019-05-27 3. 2020-06-28 4. 2021-07-29"])

    def respond(messages: list[BaseMessage], kwargs: dict[str, Any]) -> Any:
        if field_of(messages) is not None:
            return {"understood": "已理解"}
        return next(drafts, "草稿段落 [1]。")

    model = ScriptedChatModel(responder=respond)
    session = open_session(model=model)
    last, _ = drive(session)
    narratives = session.snapshot().narratives
    n_calls = sum(1 for r in model.requests if r.kind == "narrative")
    assert len(narratives) == n_calls - 1 >= 3
    assert all(v.startswith("草稿段落") for v in narratives.values())
    assert last.notice is not None and "不是中文" in last.notice


def test_a_model_that_cannot_draft_is_asked_only_twice(open_session: Callable[..., CoachSession]) -> None:
    model = ScriptedChatModel(
        responder=lambda m, k: {"understood": "已理解"} if field_of(m) else "</passage> </findings>"
    )
    session = open_session(model=model)
    drive(session)
    assert session.snapshot().narratives == {}
    assert sum(1 for r in model.requests if r.kind == "narrative") == 2


def test_narrative_citations_lead_to_the_passages_the_model_was_shown(
    open_session: Callable[..., CoachSession], tmp_path: Path
) -> None:
    """Each narrative cites [1], [3] and an out-of-range [7]: in the exported Markdown every [n] of
    the paragraph is entry n of that document's source list, the passage the model's prompt
    numbered so; [7] is gone and the text is otherwise as the model wrote it."""
    from agent.deliverables.context import md_escape
    from agent.deliverables.export import export_deliverables
    from agent.deliverables.registry import load_registry
    from knowledge.pack import get_passage

    reply = "试点范围清晰[1]，数据需先治理[3]，另见[7]。"
    model = ScriptedChatModel(responder=lambda m, k: {"understood": "已理解"} if field_of(m) else reply)
    session = open_session(model=model)
    drive(session, BANK_CASE)
    shown: dict[str, dict[int, str]] = {}
    for r in model.requests:
        if r.kind == "narrative":
            head = re.search(r"Draft the section `(\w+)` of the deliverable `(\w+)`", r.text)
            assert head is not None
            ids = re.findall(r'<passage n="(\d+)" id="([^"]+)"', r.text)
            shown[head[2]] = {int(n): pid for n, pid in ids}
    assert len(shown) == 4 and all(len(ids) >= 3 for ids in shown.values()), shown

    export_deliverables(session.snapshot(), tmp_path, formats=["md"])

    mark = "> *模型起草，请人工核对*："
    for spec in load_registry():
        if spec.id not in shown:
            continue
        (path,) = tmp_path.glob(f"*_{spec.title_in('zh')}.md")
        markdown = path.read_text(encoding="utf-8")
        (line,) = [x.removeprefix(mark) for x in markdown.splitlines() if x.startswith(mark)]
        assert re.sub(r"\[\d+\]", "[]", line) == "试点范围清晰[]，数据需先治理[]，另见。", line
        sources = markdown.split("## 参考来源", 1)[1]
        entries = dict(re.findall(r"^- \[(\d+)\] (.+)$", sources, flags=re.M))
        for n, k in zip(re.findall(r"\[(\d+)\]", line), (1, 3), strict=True):
            passage = get_passage(shown[spec.id][k])
            assert passage is not None
            entry = entries[n]
            assert entry.endswith(f" § {md_escape(passage.section)} — {md_escape(passage.title)}"), (
                spec.id,
                f"[{n}] should be the prompt's [{k}] {passage.id}",
                entry,
            )


def test_endpoint_without_tool_calling_falls_back_to_json_in_text(
    open_session: Callable[..., CoachSession],
) -> None:
    """A server that rejects `tools` (HTTP 400) is asked for plain JSON instead, once and for all."""
    reply = '```json\n{"understood": "坐席压力大", "data__personal_data": true}\n```'
    model = no_tools(lambda m, k: reply if field_of(m) else "ok [1]", usage=True)
    session = open_session(model=model)
    _to_text_question(session, "req.pain_points")
    turn = session.send(PAIN)
    assert turn.notice is None
    assert session.snapshot().answers["req.pain_points"].inferred["data.personal_data"] is True
    assert model.calls.count("rejected") == 1
    assert "data__personal_data: boolean" in model.calls[-1], "the keys are named in the text"
    session.send("坐席在通话中查看建议答案")
    assert model.calls.count("rejected") == 1, "tools are not tried again"
