"""The Textual app: `make_app` (used by the CLI and the tests) and `run_app` (the `coach` command).

The engine is imported lazily by the session factory inside workers, so the first screen is
up before LangGraph or Chroma load.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterable
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import Notify, SeverityLevel
from textual.screen import Screen
from textual.widget import Widget

from agent.config import Settings
from tui.backend import EngineFactory, SessionFactory
from tui.i18n import t
from tui.palette import LocalPalette, binding_key, key_label


class CoachApp(App[int]):
    """Project picker first; one interview screen per opened project."""

    CSS_PATH = "app.tcss"
    TITLE = "Adoption Coach"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Quit", priority=True),
        Binding(
            "ctrl+p",
            "command_palette",
            "Commands",
            id="command_palette",
            tooltip="Commands",
            show=False,
            priority=True,
        ),
        Binding("f1", "help", "Help", id="help", tooltip="Help"),
        Binding("f4", "settings", "Settings", id="settings", tooltip="Settings"),
        Binding("ctrl+t", "toggle_theme", "Theme", id="theme", tooltip="Theme", show=False),
        Binding("ctrl+l", "switch_lang", "EN", id="lang", tooltip="Language", show=False),
    ]

    def __init__(
        self,
        *,
        lang: str,
        session_factory: SessionFactory,
        settings: Settings,
        config_error: Exception | None = None,
        depth: str = "standard",
    ) -> None:
        from tui import cjk, terminal

        cjk.enable()  # Chinese lines break between characters, not only at spaces
        terminal.tolerate_invalid_input()  # a byte that is not UTF-8 must not crash the app
        super().__init__()
        self.lang = lang
        self.session_factory = session_factory
        self.settings = settings
        self._config_error = config_error
        self.default_depth = depth
        """The interview depth the new-project dialog proposes (`coach --depth`)."""
        self.theme = "textual-light" if settings.theme == "light" else "textual-dark"
        if settings.keys:
            self.set_keymap(settings.keys)

    # --- start-up ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        from tui.screens.picker import PickerScreen

        self.title = t("app.title", self.lang)
        self.localize_bindings(self)
        self.push_screen(PickerScreen())
        if self._config_error is not None:
            self.show_error(t("settings.load_failed", self.lang), self._config_error)
        unknown = sorted(set(self.settings.keys) - self.binding_ids()) if self.settings.keys else []
        if unknown:
            self.notify(t("settings.bad_keys", self.lang, ids=", ".join(unknown)), severity="warning")

    # --- bindings ---------------------------------------------------------------------------

    def binding_ids(self) -> set[str]:
        """Every binding id a user can remap in `Settings.keys`."""
        from tui.screens.interview import InterviewScreen
        from tui.screens.picker import PickerScreen
        from tui.widgets.question import QuestionPanel

        ids: set[str] = set()
        for cls in (CoachApp, InterviewScreen, PickerScreen, QuestionPanel):
            ids.update(b.id for b in cls.BINDINGS if isinstance(b, Binding) and b.id)
        return ids

    def localize_bindings(self, node: App[Any] | Screen[Any] | Widget) -> None:
        """Set binding descriptions and tooltips from the strings file in the current language."""
        bindings_map = node._bindings
        for key, bindings in list(bindings_map.key_to_bindings.items()):
            bindings_map.key_to_bindings[key] = [
                dataclasses.replace(
                    b,
                    description=t(f"bind.{b.id}", self.lang)
                    if b.id and _has(f"bind.{b.id}")
                    else b.description,
                    tooltip=t(f"bind.{b.id}.tip", self.lang)
                    if b.id and _has(f"bind.{b.id}.tip")
                    else b.tooltip,
                )
                for b in bindings
            ]
        self.refresh_bindings()

    def keys_table(self) -> str:
        """Markdown table of the active bindings (after remapping), for the help screen, in the UI
        language: keys as people write them (Ctrl+E), actions by their full name."""
        lang = self.lang
        rows = [f"| {t('help.col.key', lang)} | {t('help.col.action', lang)} |", "|---|---|"]
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            b = active.binding
            if b.id and b.id not in seen and b.id not in ("option_up", "option_down", "close"):
                seen.add(b.id)
                rows.append(f"| `{key_label(key)}` | {b.tooltip or b.description} |")
        return "\n".join(rows)

    # --- commands ---------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: every action of the app, in the UI language, with its key and its
        slash command where it has one."""
        from tui.screens.interview import InterviewScreen

        lang = self.lang
        nodes: list[Any] = [screen, self]

        def command(bid: str, callback: Any, slash: str | None = None) -> SystemCommand:
            key = binding_key(nodes, bid, self.settings.keys)
            how = " · ".join(x for x in (key, slash and t(f"slash.{slash}", lang)) if x)
            title = t(f"palette.{bid}", lang) if _has(f"palette.{bid}") else t(f"bind.{bid}", lang)
            tip = t(f"bind.{bid}.tip", lang) if _has(f"bind.{bid}.tip") else t(f"palette.{bid}.tip", lang)
            return SystemCommand(f"{title}  {how}" if how else title, tip, callback)

        yield command("help", self.action_help, "help")
        yield command("settings", self.action_settings)
        yield command("theme", self.action_toggle_theme)
        yield command("lang", self.action_switch_lang, "lang")
        yield command("toggle_ids", self.action_toggle_ids)
        if isinstance(screen, InterviewScreen):
            yield command("export", screen.action_export, "export")
            yield command("panels", screen.action_toggle_panels)
            yield command("sidebar", screen.action_toggle_sidebar)
            yield command("sources", screen.action_sources, "sources")
            yield command("search", screen.action_search)
            yield command("back", screen.action_back, "back")
            yield command("skip", screen.action_skip, "skip")
            for slash in ("revise", "stage", "ask"):  # these need an argument: typed after the command
                yield command(slash, _prefill(screen, slash), slash)
            yield command("projects", screen.action_projects)
        yield command("quit", self.action_quit)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A toast (see `_on_notify`); no markup by default: the text often holds the user's words
        or a pitfall title, where "[…]" is text."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def _on_notify(self, event: Notify) -> None:
        """One toast at a time: a toast takes one line on the top row (app.tcss), so a second one
        would reach into the chat; the newest replaces the one shown. The rack is emptied here:
        Textual removes a replaced toast but leaves its holder, a blank row above the new one."""
        self.clear_notifications()
        with contextlib.suppress(Exception):  # no screen yet: nothing shown to replace
            for rack in self.screen.query("ToastRack"):
                rack.remove_children()
        super()._on_notify(event)

    def action_command_palette(self) -> None:
        """The command palette, in the UI language."""
        if self.use_command_palette and not LocalPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(LocalPalette(self.lang, id="--command-palette"))

    def action_help(self) -> None:
        """Show the help (commands and keys)."""
        from tui.screens.dialogs import HelpScreen

        self.push_screen(HelpScreen(self.lang, self.keys_table()))

    def action_settings(self) -> None:
        """Open the settings screen."""
        from tui.screens.settings import SettingsScreen

        def saved(settings: Settings | None) -> None:
            if settings is None:
                return
            self.settings = settings
            self.theme = "textual-light" if settings.theme == "light" else "textual-dark"
            if settings.lang != self.lang:
                self.set_lang(settings.lang)

        self.push_screen(SettingsScreen(self.settings, self.lang), saved)

    def action_toggle_theme(self) -> None:
        """Light ↔ dark."""
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_switch_lang(self) -> None:
        """中文 ↔ English for the UI (the project's own language does not change); kept in
        config.toml, so the next start is in the same language."""
        from agent.config import save_settings

        lang = "en" if self.lang == "zh" else "zh"
        self.set_lang(lang)
        self.notify(t("interview.lang_switched", lang))
        self.settings = self.settings.model_copy(update={"lang": lang})
        try:
            save_settings(self.settings, ["lang"])
        except Exception as exc:  # the switch itself worked: say why it won't last
            self.notify(t("settings.lang_not_saved", lang, error=str(exc)), severity="warning")
            return
        env = os.environ.get("COACH_LANG")
        if env and env != lang:
            self.notify(t("settings.lang_env", lang, env=env), severity="warning")

    def action_toggle_ids(self) -> None:
        """Show or hide internal identifiers (question ids, field ids); kept in config.toml."""
        from agent.config import save_settings

        self.settings = self.settings.model_copy(update={"show_ids": not self.settings.show_ids})
        with contextlib.suppress(Exception):  # the toggle works for this run either way
            save_settings(self.settings, ["show_ids"])
        self.set_lang(self.lang)  # re-renders the question header and the findings

    def set_lang(self, lang: str) -> None:
        """Re-label the app and its screens in `lang`."""
        self.lang = lang
        self.title = t("app.title", lang)
        self.localize_bindings(self)
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            if relabel is not None:
                relabel()

    # --- projects ---------------------------------------------------------------------------

    def open_project(
        self, name: str, *, lang: str, sector: str | None, create: bool, depth: str = "standard"
    ) -> None:
        """Push the interview screen for project `name` (`depth`: of a new one)."""
        from tui.screens.interview import InterviewScreen

        self.push_screen(InterviewScreen(name, lang=lang, sector=sector, create=create, depth=depth))

    def close_project(self) -> None:
        """Close the open project and return to the picker."""
        from tui.screens.interview import InterviewScreen

        screen = self.screen
        if isinstance(screen, InterviewScreen):
            if screen.session is not None:
                screen.session.close()
            self.pop_screen()

    def show_error(self, title: str, error: BaseException) -> None:
        """A modal with the error's title, message and hint (never a traceback)."""
        from agent.errors import CoachError
        from tui.screens.dialogs import ErrorScreen

        if isinstance(error, CoachError):
            message = f"{error.title}\n\n{error}"
        else:
            message = f"{type(error).__name__}: {error}"
        self.push_screen(ErrorScreen(title, message))

    async def action_quit(self) -> None:
        """Close the open session (saved as it goes) and exit."""
        from tui.screens.interview import InterviewScreen

        for screen in self.screen_stack:
            if isinstance(screen, InterviewScreen) and screen.session is not None:
                with contextlib.suppress(Exception):
                    screen.session.close()
        self.exit(0)


def _has(key: str) -> bool:
    from tui.i18n import keys

    return key in keys()


def _prefill(screen: Any, command: str) -> Any:
    """A palette callback putting `/command ` in the answer box, for the user to complete."""

    def run() -> None:
        screen.prefill(t(f"slash.{command}", screen.lang) + " ")

    return run


def make_app(
    *,
    lang: str | None = None,
    session_factory: SessionFactory | None = None,
    settings: Settings | None = None,
    depth: str = "standard",
) -> CoachApp:
    """Build the app. The CLI passes nothing but `lang`; tests pass a fake factory and settings."""
    config_error: Exception | None = None
    if settings is None:
        from agent.config import load_settings
        from agent.errors import ConfigError

        try:
            settings = load_settings()
        except ConfigError as exc:
            settings, config_error = Settings(), exc
    return CoachApp(
        lang=lang or settings.lang,
        session_factory=session_factory or EngineFactory(),
        settings=settings,
        config_error=config_error,
        depth=depth,
    )


def run_app(*, lang: str | None = None, depth: str = "standard") -> int:
    """Run the terminal UI until the user quits; the exit code of `coach`."""
    result = make_app(lang=lang, depth=depth).run()
    return int(result or 0)
