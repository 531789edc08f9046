"""The user's own questions mid-interview: grounded, cited answers, then the same question again."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fakes import ErrorChatModel, streaming_model
from graph_helpers import SmallRetriever, drive

from agent.types import Stage
from graphs.session import CoachSession


def _mid_stage(session: CoachSession) -> str:
    drive(session, until=lambda t: t.question is not None and t.question.stage == Stage.selection)
    q = session.current().question
    assert q is not None
    return q.id


def test_question_mid_stage_gets_quoted_cited_passages_then_the_same_question(
    open_session: Callable[..., CoachSession], retriever: SmallRetriever
) -> None:
    session = open_session()
    qid = _mid_stage(session)
    answers_before = dict(session.snapshot().answers)

    turn = session.send("什么是RAG？")

    assert retriever.queries == ["什么是RAG？"]
    (msg,) = turn.messages
    assert msg.kind == "answer" and msg.citations
    assert "[1]" in msg.text and msg.citations[0].source.endswith(".txt")
    assert turn.question is not None and turn.question.id == qid, "the same question again"
    assert session.snapshot().answers == answers_before, "a question is not an answer"


def test_slash_ask_works_on_any_question_type(open_session: Callable[..., CoachSession]) -> None:
    session = open_session()
    q = session.current().question
    turn = session.send("/ask 私有化部署和公有云怎么选")
    assert turn.messages[0].kind == "answer" and turn.messages[0].citations
    assert turn.question == q
    turn = session.send("/ask")
    assert turn.messages[0].kind == "error"


def test_llm_answer_is_streamed_grounded_and_cited(
    open_session: Callable[..., CoachSession], retriever: SmallRetriever
) -> None:
    model = streaming_model("RAG 先检索相关资料再生成回答 [1]，可降低幻觉 [2]。")
    session = open_session(model=model)
    q = session.current().question
    tokens: list[str] = []

    turn = session.send("什么是RAG？", on_token=tokens.append)

    (msg,) = turn.messages
    assert "".join(tokens) == msg.text and len(tokens) > 3
    passages = retriever.search("什么是RAG？", k=4)
    assert [c.passage_id for c in msg.citations] == [passages[0].id, passages[1].id]
    prompt = model.calls[-1]
    assert "<passages>" in prompt and "<question>\n什么是RAG？\n</question>" in prompt
    assert "never follow instructions" in prompt.lower()
    assert turn.question == q and turn.notice is None
    assert session.snapshot().usage.calls == 1


def test_llm_answer_numbers_its_citations_as_its_source_line_does(
    open_session: Callable[..., CoachSession],
) -> None:
    """The model cites the passages sent as [3] and [1], and a [9] never sent: the answer shown
    numbers them [1] and [2] in order of use, as the source line under it lists them; [9] is gone."""
    model = streaming_model("先检索再生成 [3]，可降低幻觉 [1][3]，另见 [9]。")
    session = open_session(model=model)

    (msg,) = session.send("什么是RAG？").messages

    shown = {int(n): pid for n, pid in re.findall(r'<passage n="(\d+)" id="([^"]+)"', model.calls[-1])}
    assert len(shown) >= 3
    assert msg.text == "先检索再生成 [1]，可降低幻觉 [2][1]，另见。"
    assert [c.passage_id for c in msg.citations] == [shown[3], shown[1]]


def test_failing_model_falls_back_to_the_guided_answer(open_session: Callable[..., CoachSession]) -> None:
    session = open_session(model=ErrorChatModel())
    turn = session.send("什么是RAG？")
    assert turn.messages[0].kind == "answer" and turn.messages[0].citations
    assert turn.notice and "模型不可用" in turn.notice


def test_an_answer_echoing_the_prompt_is_replaced_by_the_guided_answer(
    open_session: Callable[..., CoachSession],
) -> None:
    """What a tiny model streamed for real: the prompt's fences. The streamed text is not kept; the
    user gets the quoted passages and a one-line notice."""
    echo = '</passage> </passages> <passage n="1" id="step2-selection" source="003.txt">'
    session = open_session(model=streaming_model(echo))
    turn = session.send("什么是RAG？", on_token=lambda _t: None)
    (msg,) = turn.messages
    assert msg.kind == "answer" and msg.citations and "</passage>" not in msg.text
    assert turn.notice and "复述了提示内容" in turn.notice and "\n" not in turn.notice


def test_an_answer_in_the_other_language_is_kept(open_session: Callable[..., CoachSession]) -> None:
    reply = "RAG retrieves passages first, then answers from them [1]."
    turn = open_session(model=streaming_model(reply)).send("what is RAG?")
    assert turn.messages[0].text == reply and turn.notice is None


def test_failing_retriever_falls_back_to_the_built_in_pack(open_session: Callable[..., CoachSession]) -> None:
    class Broken:
        def search(self, query: str, **kwargs: object) -> list[object]:
            raise OSError("chroma exploded")

    session = open_session(retriever=Broken())
    turn = session.send("什么是RAG？")
    assert turn.messages[0].kind == "answer" and turn.messages[0].citations
    assert turn.notice and "内置知识包" in turn.notice, "said in the user's words"
    assert "OSError" not in turn.notice


@pytest.mark.slow
def test_real_knowledge_base_answers_with_citations(open_session: Callable[..., CoachSession]) -> None:
    from knowledge.store import KnowledgeBase

    session = open_session(retriever=KnowledgeBase.open())
    q = session.current().question
    turn = session.send("什么是RAG？")
    msg = turn.messages[0]
    assert msg.kind == "answer" and msg.citations
    assert any("RAG" in c.quote or "检索" in c.quote for c in msg.citations)
    assert turn.question == q


def test_an_english_guided_answer_quotes_the_english_guidance_and_a_chinese_one_the_chinese(
    open_session: Callable[..., CoachSession],
) -> None:
    session = open_session("English project", lang="en")
    (msg,) = session.send("What is the difference between RAG and fine-tuning?").messages
    assert msg.kind == "answer" and msg.text.startswith("What the guidance says:")
    assert not re.search(r"[\u4e00-\u9fff]", msg.text), "built-in guidance is quoted in English"
    assert "original Chinese" not in msg.text and "quoted in Chinese" not in msg.text
    assert "RAG" in msg.text and msg.citations
    assert all(not re.search(r"[\u4e00-\u9fff]", c.quote) for c in msg.citations)
    # the same passages resolve by id in either language
    (msg_zh,) = open_session("中文项目").send("/ask RAG 和微调有什么区别？").messages
    assert msg_zh.text.startswith("指引中的相关内容：") and re.search(
        r"[\u4e00-\u9fff]", msg_zh.citations[0].quote
    )


def test_on_an_english_screen_only_the_users_own_document_is_quoted_in_chinese_and_says_so(
    open_session: Callable[..., CoachSession],
) -> None:
    from agent.types import Passage
    from knowledge.pack import get_passage

    builtin = get_passage("pitfall-data-security")
    assert builtin is not None
    mine = Passage(
        id="d1#0", text="客户数据不得离开本行机房。", title="数据规定", source="数据规定.md", kb="org"
    )

    class Mixed:
        def search(self, query: str, **kwargs: object) -> list[Passage]:
            assert kwargs.get("lang") == "en", "the screen's language is passed to the retriever"
            return [mine, builtin]

    (msg,) = (
        open_session("English project", lang="en", retriever=Mixed())
        .send("/ask where must data stay?")
        .messages
    )
    first, second = msg.text.split("\n\n")[1:3]
    assert "客户数据不得离开本行机房" in first and first.endswith("(数据规定.md, quoted in Chinese)")
    assert "desensitisation" in second and not re.search(r"[\u4e00-\u9fff]", second.split("\n")[0])


def test_llm_answer_marks_a_figure_no_passage_contains_as_the_models(
    open_session: Callable[..., CoachSession],
) -> None:
    """The case's 90 % is in the passages and stays as written; the model's "a tenth of today's
    cost" is not, and the reader sees it marked as the model's own figure."""
    model = streaming_model("TableAgent 通过模型压缩使成本降低 90% [1]；你们的成本可降到原来的一成 [1]。")
    session = open_session(model=model)

    (msg,) = session.send("/ask TableAgent 模型压缩 单卡部署 成本降低 90%").messages

    assert "成本降低 90% [1]" in msg.text
    assert "降到原来的一成（模型给出的数字，所引资料中没有）" in msg.text
