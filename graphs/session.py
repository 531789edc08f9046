"""The facade the TUI and `coach run` use: named projects on the coaching graph.

`CoachSession.open(name)` resumes (or starts) a project persisted in `COACH_HOME/sessions.sqlite`;
`send(text)` feeds one input through the graph and returns the `Turn` to show; `snapshot()` is the
whole picture for deliverables. `run_answers` drives the same graph from an answers dict, without
touching the saved sessions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel

from agent.config import Settings, load_settings
from agent.errors import InputError, StorageError
from agent.profile import ProjectInfo
from agent.snapshot import AnswerRecord, CoachMessage, ProjectSnapshot, QuestionView, Turn
from agent.types import Lang, Passage, Stage
from graphs.storage import SessionStore, normalise_name, storage_errors

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from agent.questions import Question
    from graphs.context import Context, Retriever
    from graphs.state import CoachState

_DURABILITY = "sync"
"""Every step is committed before the next starts: a kill never loses a recorded answer."""


class ProjectSummary(BaseModel):
    """One saved project, as `coach projects` and the TUI picker list it."""

    name: str
    lang: Lang = "zh"
    stage: Stage = Stage.requirements
    readiness: int = 0
    """Mean readiness over the seven stages, 0–100."""
    done: bool = False
    updated_at: datetime | None = None


class LazyKnowledgeBase:
    """The knowledge base, opened on the first user question (Chroma and the embedder load slowly)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._kb: Any = None
        self._lock = threading.Lock()

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        stage: Stage | None = None,
        kind: str | None = None,
        scope: Any = "all",
    ) -> list[Passage]:
        with self._lock:
            if self._kb is None:
                from knowledge.store import KnowledgeBase

                self._kb = KnowledgeBase.open(self.settings)
        result: list[Passage] = self._kb.search(query, k=k, stage=stage, kind=kind, scope=scope)
        return result


def state_of(values: dict[str, Any]) -> CoachState:
    """The graph's state values as a `CoachState`."""
    from graphs.state import CoachState

    names = {f.name for f in fields(CoachState)}
    return CoachState(**{k: v for k, v in values.items() if k in names})


def question_view(state: CoachState, ctx: Context) -> QuestionView | None:
    """The pending question (or the model's follow-up) ready to display."""
    from agent.answers import build_profile_with_provenance
    from graphs.answering import current_label, suggestion

    if state.question_id is None:
        return None
    q = ctx.bank.find(state.question_id)
    if q is None:
        return None
    profile, provenance = build_profile_with_provenance(state.answers, state.project, ctx.bank)
    applicable = [x.id for x in ctx.bank.applicable(q.stage, profile)]
    index = applicable.index(q.id) + 1 if q.id in applicable else 0
    view = q.view(state.lang, profile, index, len(applicable))
    if state.follow_up is not None:
        hint = (
            "可直接回答，或 /skip 跳过追问"
            if state.lang == "zh"
            else "Answer, or /skip to skip the follow-up"
        )
        return view.model_copy(
            update={
                "id": f"{q.id}#follow-up",
                "text": state.follow_up,
                "help": hint,
                "type": "text",
                "options": [],
            }
        )
    if q.id in state.answers:
        rec = state.answers[q.id]
        current = current_label(q, rec, state.lang)
        note = (
            f"当前答案：{current}（直接回车保留）"
            if state.lang == "zh"
            else f"Current answer: {current} (Enter keeps it)"
        )
        view = view.model_copy(update={"help": f"{note}\n{view.help}".strip(), "current": current})
    return _with_suggestion(view, q, state.lang, suggestion(q, profile, provenance))


def _with_suggestion(view: QuestionView, q: Question, lang: Lang, value: Any) -> QuestionView:
    """`view` offering `value` (inferred from earlier answers; None: none) as the answer Enter
    confirms."""
    from agent.parsing import is_confirmation
    from graphs.text import t

    if value is None:
        return view
    label = q.value_label(value, lang)
    key = "suggested" if q.type in ("choice", "multi") else "suggested_text"
    if not is_confirmation(q, "是"):  # 是 is an answer of its own here: only Enter confirms
        key = "suggested_yesno"
    line = t(key, lang, value=label)
    # first: the front may show only the first lines of a long help text
    return view.model_copy(update={"help": f"{line}\n{view.help}".strip(), "suggested": label})


