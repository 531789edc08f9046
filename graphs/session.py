"""The facade the TUI and `coach run` use: named projects on the coaching graph.

`CoachSession.open(name)` resumes (or starts) a project persisted in `COACH_HOME/sessions.sqlite`;
`send(text)` feeds one input through the graph and returns the step's `TurnResult` — what to show,
the project's evaluation included; `snapshot()` is the whole picture for deliverables.
`run_answers` (`graphs.scripted`) takes the same steps from an answers dict, in memory, without
LangGraph: it is re-exported here for the callers that know it by this module.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from langgraph.types import Command

from agent import llm
from agent.config import Settings, load_settings
from agent.deliverables.staleness import input_hashes
from agent.depth import Depth
from agent.errors import InputError, StorageError
from agent.interview import step
from agent.interview.coaching import evaluate, mean_readiness
from agent.locks import ProjectLease, ProjectReadOnly, writer_lease
from agent.profile import ProjectInfo
from agent.scrub import scrub_key
from agent.snapshot import AnswerRecord, CoachMessage, ProjectSnapshot, TurnResult
from agent.types import Lang, Passage, Stage
from graphs.context import Context, Retriever, step_deps
from graphs.drafting import Notice
from graphs.graph import build_graph
from graphs.pg_lock import Holder
from graphs.pg_storage import PgSessionStore, open_session_store
from graphs.projects import ProjectSummary, delete_project, list_projects
from graphs.scripted import run_answers
from graphs.state import CoachState, state_from
from graphs.storage import SessionStore, normalise_name, storage_errors

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = [
    "CoachSession",
    "LazyKnowledgeBase",
    "ProjectSummary",
    "delete_project",
    "list_projects",
    "run_answers",
]

_DURABILITY = "sync"
"""Every step is committed before the next starts: a kill never loses a recorded answer."""


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
        lang: Lang | None = None,
    ) -> list[Passage]:
        with self._lock:
            if self._kb is None:
                from knowledge.store import KnowledgeBase

                self._kb = KnowledgeBase.open(self.settings)
        result: list[Passage] = self._kb.search(query, k=k, stage=stage, kind=kind, scope=scope, lang=lang)
        return result


class CoachSession:
    """One open project."""

    def __init__(
        self,
        *,
        name: str,
        thread_id: str,
        store: SessionStore | PgSessionStore | None,
        graph: Any,
        ctx: Context,
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
        self._last: TurnResult | None = None
        """The result of the last step, while it is the state's latest (None: ask the state)."""
        self._paused: CoachState | None = None
        """The state at the last pause this session saw."""
        self.lease: ProjectLease | None = None
        """This process's writer lease on the project (None: read-only, or an in-memory run)."""
        self.read_only = False
        """Opened read-only (another window writes): shown, never changed."""
        self.writer: Holder | None = None
        """Team mode: who else has this project open for writing (then this session only reads)."""

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
        depth: Depth = "full",
        read_only: bool = False,
    ) -> CoachSession:
        """Resume the project `name`, or start it (`create=False`: InputError when it doesn't exist).
        `depth`: how deep a new project's interview goes (`agent.depth`; `/depth` changes it later;
        the fronts default to standard, scripts and this API to full).

        An existing project keeps its own language. `model` defaults to the configured endpoint
        (None: guided mode); `retriever` to the knowledge base, opened on first use. One writer
        per project: `ProjectBusy` (pid, since) when another session holds it, unless `read_only`
        (an existing project, shown but never changed).
        """
        name = normalise_name(name)
        settings = settings or load_settings()
        store = open_session_store(settings)  # a home or database that cannot work is refused here
        try:
            # one writer per project: a lock file here; in team mode a PostgreSQL advisory lock (below)
            lease = None if read_only or isinstance(store, PgSessionStore) else writer_lease(name)
        except BaseException:
            store.close()
            raise
        try:
            row = store.get(name)
            fresh = row is None
            if row is None:
                if not create or read_only:
                    raise InputError(
                        f"No project named “{name}” / 没有名为「{name}」的项目",
                        hint="`coach projects` lists them",
                    )
                row = store.create(name, lang)
            # the factory is looked up at call time: tests replace it
            chat = model if model is not None else llm.make_chat_model(settings)
            ctx = Context(settings=settings, model=chat, retriever=retriever or LazyKnowledgeBase(settings))
            graph = build_graph(checkpointer=store.saver)
            session = cls(name=name, thread_id=row["thread_id"], store=store, graph=graph, ctx=ctx)
            session.lease, session.read_only = lease, read_only
            if isinstance(store, PgSessionStore) and not read_only:
                session.writer = store.claim(row["thread_id"])
            if read_only:
                session._paused = session._state()
            else:
                session._start(ProjectInfo(name=name), lang if fresh else row["lang"], sector, depth)
        except BaseException:
            store.close()
            if lease is not None:
                lease.release()
            raise
        return session

    def _start(
        self, project: ProjectInfo, lang: str, sector: str | None, depth: Depth = "full"
    ) -> CoachState:
        """Run the graph to its first question, or finish a step a killed process left in flight;
        returns the state at the pause."""
        with self._storage():
            snap = self.graph.get_state(self.config)
            if self.writer is not None:  # read-only: show what the writer saved, change nothing
                return state_from(snap.values) if snap.values else CoachState()
            if not snap.values:
                initial = {"project": project, "lang": lang, "sector_hint": sector, "depth": depth}
                return self._run(initial, self.ctx)
            if snap.next and not snap.interrupts:
                return self._run(None, self.ctx)
        state = state_from(snap.values)
        self._touch(state)
        return state

    def _run(self, value: Any, ctx: Context) -> CoachState:
        """Run the graph with `value` (initial state, None, or a resume command) to its next pause;
        keeps the step's result and returns the state at the pause."""
        result: TurnResult | None = None
        notice: str | None = None
        values: Any = None
        for mode, chunk in self.graph.stream(
            value, self.config, context=ctx, durability=_DURABILITY, stream_mode=["custom", "values"]
        ):
            if mode == "values":
                values = chunk
            elif isinstance(chunk, TurnResult):
                result = chunk
            elif isinstance(chunk, Notice):
                notice = chunk.text
        # the values at the pause are what was just saved: no need to read them back
        state = state_from(values) if isinstance(values, dict) and values else self._state()
        if result is not None and notice is not None and result.notice is None:
            result = result.model_copy(update={"notice": notice})
        snap = result.snapshot if result is not None else None
        if (
            result is not None
            and snap is not None
            and (snap.narratives, snap.usage)
            != (
                state.narratives,
                state.usage,
            )
        ):  # the wrap-up node drafted narratives after the step
            snap = snap.model_copy(update={"narratives": dict(state.narratives), "usage": state.usage})
            result = result.model_copy(update={"snapshot": snap})
        self._last = result
        self._paused = state
        self._touch(state, result)
        return state

    def _storage(self) -> AbstractContextManager[Any]:
        if isinstance(self.store, PgSessionStore):
            return self.store.errors()
        path = self.store.path if self.store is not None else None
        return storage_errors(path) if path is not None else nullcontext()

    def _state(self) -> CoachState:
        with self._storage():
            return state_from(self.graph.get_state(self.config).values)

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError(
                f"The session “{self.name}” is closed / 会话已关闭", hint="Open the project again"
            )

    def current(self) -> TurnResult:
        """The pending question and the project's evaluation, without advancing (with the last
        input's messages when this session handled it)."""
        self._check_open()
        if self._last is not None:
            return self._last
        self._last = step.view(self._state(), step_deps(CoachState(), self.ctx))
        if self.writer is not None:
            self._last = self._last.model_copy(update={"notice": self.writer.message(self.name)})
        return self._last

    def transcript(self) -> list[CoachMessage]:
        """The conversation so far, oldest first (the last `TRANSCRIPT_CAP` messages): what the
        coach said, the questions answered and what the user typed. A resumed front replays it."""
        self._check_open()
        return list(self._state().transcript)

    def send(self, text: str, *, on_token: Callable[[str], None] | None = None) -> TurnResult:
        """Feed one input (answer, command or question, as typed); returns what to show next."""
        # the input is checkpointed as the resume value: a pasted API key must not get there
        return self._advance(scrub_key(text, self.ctx.settings), on_token)

    def record(self, record: AnswerRecord) -> TurnResult:
        """Answer the pending question with a ready-made record (answers files); not a TUI path."""
        return self._advance({"record": record.model_dump(mode="json")})

    def _advance(self, value: Any, on_token: Callable[[str], None] | None = None) -> TurnResult:
        """Resume the graph with `value` (an input or a record); the step's result."""
        self._check_open()
        if self.read_only:
            raise ProjectReadOnly(self.name)
        if self.writer is not None:
            raise StorageError(
                self.writer.message(self.name),
                hint="Wait until it is closed there, then open the project again / 请等对方关闭后重新打开",
            )
        ctx = replace(self.ctx, on_token=on_token) if on_token is not None else self.ctx
        with self._lock, self._storage():
            if self._unfinished:
                # the last input failed after its answer was saved: finish that step first, so
                # this input answers the question it was typed for
                pending = self.graph.get_state(self.config)
                if pending.next and not pending.interrupts:
                    self._run(None, ctx)
            self._unfinished = True
            self._last = None
            state = self._run(Command(resume=value), ctx)
            self._unfinished = False
        if self._last is None:
            self._last = step.view(state, step_deps(state, self.ctx))
        return self._last

    def snapshot(self) -> ProjectSnapshot:
        """The whole picture of the project now (the last step's evaluation when there is one)."""
        turn = self.current()
        if turn.snapshot is not None:
            return turn.snapshot
        return evaluate(self._state(), step_deps(CoachState(), self.ctx))  # pragma: no cover

    def mark_exported(self) -> None:
        """The deliverables were just written: nothing is stale, and later changes are measured
        against what was exported. A read-only session (team mode: someone else writes) exports
        without recording it."""
        if self.writer is not None:
            return
        hashes = input_hashes(self.snapshot())
        self._advance({"exported": hashes})

    def _touch(self, state: CoachState, result: TurnResult | None = None) -> None:
        if self.store is None or self.writer is not None:
            return
        readiness = mean_readiness(result.snapshot) if result is not None and result.snapshot else None
        self.store.touch(self.name, stage=state.stage.value, readiness=readiness, done=state.done)

    def close(self) -> None:
        """Close the database (everything is already saved)."""
        if not self._closed and self.store is not None:
            self.store.close()
        if not self._closed and self.lease is not None:
            self.lease.release()
        self._closed = True
