"""The settings screen: endpoint, model, key (never echoed), language and theme."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pydantic import SecretStr
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from agent.config import Settings
from tui.i18n import t

if TYPE_CHECKING:
    from tui.app import CoachApp


def mask(secret: str) -> str:
    """`sk-…abcd`: enough to recognise a key, never enough to use it."""
    if len(secret) <= 8:
        return "•" * len(secret)
    return f"{secret[:3]}…{secret[-4:]}"


def check_endpoint(base_url: str | None, api_key: str | None, timeout: float = 8.0) -> str:
    """GET `<base_url>/models`; returns a short description, raises with a readable message."""
    import httpx

    url = (base_url or "https://api.openai.com/v1").rstrip("/") + "/models"
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        response = httpx.get(url, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise ConnectionError(f"{url}: {type(exc).__name__}") from None
    if response.status_code >= 400:
        raise ConnectionError(f"{url}: HTTP {response.status_code}")
    try:
        models = [m.get("id") for m in response.json().get("data", [])]
    except ValueError:
        models = []
    return f"{len(models)} models" + (f": {', '.join(map(str, models[:3]))}" if models else "")


class SettingsScreen(ModalScreen[Settings | None]):
    """Edits a copy of the settings; Save writes config.toml atomically."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Close", id="close", tooltip="Close this window")
    ]

    app: CoachApp

    def __init__(self, settings: Settings, lang: str) -> None:
        super().__init__()
        self.settings = settings
        self.lang = lang

    def compose(self) -> ComposeResult:
        lang, s = self.lang, self.settings
        key = s.api_key.get_secret_value() if s.api_key else ""
        with Vertical(classes="dialog", id="settings-dialog"):
            yield Static(t("settings.title", lang), classes="dialog-title")
            with VerticalScroll():
                yield Static(t("settings.intro", lang), classes="hint")
                yield Label(t("settings.base_url", lang))
                yield Input(s.base_url or "", placeholder="http://localhost:8000/v1", id="set-url")
                yield Label(t("settings.model", lang))
                yield Input(
                    s.model or "", placeholder="gpt-4o-mini / qwen-plus / deepseek-chat", id="set-model"
                )
                yield Label(t("settings.api_key", lang))
                yield Input(
                    "",
                    password=True,
                    placeholder=t("settings.key_set", lang, masked=mask(key))
                    if key
                    else t("settings.key_unset", lang),
                    id="set-key",
                )
                yield Checkbox(t("settings.store_key", lang), False, id="set-store-key")
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Label(t("settings.lang", lang))
                        yield Select(
                            [("中文", "zh"), ("English", "en")], value=lang, allow_blank=False, id="set-lang"
                        )
                    with Vertical():
                        yield Label(t("settings.theme", lang))
                        yield Select(
                            [
                                (t("settings.theme.dark", lang), "dark"),
                                (t("settings.theme.light", lang), "light"),
                            ],
                            value=s.theme,
                            allow_blank=False,
                            id="set-theme",
                        )
                yield Static("", id="set-result", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(t("settings.cancel", lang), id="cancel")
                yield Button(t("settings.test", lang), id="test")
                yield Button(t("settings.save", lang), id="save", variant="primary")

    def edited(self) -> Settings:
        """The settings as edited on screen (an empty key field keeps the stored key)."""
        typed_key = self.query_one("#set-key", Input).value.strip()
        return self.settings.model_copy(
            update={
                "base_url": self.query_one("#set-url", Input).value.strip() or None,
                "model": self.query_one("#set-model", Input).value.strip() or None,
                "api_key": SecretStr(typed_key) if typed_key else self.settings.api_key,
                "lang": str(self.query_one("#set-lang", Select).value),
                "theme": str(self.query_one("#set-theme", Select).value),
            }
        )

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#test")
    def _test(self) -> None:
        self.query_one("#set-result", Static).update(t("settings.testing", self.lang))
        self.query_one("#test", Button).disabled = True
        self._check(self.edited())

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings")
    def _check(self, settings: Settings) -> None:
        key = settings.api_key.get_secret_value() if settings.api_key else None
        try:
            detail = check_endpoint(settings.base_url, key)
            text = t("settings.test_ok", self.lang, detail=detail)
        except Exception as exc:
            message = str(exc)
            if key:
                message = message.replace(key, mask(key))
            text = t("settings.test_fail", self.lang, error=message)
        self.app.call_from_thread(self._checked, text)

    def _checked(self, text: str) -> None:
        self.query_one("#set-result", Static).update(text)
        self.query_one("#test", Button).disabled = False

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        from agent.config import save_settings

        settings = self.edited()
        # only what was changed on this screen is written: not the defaults, not values that
        # came from the environment; the key only when typed here and the box is ticked
        changed = [
            name
            for name in ("base_url", "model", "lang", "theme")
            if getattr(settings, name) != getattr(self.settings, name)
        ]
        typed_key = bool(self.query_one("#set-key", Input).value.strip())
        store_key = typed_key and self.query_one("#set-store-key", Checkbox).value
        if store_key:
            changed.append("api_key")
        try:
            save_settings(settings, changed, store_key=store_key)
        except Exception as exc:
            self.app.show_error(t("settings.save_failed", self.lang), exc)
            return
        self.notify(t("settings.saved", settings.lang))
        if typed_key and not store_key:
            self.notify(t("settings.key_session_only", settings.lang))
        self.dismiss(settings)