class CoachSession:
    """One open project."""

    def __init__(
        self,
        *,
        name: str,
        thread_id: str,
        store: SessionStore | None,
        graph: Any,
        ctx: Context,
        durability: str = _DURABILITY,
    ) -> None:
        self.name = name
        self.thread_id = thread_id
        self.store = store
        self.graph = graph
        self.ctx = ctx
        self.config: dict[str, Any] = {"configurable": {"thread_id": thread_id}, "recursion_limit": 60}
        self._lock = threading.Lock()
        self._closed = False
        self._unfinished = False
        self.durability = durability
        """When steps are checkpointed: "sync" (saved sessions), "exit" (an in-memory run)."""

    @classmethod
    def open(
        cls,
        name: str,
        *,
        lang: Lang = "zh",
        sector: str | None = None,
        settings: Settings | None = None,
        model: BaseChatModel | None = None,
        retriever: Retriever | None = None,
        create: bool = True,
    ) -> CoachSession:
        """Resume the project `name`, or start it (`create=False`: InputError when it doesn't exist).

        An existing project keeps its own language. `model` defaults to the configured endpoint
        (None: guided mode); `retriever` to the knowledge base, opened on first use.
        """
        from agent.llm import make_chat_model
        from graphs.graph import build_graph, make_context

        name = normalise_name(name)
        settings = settings or load_settings()
        store = SessionStore.open()
        try:
            row = store.get(name)
            fresh = row is None
            if row is None:
                if not create:
                    raise InputError(
                        f"No project named “{name}” / 没有名为「{name}」的项目",
                        hint="`coach projects` lists them",
                    )
                row = store.create(name, lang)
            chat = model if model is not None else make_chat_model(settings)
            ctx = make_context(
                settings=settings, model=chat, retriever=retriever or LazyKnowledgeBase(settings)
            )
            graph = build_graph(checkpointer=store.saver)
            session = cls(name=name, thread_id=row["thread_id"], store=store, graph=graph, ctx=ctx)
            session._start(ProjectInfo(name=name), lang if fresh else row["lang"], sector)
        except BaseException:
            store.close()
            raise
        return session

    def _start(self, project: ProjectInfo, lang: str, sector: str | None) -> CoachState:
        """Run the graph to its first question, or finish a step a killed process left in flight;
        returns the state at the pause."""
        values: Any = None
        with self._storage():
            snap = self.graph.get_state(self.config)
            if not snap.values:
                initial = {"project": project, "lang": lang, "sector_hint": sector}
                values = self.graph.invoke(initial, self.config, context=self.ctx, durability=self.durability)
            elif snap.next and not snap.interrupts:
                values = self.graph.invoke(None, self.config, context=self.ctx, durability=self.durability)
            else:
                values = snap.values
        state = state_of(values) if isinstance(values, dict) and values else self._state()
        self._touch(state)
        return state

    def _storage(self) -> Any:
        path = self.store.path if self.store is not None else None
        if path is None:
            from contextlib import nullcontext

            return nullcontext()
        return storage_errors(path)

    def _state(self) -> CoachState:
        with self._storage():
            return state_of(self.graph.get_state(self.config).values)

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError(
                f"The session “{self.name}” is closed / 会话已关闭", hint="Open the project again"
            )

    def current(self) -> Turn:
        """The pending question and the messages since the last input, without advancing."""
        self._check_open()
        return self._turn(self._state())

    def _turn(self, state: CoachState) -> Turn:
        view = question_view(state, self.ctx)
        return Turn(
            messages=list(state.outbox),
            question=view,
            stage=state.stage,
            done=state.done and view is None,
            notice=state.notice,
        )

    def transcript(self) -> list[CoachMessage]:
        """The conversation so far, oldest first (the last `TRANSCRIPT_CAP` messages): what the
        coach said, the questions answered and what the user typed. A resumed front replays it."""
        self._check_open()
        return list(self._state().transcript)

    def send(self, text: str, *, on_token: Callable[[str], None] | None = None) -> Turn:
        """Feed one input (answer, command or question); returns what to show next."""
        from agent.scrub import scrub_key

        # the input is checkpointed as the resume value: a pasted API key must not get there
        return self._resume(scrub_key(text, self.ctx.settings), on_token)

    def _resume(self, value: Any, on_token: Callable[[str], None] | None = None) -> Turn:
        return self._turn(self._advance(value, on_token))

    def _advance(self, value: Any, on_token: Callable[[str], None] | None = None) -> CoachState:
        """Resume the graph with `value` (an input or a record); the state at the next pause."""
        from langgraph.types import Command

        self._check_open()
        ctx = replace(self.ctx, on_token=on_token) if on_token is not None else self.ctx
        with self._lock, self._storage():
            if self._unfinished:
                # the last input failed after its answer was saved: finish that step first, so
                # this input answers the question it was typed for
                pending = self.graph.get_state(self.config)
                if pending.next and not pending.interrupts:
                    self.graph.invoke(None, self.config, context=ctx, durability=self.durability)
            self._unfinished = True
            values = self.graph.invoke(
                Command(resume=value), self.config, context=ctx, durability=self.durability
            )
            self._unfinished = False
        # the values at the pause are what was just saved: no need to read them back
        state = state_of(values) if isinstance(values, dict) and values else self._state()
        self._touch(state)
        return state

    def record(self, record: AnswerRecord) -> Turn:
        """Answer the pending question with a ready-made record (answers files); not a TUI path."""
        return self._turn(self._record(record))

    def _record(self, record: AnswerRecord) -> CoachState:
        return self._advance({"record": record.model_dump(mode="json")})

    def snapshot(self) -> ProjectSnapshot:
        """The whole picture of the project now."""
        from graphs.coaching import evaluate

        self._check_open()
        return evaluate(self._state(), self.ctx)

    def mark_exported(self) -> None:
        """The deliverables were just written: nothing is stale, and later changes are measured
        against what was exported."""
        from agent.deliverables.staleness import input_hashes

        self._check_open()
        hashes = input_hashes(self.snapshot())
        with self._lock, self._storage():
            self.graph.update_state(
                self.config, {"stale_deliverables": [], "deliverable_hashes": hashes}, as_node="turn"
            )

    def _touch(self, state: CoachState | None = None) -> None:
        if self.store is None:
            return
        state = state or self._state()
        self.store.touch(self.name, stage=state.stage.value, readiness=state.readiness, done=state.done)

    def close(self) -> None:
        """Close the database (everything is already saved)."""
        if not self._closed and self.store is not None:
            self.store.close()
        self._closed = True


