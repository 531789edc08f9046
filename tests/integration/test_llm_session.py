"""A full LLM-mode session and a scripted `coach run` against the real llama.cpp server.

The tiny model's output is poor, so the tests assert on the plumbing: the model is called, every
answer is kept, a parsed value or a graceful guided fallback with a notice (never a crash or a
lost answer), tokens are counted, and the rules decide the findings. Only a few turns reach the
model (typed answers cost no call; "不知道" to free-text questions neither) and the token budget
stops the wrap-up drafting early, so the tier stays within minutes on two cores.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

from agent.snapshot import QuestionView, Turn
from cli.main import main
from graphs.asking import pack_search
from graphs.session import CoachSession

from .conftest import write_config
from .llama_server import LlamaServer

REPO = Path(__file__).resolve().parents[2]
FREE_TEXT = "星河银行信用卡中心，客服约三百人，系统会处理持卡人的个人信息，计划私有化部署。"
BUDGET = 2_000
UNREADABLE = "嗯，这个嘛，说来话长，反正就是那一类的吧。"


class PackRetriever:
    """The retriever seam filled with the pack's word search (the vector store has its own tests)."""

    def search(self, query: str, *, k: int = 5, **_: object) -> list[Any]:
        return pack_search(query, k=k)


def typed_answer(q: QuestionView) -> str:
    """An answer the guided parser reads without the model; free text is "don't know"."""
    if q.id.endswith("#follow-up") or q.id.startswith("conflict:"):
        return "/skip"  # a follow-up, or answers that contradict each other: left as they are
    return {"yesno": "否", "choice": "1", "multi": "1", "number": "10"}.get(q.type, "不知道")


def finish_interview(session: CoachSession, turn: Turn, sent: dict[str, str]) -> Turn:
    """Answer every remaining question with typed answers; records what was sent per question."""
    for _ in range(300):
        q = turn.question
        if q is None:
            return turn
        text = typed_answer(q)
        if not q.id.endswith("#follow-up") and not q.id.startswith("conflict:"):
            sent[q.id] = text
        turn = session.send(text)
    raise AssertionError("the interview did not finish within 300 answers")


def one_line(notice: str | None) -> bool:
    return bool(notice) and "\n" not in str(notice).strip()


def test_llm_session_streams_keeps_every_answer_counts_tokens_and_rules_decide(
    llm_env: LlamaServer, coach_home: Path
) -> None:
    # The budget admits the /ask and the free-text extraction (~1,000-1,400 tokens each), then stops
    # the model: the wrap-up narratives (~2,000-token prompts, slow on two CPU cores) are left to
    # guided text, which is the budget behaving as designed.
    write_config(coach_home, token_budget=BUDGET)
    session = CoachSession.open("integration-llm", retriever=PackRetriever())
    try:
        assert session.snapshot().mode == "llm"
        turn = session.current()
        assert turn.question is not None

        pending = turn.question
        # the user's own question: the answer streams token by token (or falls back, cited)
        tokens: list[str] = []
        turn = session.send("/ask 什么是检索增强生成（RAG）？", on_token=tokens.append)
        answers = [m for m in turn.messages if m.kind == "answer"]
        assert answers, "a question always gets an answer"
        ask_answered = turn.notice is None
        if ask_answered:
            assert len(tokens) > 1, "tokens arrive incrementally"
            assert answers[0].text.strip() == "".join(tokens).strip()
        else:
            assert one_line(turn.notice) and answers[0].citations
        assert turn.question is not None and turn.question.id == pending.id
        sent: dict[str, str] = {}

        # a free-text answer: extracted by the model, or kept as typed with a notice
        qid = turn.question.id
        assert turn.question.type == "text", f"expected a free-text first question, got {qid}"
        sent[qid] = FREE_TEXT
        turn = session.send(FREE_TEXT)
        rec = session.snapshot().answers[qid]
        assert rec.raw.startswith(FREE_TEXT)
        spent = session.snapshot().usage.total_tokens >= BUDGET
        assert rec.source == "llm" or one_line(turn.notice) or spent, "a fallback must be told"
        extracted = rec.source == "llm"

        turn = finish_interview(session, turn, sent)
        snap = session.snapshot()
    finally:
        session.close()

    for question_id, text in sent.items():
        assert question_id in snap.answers, f"answer to {question_id} lost"
        assert snap.answers[question_id].raw.startswith(text)
    rule_ids = {f.id for f in snap.findings if f.origin == "rule"}
    assert "poc-no-decision-maker" in rule_ids, "the rules flag the absent decision-maker ('否')"
    usage = snap.usage
    assert usage.calls >= 2, "the /ask and the free-text answer were sent to the model"
    # only calls that came back count as reaching it: a failed call is counted in `calls` too
    succeeded = usage.calls - usage.failures
    assert succeeded >= ask_answered + extracted, f"{usage.failures} of {usage.calls} calls failed"
    assert succeeded >= 1, "no model call succeeded"
    assert usage.prompt_tokens > 0 and usage.total_tokens > 0
    assert usage.calls <= 3, "the budget stopped the model calls"
    assert usage.total_tokens < BUDGET + 8_192


