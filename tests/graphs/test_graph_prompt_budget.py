"""Every prompt fits the configured context: a full LLM-mode session with long answers, long
retrieved passages, a follow-up and the wrap-up narratives never sends more than the budget, and
what is cut keeps its fencing and its citations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import openai
import pytest
from fakes import ScriptedChatModel, field_of
from langchain_core.messages import BaseMessage

from agent.config import Settings
from agent.types import Passage, Stage
from graphs.session import CoachSession
from prompts.fit import fit_tokens, prompt_budget

LONG_ANSWER = (
    "我们是一家城市商业银行的信用卡中心，客服每天要接两千多通电话，坐席流失率高，"
    "新人培训要三个月。通话中涉及客户的身份证号、卡号和交易记录，都是个人信息。"
    "我们计划私有化部署大模型，结合内部知识库做坐席辅助，先在账单查询和分期业务试点。"
) * 12
"""About 1,000 Chinese characters: a user pasting a long description."""


class LongPassages:
    """A retriever returning user-document chunks of the maximum size (500+ characters each)."""

    def __init__(self) -> None:
        base = (
            "企业在客服场景落地大模型时，应先设定可衡量的目标。幻觉是专业场景的主要风险，"
            "可通过检索增强生成（RAG）让回答有据可查。关键输出需要人工复核。"
            "个人信息不应离开组织边界，高隐私场景首选私有化部署。评测要覆盖准确率、时延和幻觉率。"
        )
        self.passages = [
            Passage(
                id=f"doc-{i}#0",
                text=(base * 4)[i * 7 :] + f"第{i}段结束。",
                title=f"用户文档 {i}",
                source=f"guide-{i}.md",
                section="落地指南",
                stages=list(Stage),
                kb="user",
            )
            for i in range(6)
        ]

    def search(self, query: str, *, k: int = 5, **kwargs: Any) -> list[Passage]:
        return self.passages[:k]


def _responder(messages: list[BaseMessage], kwargs: dict[str, Any]) -> Any:
    field = field_of(messages)
    if field is None:
        return "先做私有化部署的概念验证 [1]，并设置人工复核 [2]。"
    reply: dict[str, Any] = {"understood": "已记录", "data__personal_data": True}
    if field == "requirements.pain_points":
        reply["follow_up"] = "目前一次解决率是多少？"
    return reply


def _full_session(
    open_session: Callable[..., CoachSession], settings: Settings
) -> tuple[ScriptedChatModel, CoachSession]:
    model = ScriptedChatModel(responder=_responder)
    session = open_session(model=model, retriever=LongPassages(), settings=settings)
    turn = session.current()
    asked: set[Stage] = set()
    typed = {"choice": "1", "multi": "1,2", "yesno": "是", "number": "10"}
    for _ in range(300):
        if turn.done:
            break
        q = turn.question
        assert q is not None
        if q.stage not in asked:
            asked.add(q.stage)
            session.send("/ask 客服场景如何防止大模型幻觉，需要哪些评测？" + "请详细说明。" * 80)
        if q.id.endswith("#follow-up"):
            turn = session.send("大约六成，" + LONG_ANSWER)
        else:
            turn = session.send(typed.get(q.type, LONG_ANSWER))
    assert turn.done
    return model, session


def test_no_prompt_of_a_full_session_exceeds_the_configured_context(
    open_session: Callable[..., CoachSession],
) -> None:
    settings = Settings(max_retries=0)
    assert settings.context_tokens == 4096
    model, session = _full_session(open_session, settings)

    budget = prompt_budget(settings.context_tokens)
    assert budget <= 3000, "a 4,096-token context keeps room for the 800-token reply"
    kinds = {r.kind for r in model.requests}
    assert kinds >= {"extract", "follow-up", "ask", "narrative"}, kinds
    sizes = {(r.kind, fit_tokens(r.payload)) for r in model.requests}
    over = sorted(s for s in sizes if s[1] > budget)
    assert not over, f"prompts over the {budget}-token budget: {over}"
    for r in model.requests:  # the tool offers a few other fields, not the whole stage's
        if r.tools:
            offered = r.tools[0]["function"]["parameters"]["properties"]
            assert len(offered) <= 5 + 6, sorted(offered)

    for r in model.requests:  # cut, but still fenced as data
        if r.kind in ("extract", "follow-up"):
            assert "<answer>\n" in r.text and "\n</answer>" in r.text
        if r.kind in ("ask", "narrative"):
            assert "<passages>" in r.text and "</passages>" in r.text
    # the whole answer is kept even though the model saw only part of it
    assert LONG_ANSWER in session.snapshot().answers["req.pain_points"].raw


def test_ask_cites_the_trimmed_passages_it_sent_and_a_larger_context_sends_more(
    open_session: Callable[..., CoachSession],
) -> None:
    question = "客服场景如何防止大模型幻觉？"
    prompts: dict[int, str] = {}
    for context in (4096, 16384):
        model = ScriptedChatModel(responder=lambda _m, _k: "用 RAG 让回答有据可查 [1]，人工复核 [2]。")
        session = open_session(
            f"p{context}", model=model, retriever=LongPassages(), settings=Settings(context_tokens=context)
        )
        turn = session.send(f"/ask {question}")
        (msg,) = turn.messages
        prompt = model.calls[-1]
        prompts[context] = prompt
        assert [c.passage_id for c in msg.citations] == ["doc-0#0", "doc-1#0"]
        for c in msg.citations:  # each citation is a passage the model was shown, quoted from it
            assert f'id="{c.passage_id}"' in prompt
            assert c.quote.rstrip("…")[:20] in prompt
        assert fit_tokens(prompt) <= prompt_budget(context)
    assert prompts[4096].count("<passage ") == 3 and prompts[16384].count("<passage ") == 4
    assert len(prompts[16384]) > 1.5 * len(prompts[4096]), "a larger context sends more of the passages"


def test_a_context_overflow_keeps_tool_calling_and_says_which_setting_to_change(
    open_session: Callable[..., CoachSession],
) -> None:
    """llama.cpp answers an over-long prompt with HTTP 400: that is not 'tools unsupported'."""

    class SmallServer(ScriptedChatModel):
        overflow: bool = True

        def _generate(
            self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
        ) -> Any:
            if not self.overflow:
                return super()._generate(messages, stop, run_manager, **kw)
            self.calls.append("overflow")
            response = httpx.Response(400, request=httpx.Request("POST", "http://x/v1"))
            raise openai.BadRequestError(
                "the request exceeds the available context size, try increasing it",
                response=response,
                body=None,
            )

    model = SmallServer(responder=_responder)
    session = open_session(model=model, settings=Settings(max_retries=0))
    turn = session.send("某城市商业银行信用卡中心")
    assert turn.notice is not None and "context_tokens" in turn.notice
    assert session.snapshot().answers["req.organisation"].value == "某城市商业银行信用卡中心"
    model.overflow = False  # the server recovers (e.g. restarted with a larger -c)
    session.send("/revise req.organisation")
    session.send("某城市商业银行信用卡中心")
    assert model.requests and model.requests[-1].tools, "tool calling is still used"


@pytest.mark.parametrize("context", [2048, 4096, 32768])
def test_prompt_budget_leaves_room_for_the_reply(context: int) -> None:
    budget = prompt_budget(context)
    assert budget + 800 <= context
    assert budget >= context // 3
