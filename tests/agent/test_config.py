"""Settings: the documented environment variables over COACH_HOME/config.toml over defaults."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent.config import ENV_VARS, Settings, load_settings, save_settings
from agent.errors import ConfigError

README = Path(__file__).resolve().parents[2] / "README.md"


def _write_config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text, encoding="utf-8")


def test_environment_wins_over_the_file_which_wins_over_defaults(
    coach_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_config(coach_home, 'model = "file-model"\ncontext_tokens = 8192\ntheme = "light"\n')
    monkeypatch.setenv("COACH_MODEL", "env-model")
    monkeypatch.setenv("COACH_CONTEXT_TOKENS", "")  # empty: as if unset
    settings = load_settings()
    assert settings.model == "env-model"
    assert settings.context_tokens == 8192 and settings.theme == "light"
    assert settings.max_retries == 2 and settings.lang == "zh"
    assert type(settings) is Settings


def test_only_the_documented_variables_are_read(coach_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`LANG`, `MODEL`, `THEME` are everyday variables of other programs, not the coach's settings."""
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("MODEL", "not-mine")
    monkeypatch.setenv("THEME", "light")
    monkeypatch.setenv("API_KEY", "sk-not-mine-123456")
    settings = load_settings()
    assert settings.lang == "zh" and settings.model is None and settings.theme == "dark"
    assert settings.api_key is None and not settings.llm_enabled


def test_every_variable_in_the_readme_configuration_table_is_read(
    coach_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = re.findall(
        r"^\| `([a-z_]+)`(?: / `([a-z_]+)`)? \| `([A-Z_]+)`(?: / `([A-Z_]+)`)? \|", README.read_text(), re.M
    )
    documented = {}
    for key, key2, var, var2 in rows:
        documented[key] = var
        if key2:
            documented[key2] = var2
    assert documented == ENV_VARS
    values = {"lang": "en", "context_tokens": "16384", "model_deadline_s": "300"}
    for field, var in ENV_VARS.items():
        monkeypatch.setenv(var, values.get(field, f"value-of-{var.lower()}"))
    settings = load_settings()
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "value-of-openai_api_key"
    assert settings.base_url == "value-of-openai_base_url" and settings.model == "value-of-coach_model"
    assert settings.embedding_model == "value-of-coach_embedding_model"
    assert settings.embedding_base_url == "value-of-coach_embedding_base_url"
    assert settings.lang == "en" and settings.context_tokens == 16384
    assert settings.model_deadline_s == 300


def test_a_bad_value_names_the_setting_and_a_broken_file_says_so(
    coach_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_CONTEXT_TOKENS", "12")
    with pytest.raises(ConfigError, match="setting 'context_tokens'"):
        load_settings()
    monkeypatch.delenv("COACH_CONTEXT_TOKENS")
    _write_config(coach_home, "model = ")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings()


def test_settings_built_in_code_ignore_the_environment_and_the_file(
    coach_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_config(coach_home, 'model = "file-model"\n')
    monkeypatch.setenv("COACH_LANG", "en")
    assert Settings().model is None and Settings().lang == "zh"
    assert Settings(model="m", max_retries=0).model == "m"


def test_saving_writes_what_changed_and_never_a_value_from_the_environment(
    coach_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_MODEL", "env-model")
    settings = load_settings().model_copy(update={"theme": "light"})
    path = save_settings(settings, ["theme"])
    assert path.read_text(encoding="utf-8").strip() == 'theme = "light"'
    monkeypatch.delenv("COACH_MODEL")
    assert load_settings().theme == "light" and load_settings().model is None
