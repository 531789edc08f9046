"""A scripted run (`coach run`, `graphs.scripted.run_answers`) takes the interview's steps without
LangGraph; it must end exactly where a session answering the same records through the graph ends.
The reference here drives the real graph (in-memory checkpointer) the way `run_answers` did before
it left LangGraph: every example answers file, both languages, guided mode, and one run in LLM mode
(the wrap-up's drafts) — the whole snapshot compared, findings, open questions and narratives included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fakes import ScriptedChatModel
from langgraph.checkpoint.memory import InMemorySaver

from agent.answers_schema import file_answers_to_records
from agent.config import load_settings
from agent.deliverables.answers_file import load_answers_file
from agent.profile import ProjectInfo
from agent.snapshot import AnswerRecord, ProjectSnapshot
from graphs.context import Context, breaker_for
from graphs.graph import build_graph
from graphs.scripted import file_answer, run_answers, with_stated
from graphs.session import CoachSession

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))


def _through_the_graph(
    name: str, answers: dict[str, AnswerRecord], lang: str, model: Any = None
) -> ProjectSnapshot:
    """The reference: the same answers fed one per pause to the LangGraph session."""
    settings = load_settings()
    ctx = Context(
        settings=settings, model=model, retriever=None, breaker=breaker_for(settings, scripted=True)
    )
    graph = build_graph(checkpointer=InMemorySaver())
    session = CoachSession(name=name, thread_id="reference", store=None, graph=graph, ctx=ctx)
    state = session._start(ProjectInfo(name=name), lang, None)
    for _ in range(4 * len(ctx.bank) + 20):
        if state.question_id is None:
            break
        if state.follow_up is not None:
            session._advance("/skip")
        else:
            session.record(file_answer(answers, state, ctx))
        state = session._paused or session._state()
    else:  # pragma: no cover
        raise AssertionError("the graph's interview did not finish")
    return with_stated(answers, state, session.snapshot, ctx)


def _records(path: Path) -> dict[str, AnswerRecord]:
    data, _ = load_answers_file(path)
    return file_answers_to_records(data)


def _comparable(snapshot: ProjectSnapshot) -> dict[str, Any]:
    dumped = snapshot.model_dump(mode="json")
    for key in ("generated_at", "updated_at", "created_at"):
        dumped.pop(key, None)
    for record in dumped.get("answers", {}).values():
        record.pop("at", None)
    return dumped


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_scripted_run_ends_where_the_graph_ends(example: Path, lang: str) -> None:
    answers = _records(example)
    scripted = run_answers(example.stem, answers, lang=lang)  # type: ignore[arg-type]
    reference = _through_the_graph(example.stem, answers, lang)
    assert scripted.done and reference.done
    assert _comparable(scripted) == _comparable(reference)


def test_in_llm_mode_the_scripted_run_drafts_the_narratives_the_graph_drafts() -> None:
    example = next(p for p in EXAMPLES if p.stem.startswith("bank"))
    answers = _records(example)

    def model() -> ScriptedChatModel:
        return ScriptedChatModel(responder=lambda messages, kwargs: "草稿：依据回答整理。[1]")

    scripted_model, reference_model = model(), model()
    scripted = run_answers(example.stem, answers, lang="zh", model=scripted_model)
    reference = _through_the_graph(example.stem, answers, "zh", model=reference_model)
    assert scripted.narratives, "the wrap-up drafted nothing: the LLM path was not taken"
    assert _comparable(scripted) == _comparable(reference)
    assert scripted_model.calls == reference_model.calls, "the model was asked different things"


def test_a_scripted_run_in_guided_mode_never_loads_langgraph(tmp_path: Path) -> None:
    """LangGraph's import (langchain-core's tracers, LangSmith) was a third of `coach run`'s time:
    a guided scripted run, deliverables included, must not load it."""
    import os
    import subprocess
    import sys

    example = next(p for p in EXAMPLES if p.stem.startswith("bank"))
    script = (
        "import sys\n"
        "from cli.main import main\n"
        f"code = main(['run', '--answers', {str(example)!r}, '--out', {str(tmp_path / 'out')!r},"
        " '--format', 'md,json'])\n"
        "loaded = [m for m in ('langgraph', 'langsmith', 'langchain_core', 'langchain_openai') if m in sys.modules]\n"
        "print('LOADED', code, ','.join(loaded))\n"
    )
    env = {
        k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COACH_MODEL")
    }
    proc = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-800:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("LOADED"))
    assert line == "LOADED 0 ", f"a scripted run loaded: {line}"
    assert (tmp_path / "out" / "report.json").is_file()
