"""The interview screen: chat, question, stage sidebar and the findings/preview/sources panels.

Every session call runs in a thread worker; results come back as typed messages. Below 110
columns the sidebar and panels collapse: F2 swaps the chat for the tabbed panels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, TabbedContent, TabPane

from agent.cleantext import clean_text
from agent.errors import CoachError
from agent.interview.commands import parse_command
from agent.snapshot import ProjectSnapshot, Turn
from agent.types import STAGE_TITLES, Citation
from tui.backend import open_or_view, settle_heap
from tui.explain import readiness_drop
from tui.i18n import t
from tui.messages import (
    AnswerSubmitted,
    StageSelected,
    TokenReceived,
    TurnFailed,
    TurnReady,
)
from tui.palette import key_label
from tui.screens.panels import PanelsScreen
from tui.widgets.chat import ChatLog
from tui.widgets.docs import MarkdownView
from tui.widgets.findings import FindingsPanel
from tui.widgets.keybar import KeyFooter
from tui.widgets.question import QuestionPanel
from tui.widgets.sidebar import SidebarPanel
from tui.widgets.status import StatusBar

if TYPE_CHECKING:
    from tui.app import CoachApp
    from tui.backend import Session


class InterviewScreen(PanelsScreen):
    """One open project."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+e", "export", "Export", id="export", tooltip="Export the deliverables", priority=True),
        Binding("f2", "toggle_panels", "Panels", id="panels", tooltip="Show or hide the panels"),
        Binding(
            "f3",
            "sources",
            "Sources",
            id="sources",
            tooltip="The passages behind the latest cited reply",
            show=False,
        ),
        Binding("ctrl+b", "toggle_sidebar", "Sidebar", id="sidebar", tooltip="Sidebar", show=False),
        Binding("ctrl+up", "back", "Back", id="back", tooltip="Previous question"),
        Binding("ctrl+f", "search", "Search", id="search", tooltip="Search the conversation", show=False),
        Binding("ctrl+n", "skip", "Skip", id="skip", tooltip="Skip the question", show=False),
        Binding("pageup", "scroll_chat(-1)", "PgUp", id="chat_up", tooltip="Scroll the chat up", show=False),
        Binding(
            "pagedown", "scroll_chat(1)", "PgDn", id="chat_down", tooltip="Scroll the chat down", show=False
        ),
        Binding("escape", "close_panels", "Chat", id="close_panels", tooltip="Back to the chat"),
        Binding(
            "ctrl+o", "projects", "Projects", id="projects", tooltip="Back to the project list", show=False
        ),
    ]

    app: CoachApp

    def __init__(
        self, name: str, *, lang: str, sector: str | None, create: bool, depth: str = "standard"
    ) -> None:
        super().__init__(id="interview")
        self.project = name
        self.depth = depth
        """How deep a new project's interview goes (quick / standard / full)."""
        self.project_lang = lang
        self.sector = sector
        self.create = create
        self.session: Session | None = None
        self.read_only = False
        """Opened read-only: another window writes this project."""
        self.turn: Turn | None = None
        self.snapshot: ProjectSnapshot | None = None
        self.busy = False
        self.last_citations: list[Citation] = []
        self._pending: str | None = None
        self._token_buffer: list[str] = []
        self._preview_dirty = False
        self._findings_dirty = False
        self._stages_key: tuple[object, ...] | None = None

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Header(icon="◆")
        with Horizontal(id="body"):
            yield SidebarPanel(lang, id="sidebar")
            with Vertical(id="main"):
                yield ChatLog(id="chat")
                yield QuestionPanel(lang, id="question")
            with TabbedContent(id="panels"):
                with TabPane(t("tab.findings", lang), id="tab-findings"):
                    yield FindingsPanel(lang, id="findings")
                with TabPane(t("tab.preview", lang), id="tab-preview"):
                    yield MarkdownView(t("preview.none", lang), id="preview")
                with TabPane(t("tab.sources", lang), id="tab-sources"):
                    yield MarkdownView(t("sources.none", lang), id="sources")
                with TabPane(t("tab.stages", lang), id="tab-stages"):
                    yield SidebarPanel(lang, id="stages-tab")
        yield StatusBar(id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.app.localize_bindings(self)
        self.title = t("app.title", self.lang)
        self.sub_title = clean_text(self.project)
        self.query_one(ChatLog).border_title = self.project
        self.query_one("#sidebar").border_title = t("sidebar.title", self.lang)
        self._layout(self.size.width)
        self._set_busy(True)  # until the project is open
        self.query_one(QuestionPanel).input.focus()
        self.set_interval(0.05, self._flush_tokens)
        self.run_worker(self.query_one(ChatLog).add_notice(self._keys_line()))
        self._open()

    def _keys_line(self) -> str:
        """The first line in the chat: the keys of help, panels and palette, as bound now. What can
        be typed is the coach's welcome (repeating it here was the duplicate line of the first screen)."""
        bound = {a.binding.id: key for key, a in self.active_bindings.items()}  # after remapping
        keys = {
            bid: key_label(bound[bid]) if bid in bound else "—"
            for bid in ("help", "panels", "command_palette")
        }
        return t(
            "interview.welcome",
            self.lang,
            help=keys["help"],
            panels=keys["panels"],
            palette=keys["command_palette"],
        )

    def on_resize(self) -> None:
        self._layout(self.size.width)
        if self._findings_dirty or self._preview_dirty:
            self.run_worker(self._catch_up())

    # --- session calls (workers) ------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="session")
    def _open(self) -> None:
        """Open the project (imports the engine on first use) and fetch the current question."""
        try:
            session, busy = open_or_view(
                self.app.session_factory,
                self.project,
                lang=self.project_lang,
                sector=self.sector,
                settings=self.app.settings,
                create=self.create,
                depth=self.depth,
            )
            if busy is not None:  # another window writes this project: read-only here, and why
                self.read_only = True
                holder = busy.message.split(" / ")[0 if self.lang == "zh" else -1]
                self.app.call_from_thread(self._say, t("interview.read_only", self.lang, holder=holder))
            self.session = session
            turn = session.current()
            history = None if self.create else list(session.transcript())
            if turn.snapshot is not None and turn.snapshot.mode == "llm":
                self.app.session_factory.warm_up()
            settle_heap()
        except Exception as exc:
            self.post_message(TurnFailed(exc, None))
            return
        self.post_message(TurnReady(turn, snapshot=turn.snapshot, history=history))

    @work(thread=True, exclusive=True, exit_on_error=False, group="session")
    def _send(self, text: str) -> None:
        """Send what the user typed; stream tokens to the chat. The turn carries the evaluation."""
        session = self.session
        if session is None:
            return
        try:

            def on_token(token: str) -> None:
                self.post_message(TokenReceived(token))

            turn = session.send(text, on_token=on_token)
        except Exception as exc:
            self.post_message(TurnFailed(exc, text))
            return
        self.post_message(TurnReady(turn, sent=text, snapshot=turn.snapshot))

    def _say(self, text: str) -> None:
        """A notice in the chat (from a worker, through `call_from_thread`)."""
        self.run_worker(self.query_one(ChatLog).add_notice(text, error=True))

    def submit(self, text: str, display: str | None = None) -> None:
        """Send `text` to the session unless a turn is already running."""
        if self.read_only:
            self.notify(t("interview.read_only_input", self.lang), severity="warning")
            return
        if self.session is None or self.busy:
            self.notify(t("interview.busy", self.lang), severity="warning")
            return
        self._set_busy(True)
        self._pending = text
        self._render_status()
        question = self.turn.question if self.turn is not None else None
        asked = question.text if question is not None and parse_command(text) is None else None
        self.run_worker(
            self.query_one(ChatLog).add_user(t("interview.you", self.lang), display or text, asked)
        )
        self._send(text)

    # --- results ----------------------------------------------------------------------------

    @on(TokenReceived)
    def _token(self, event: TokenReceived) -> None:
        self._token_buffer.append(event.token)

    async def _flush_tokens(self) -> None:
        if self._token_buffer:
            chunk = "".join(self._token_buffer)
            self._token_buffer.clear()
            await self.query_one(ChatLog).append_token(chunk)

    @on(TurnReady)
    async def _turn_ready(self, event: TurnReady) -> None:
        await self._flush_tokens()
        chat = self.query_one(ChatLog)
        await chat.end_stream()
        turn = event.turn
        was_done = self.turn is not None and self.turn.done
        asked = self.turn.question.text if self.turn is not None and self.turn.question else None
        self.turn = turn
        self._set_busy(False)
        self._pending = None
        cited: list[Citation] = []
        if event.history:
            # the turn's messages are the tail of the conversation: replayed with it
            history = event.history
            await chat.add_history(
                history, t("interview.you", self.lang), t("interview.history_older", self.lang)
            )
            # F3 shows the sources of the last cited message, as it did before quitting
            self.last_citations = next((m.citations for m in reversed(history) if m.citations), [])
            await self._render_sources()
        else:
            if event.sent is not None and turn.said:
                chat.restate_user(turn.said)
            for message in turn.messages:
                await chat.add_message(message)
                cited += message.citations
        if cited:  # F3 and /sources keep the latest cited reply until another one cites
            self.last_citations = cited
            await self._render_sources()
        if turn.notice:
            await chat.add_notice(turn.notice)
            self.notify(turn.notice, severity="warning")
        self.query_one(QuestionPanel).show(turn.question)
        summarised = any(m.kind == "summary" for m in turn.messages)  # the engine's own wrap-up
        if turn.done and turn.question is None and not was_done and not summarised:
            await chat.add_notice(t("interview.done", self.lang))
        if event.snapshot is not None:
            if self.snapshot is None and not self.create and event.snapshot.answers:
                stage = STAGE_TITLES[turn.stage][self.lang]
                await chat.add_notice(
                    t("interview.resumed", self.lang, n=len(event.snapshot.answers), stage=stage)
                )
            said = turn.said if event.sent is not None else None
            await self._apply_snapshot(event.snapshot, said, asked)
        self._render_stages()
        self._render_status()
        if turn.action is not None:
            self._front_action(turn.action)

    async def _apply_snapshot(
        self, snapshot: ProjectSnapshot, said: str | None = None, asked: str | None = None
    ) -> None:
        old = {f.id for f in self.snapshot.findings} if self.snapshot else None
        if self.snapshot is not None and said:
            why = readiness_drop(self.snapshot.readiness, snapshot.readiness, said, asked, self.lang)
            if why:  # a number that goes down with no word why looks like a bug
                await self.query_one(ChatLog).add_notice(why)
        self.snapshot = snapshot
        if old is not None:
            # one toast for the turn (one toast is shown at a time): every new pitfall named in it
            titles = [f.title for f in snapshot.findings if f.id not in old]
            if titles:
                sep = "、" if self.lang == "zh" else "; "
                self.notify(t("interview.new_finding", self.lang, title=sep.join(titles)), severity="warning")
        await self._refresh_panels()

    @on(TurnFailed)
    async def _turn_failed(self, event: TurnFailed) -> None:
        self._set_busy(False)
        await self.query_one(ChatLog).end_stream()
        panel = self.query_one(QuestionPanel)
        if event.sent is not None and not panel.input.value:
            panel.input.value = event.sent
        self._render_status()
        exc = event.error
        message = f"{exc.title}: {exc}" if isinstance(exc, CoachError) else f"{type(exc).__name__}: {exc}"
        await self.query_one(ChatLog).add_notice(f"✘ {message}", error=True)
        if self.session is None:
            # Nothing to show without a session: back to the picker, with the reason.
            if self.app.screen is self:
                self.app.pop_screen()
            self.app.show_error(t("interview.open_failed", self.lang), exc)
        elif event.sent is not None:
            self.notify(t("interview.turn_failed", self.lang), severity="error", timeout=8)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.query_one(QuestionPanel).busy = busy
        self._render_status()

    def _render_stages(self) -> None:
        current = self.turn.stage if self.turn else None
        snap = self.snapshot
        key = (
            current,
            self.lang,
            tuple(sorted(snap.readiness.items())) if snap else (),
            snap.phase if snap else None,
            tuple(f.severity for f in snap.findings) if snap else (),
            tuple((c.text, c.met) for c in snap.next_phase_criteria) if snap else (),
        )
        if key == self._stages_key:
            return
        self._stages_key = key
        for sidebar in self.query(SidebarPanel):
            sidebar.show(self.snapshot, current)

    def _render_status(self) -> None:
        status = self.query_one(StatusBar)
        if self.snapshot is None and self.busy:
            status.update(
                t("status.busy", self.lang) + " │ " + t("interview.opening", self.lang, name=self.project)
            )
        else:
            status.show(self.snapshot, self.lang, busy=self.busy)

    def relabel(self) -> None:
        """Re-label everything in the new UI language; the conversation stays as it is."""
        lang = self.lang
        self.app.localize_bindings(self)
        self.title = t("app.title", lang)
        tabs = self.query_one("#panels", TabbedContent)
        for pane, key in (
            ("tab-findings", "tab.findings"),
            ("tab-preview", "tab.preview"),
            ("tab-sources", "tab.sources"),
            ("tab-stages", "tab.stages"),
        ):
            tabs.get_tab(pane).label = t(key, lang)
        self.query_one("#sidebar").border_title = t("sidebar.title", lang)
        for sidebar in self.query(SidebarPanel):
            sidebar.lang = lang
        panel = self.query_one(QuestionPanel)
        panel.lang = lang
        panel.show(panel.question)
        findings = self.query_one(FindingsPanel)
        findings.lang = lang
        findings.reset()
        self._stages_key = None
        self.run_worker(self._refresh_panels())
        self.run_worker(self._render_sources())
        self._render_stages()
        self._render_status()

    # --- input ------------------------------------------------------------------------------

    @on(AnswerSubmitted)
    def _answer(self, event: AnswerSubmitted) -> None:
        self.submit(event.text.strip(), event.display)

    @on(StageSelected)
    def _stage(self, event: StageSelected) -> None:
        self.submit(f"/stage {event.stage}")
        self.show_panels = False
        self._show_layout()
        self._focus_for_layout()