def test_free_text_for_a_choice_question_gives_a_valid_option_or_a_re_ask(llm_env: LlamaServer) -> None:
    """Structured extraction through a forced tool call: a parsed value of the right type, or the
    question asked again with the reason; the session never crashes and nothing is half-recorded."""
    session = CoachSession.open("integration-choice", retriever=PackRetriever())
    try:
        turn = session.current()
        for _ in range(10):
            assert turn.question is not None
            if turn.question.type == "choice":
                break
            turn = session.send(typed_answer(turn.question) if turn.question.type != "text" else "星河银行")
        q = turn.question
        assert q is not None and q.type == "choice"
        calls_before = session.snapshot().usage.calls
        failures_before = session.snapshot().usage.failures
        turn = session.send(UNREADABLE)
        snap = session.snapshot()
    finally:
        session.close()
    assert snap.usage.calls > calls_before, "the guided parser could not read it: the model was asked"
    rec = snap.answers.get(q.id)
    if rec is not None and rec.status == "answered":
        assert rec.source == "llm"
        succeeded = (snap.usage.calls - snap.usage.failures) - (calls_before - failures_before)
        assert succeeded >= 1, "an answer read by the model needs a call that came back"
        assert rec.value in {value for value, _label in q.options}
        assert rec.raw == UNREADABLE
    else:
        assert turn.question is not None and turn.question.id == q.id, "asked again"
        assert turn.notice or any(m.kind == "error" for m in turn.messages)


def _run(answers: Path, out: Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["run", "--answers", str(answers), "--out", str(out), "--format", "md,json"])
    return code, stdout.getvalue(), stderr.getvalue()


def test_scripted_coach_run_in_llm_mode_writes_the_report(
    llm_env: LlamaServer, coach_home: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    example = REPO / "examples" / "bank_customer_service.yaml"
    write_config(coach_home, token_budget=BUDGET)  # one or two extractions, no narratives
    code, stdout, stderr = _run(example, tmp_path / "llm")
    assert code == 0, stderr
    assert "Traceback" not in stdout + stderr
    report = json.loads((tmp_path / "llm" / "report.json").read_text(encoding="utf-8"))
    assert report["mode"] == "llm"
    usage = report["usage"]
    assert usage["calls"] >= 1 and usage["prompt_tokens"] > 0
    assert f"{usage['calls']} 次" in stdout, "the summary states the model's calls"

    # the same file in guided mode: every rule finding is there in LLM mode too
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "COACH_MODEL"):
        monkeypatch.delenv(var)
    code, _, stderr = _run(example, tmp_path / "guided")
    assert code == 0, stderr
    guided = json.loads((tmp_path / "guided" / "report.json").read_text(encoding="utf-8"))
    assert guided["mode"] == "guided" and guided["usage"] is None
    guided_ids = {p["id"] for p in guided["pitfalls"]}
    llm_ids = {p["id"] for p in report["pitfalls"]}
    assert guided_ids, "the example triggers rules"
    assert guided_ids <= llm_ids, f"LLM mode lost rule findings: {sorted(guided_ids - llm_ids)}"
    for d in report["deliverables"]:
        for f in d["files"]:
            assert (tmp_path / "llm" / f).is_file() or Path(f).is_file()