def list_projects() -> list[ProjectSummary]:
    """Saved projects, most recently used first."""
    from graphs.storage import sessions_path

    if not sessions_path().exists():
        return []
    store = SessionStore.open()
    try:
        return [
            ProjectSummary(
                name=r["name"],
                lang=r["lang"] or "zh",
                stage=Stage(r["stage"] or "requirements"),
                readiness=r["readiness"] or 0,
                done=r["done"],
                updated_at=r["updated_at"],
            )
            for r in store.all()
        ]
    finally:
        store.close()


def delete_project(name: str) -> None:
    """Delete a project and its session history (InputError when there is none)."""
    store = SessionStore.open()
    try:
        store.delete(normalise_name(name))
    finally:
        store.close()


def _fresh_containers(value: Any) -> Any:
    """`value` with new dicts, lists, tuples and sets all the way down; other objects (our
    pydantic models, enums, strings) are shared."""
    kind = type(value)
    if kind is dict:
        return {k: _fresh_containers(v) for k, v in value.items()}
    if kind is list:
        return [_fresh_containers(v) for v in value]
    if kind is tuple:
        return tuple(_fresh_containers(v) for v in value)
    if kind is set:
        return {_fresh_containers(v) for v in value}
    return value


class RunSerde:
    """The checkpoint serde of a scripted run, whose checkpoints never leave memory: values are
    kept as objects instead of being encoded and decoded at every input (the state's models are
    never changed in place: nodes return updates, reducers build new containers). Containers are
    copied on the way in and out, so LangGraph's bookkeeping never aliases a saved checkpoint."""

    def dumps_typed(self, obj: Any) -> tuple[str, Any]:
        return ("object", _fresh_containers(obj))

    def loads_typed(self, data: tuple[str, Any]) -> Any:
        return _fresh_containers(data[1])


def run_answers(
    name: str,
    answers: dict[str, AnswerRecord],
    *,
    lang: Lang = "zh",
    settings: Settings | None = None,
    model: BaseChatModel | None = None,
    retriever: Retriever | None = None,
    notices: list[str] | None = None,
) -> ProjectSnapshot:
    """Drive the graph non-interactively: each question asked gets its record from `answers`
    (source `file`), a missing one is recorded as unknown (an open question). Answers to questions
    that don't apply to the project are not used. Nothing is saved under COACH_HOME. The turns'
    one-line notices (model fallbacks) are appended to `notices` when given."""
    from langgraph.checkpoint.memory import InMemorySaver

    from agent.llm import make_chat_model
    from graphs.coaching import evaluate
    from graphs.graph import build_graph, make_context

    settings = settings or load_settings()
    chat = model if model is not None else make_chat_model(settings)
    ctx = make_context(settings=settings, model=chat, retriever=retriever)
    # nothing of this run is kept: checkpoints stay objects in memory, one per input
    graph = build_graph(checkpointer=InMemorySaver(serde=cast(Any, RunSerde())))
    session = CoachSession(name=name, thread_id="run", store=None, graph=graph, ctx=ctx, durability="exit")
    state = session._start(ProjectInfo(name=name), lang, None)
    limit = 4 * len(ctx.bank) + 20
    for _ in range(limit):
        qid = state.question_id
        if qid is None:
            break
        if state.follow_up is not None:
            state = session._advance("/skip")
            continue
        q = ctx.bank.get(qid)
        given = answers.get(q.id)
        if given is None:
            given = AnswerRecord(
                question_id=q.id, stage=q.stage, field=q.field, status="unknown", source="file"
            )
        state = session._record(given.model_copy(update={"source": "file"}))
        if notices is not None and state.notice and state.notice not in notices:
            notices.append(state.notice)
    else:  # pragma: no cover - a loop here is a graph bug
        raise RuntimeError("run_answers: the interview did not finish")
    return evaluate(state, ctx)
