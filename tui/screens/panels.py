"""The side panels of the interview screen: pitfalls, deliverable preview, sources, stages.

Below 110 columns the sidebar and panels collapse: F2 swaps the chat for the tabbed panels
(←/→ between tabs, Escape back). Only the panel on screen is rendered; the others are marked
dirty and catch up when shown, so a turn never pays for what nobody sees.

What is shown (panels, chat, sidebar) is set on those three widgets' own `display`, not by a
class on the screen: a class on the screen re-matches the stylesheet against every widget under
it — the whole conversation — which made each F2 cost ~0.5 s, growing with the chat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.screen import Screen
from textual.widgets import TabbedContent, Tabs

from agent.snapshot import ProjectSnapshot, Turn
from agent.types import Citation
from tui.i18n import t
from tui.widgets.chat import ChatLog
from tui.widgets.docs import MarkdownView, sources_markdown
from tui.widgets.findings import FindingsPanel
from tui.widgets.question import QuestionPanel

if TYPE_CHECKING:
    from tui.app import CoachApp
    from tui.backend import Session

NARROW = 110
"""Below this width the sidebar and panels collapse into a toggled tab view."""


def deliverable_titles(ids: list[str], lang: str) -> str:
    """Deliverables as the lead knows them (《需求规格说明书》、… / Requirement spec, …), not by id."""
    from agent.deliverables.registry import get_spec

    titles = []
    for did in ids:
        try:
            title = get_spec(did).title_in(lang)
        except KeyError:
            title = did
        titles.append(f"《{title}》" if lang == "zh" else title)
    return "、".join(titles) if lang == "zh" else ", ".join(titles)


class PanelsScreen(Screen[None]):
    """Base of the interview screen: layout switching and the panels' lazy rendering."""

    app: CoachApp
    snapshot: ProjectSnapshot | None
    turn: Turn | None
    last_citations: list[Citation]
    _findings_dirty: bool
    _preview_dirty: bool
    session: Session | None
    project: str
    project_lang: str

    def submit(self, text: str, display: str | None = None) -> None:
        """Send `text` to the session (the interview screen's)."""
        raise NotImplementedError

    @property
    def lang(self) -> str:
        return self.app.lang

    show_panels = False
    """Narrow terminals: the panels are on screen in place of the chat."""
    hide_panels = False
    """Wide terminals: the panels are hidden (F2)."""
    hide_sidebar = False
    """Wide terminals: the stages sidebar is hidden (Ctrl+B)."""

    @property
    def narrow(self) -> bool:
        """Below `NARROW` columns: one column at a time."""
        return self.has_class("-narrow")

    def _layout(self, width: int) -> None:
        narrow = width < NARROW
        if narrow != self.narrow:
            self.set_class(narrow, "-narrow")  # restyles every widget: only when the width class changes
        tabs = self.query_one("#panels", TabbedContent)
        if narrow:
            tabs.show_tab("tab-stages")
        else:
            tabs.hide_tab("tab-stages")
            self.show_panels = False
        self._show_layout()
        self.refresh_bindings()

    def _show_layout(self) -> None:
        """Show and hide the sidebar, the chat and the panels for the current state."""
        narrow = self.narrow
        self.query_one("#sidebar").display = not narrow and not self.hide_sidebar
        self.query_one("#panels").display = self.show_panels if narrow else not self.hide_panels
        self.query_one("#main").display = not (narrow and self.show_panels)

    def _visible_tab(self) -> str | None:
        """The panel tab on screen now, None when the panels are hidden."""
        hidden = self.narrow and not self.show_panels
        if hidden or (not self.narrow and self.hide_panels):
            return None
        return self.query_one("#panels", TabbedContent).active

    async def _refresh_panels(self) -> None:
        """Bring the visible panel up to date; hidden ones catch up when next shown."""
        self._findings_dirty = self._preview_dirty = True
        await self._catch_up()

    async def _catch_up(self) -> None:
        tab = self._visible_tab()
        if tab == "tab-findings" and self._findings_dirty:
            self._findings_dirty = False
            await self.query_one(FindingsPanel).show(self.snapshot)
        elif tab == "tab-preview" and self._preview_dirty:
            self._preview_dirty = False
            self._render_preview()

    @on(TabbedContent.TabActivated)
    async def _tab_shown(self) -> None:
        await self._catch_up()

    @work(thread=True, exclusive=True, exit_on_error=False, group="preview")
    def _render_preview(self) -> None:
        snapshot = self.snapshot
        if snapshot is None:
            return
        stage = self.turn.stage if self.turn else snapshot.current_stage
        try:
            text = self.app.session_factory.preview(snapshot, stage, snapshot.lang) or t(
                "preview.none", self.lang
            )
        except Exception as exc:
            text = f"✘ {type(exc).__name__}: {exc}"
        if snapshot.stale_deliverables:
            titles = deliverable_titles(snapshot.stale_deliverables, self.lang)
            text = t("preview.stale", self.lang, ids=titles) + "\n\n" + text
        self.app.call_from_thread(self.run_worker, self.query_one("#preview", MarkdownView).set_text(text))

    async def _render_sources(self) -> None:
        text = sources_markdown(self.last_citations, self.snapshot, self.lang)
        await self.query_one("#sources", MarkdownView).set_text(text)

    def action_scroll_chat(self, direction: int) -> None:
        """Page the chat up or down without leaving the answer box."""
        chat = self.query_one(ChatLog)
        if direction < 0:
            chat.scroll_page_up()
        else:
            chat.scroll_page_down()

    def action_toggle_panels(self) -> None:
        """Swap the chat for the panels (narrow) or hide/show the panels (wide)."""
        if self.narrow:
            self.show_panels = not self.show_panels
        else:
            self.hide_panels = not self.hide_panels
        self._show_layout()
        self._focus_for_layout()
        self.run_worker(self._catch_up())

    def action_close_panels(self) -> None:
        """Back from the panels to the chat (narrow terminals)."""
        if self.show_panels:
            self.show_panels = False
            self._show_layout()
            self._focus_for_layout()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc (back to the chat) is in the footer only while the panels hide the chat; Ctrl+B
        (previous question) only while the question is on screen, which keeps the footer within
        80 columns in English."""
        panels_only = self.narrow and self.show_panels
        if action == "close_panels":
            return panels_only
        if action == "back":
            return not panels_only
        return True

    def _focus_for_layout(self) -> None:
        """Tabs get the keys (←/→) when the panels replace the chat; the answer box otherwise."""
        self.refresh_bindings()
        if self.narrow and self.show_panels:
            self.query_one("#panels", TabbedContent).query_one(Tabs).focus()
        else:
            self.query_one(QuestionPanel).input.focus()

    def action_toggle_sidebar(self) -> None:
        """Ctrl+B, as in other Textual apps: hide or show the stages sidebar (narrow terminals:
        the stages tab in place of the chat, and back)."""
        if self.narrow:
            showing_stages = self.show_panels and self._visible_tab() == "tab-stages"
            if not showing_stages:
                self.query_one("#panels", TabbedContent).active = "tab-stages"
            self.show_panels = not showing_stages
        else:
            self.hide_sidebar = not self.hide_sidebar
        self._show_layout()
        self._focus_for_layout()

    def prefill(self, text: str) -> None:
        """Put `text` in the answer box (a command from the palette, to be completed) and focus it."""
        self.action_close_panels()
        box = self.query_one(QuestionPanel).input
        box.value = text
        box.cursor_position = len(text)
        box.focus()

    def action_search(self) -> None:
        """Search the whole conversation (loaded or not); the chosen line is scrolled into view."""
        from tui.screens.search import SearchScreen

        chat = self.query_one(ChatLog)

        async def chosen(target: object) -> None:
            if target is not None:
                self.action_close_panels()
                await chat.reveal(target)  # type: ignore[arg-type]

        self.app.push_screen(SearchScreen(self.lang, chat.entries()), chosen)

    def action_sources(self) -> None:
        """Show the sources tab."""
        self.query_one("#panels", TabbedContent).active = "tab-sources"
        if self.narrow:
            self.show_panels = True
        self.hide_panels = False
        self._show_layout()
        self._focus_for_layout()

    def _front_action(self, action: str) -> None:
        """Carry out what a front-end command (`/export`, `/sources`, `/lang`, `/help`) asked for."""
        if action == "help":
            self.app.action_help()
        elif action == "export":
            self.action_export()
        elif action == "sources":
            self.action_sources()
        elif action == "lang":
            self.app.action_switch_lang()

    # --- actions ----------------------------------------------------------------------------

    def action_back(self) -> None:
        """Previous question."""
        self.submit("/back")

    def action_skip(self) -> None:
        """Skip the current question."""
        self.submit("/skip")

    def action_export(self) -> None:
        """Open the export dialog."""
        from tui.screens.export import ExportScreen

        if self.session is not None:
            doc_lang = self.snapshot.lang if self.snapshot else self.project_lang
            self.app.push_screen(ExportScreen(self.session, self.project, self.lang, doc_lang))

    def action_projects(self) -> None:
        """Close this project and go back to the picker."""
        self.app.close_project()
