"""The interview's user-facing strings (`agent/interview/strings.yaml`), in the session's language."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from agent.datafiles import load_yaml
from agent.types import STAGE_TITLES, Lang, Stage

STRINGS_FILE = Path(__file__).parent / "strings.yaml"


@cache
def _strings() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = load_yaml(STRINGS_FILE)
    return data


def t(key: str, lang: Lang, **values: Any) -> str:
    """The string `key` in `lang`, with its placeholders filled."""
    text = _strings()[key][lang]
    return str(text).format(**values) if values else str(text)


def severity(level: str, lang: Lang) -> str:
    """'high' → '高' in Chinese."""
    labels: dict[str, str] = _strings()["severity"][lang]
    return labels.get(level, level)


def stage_title(stage: Stage, lang: Lang) -> str:
    """The stage's display title."""
    return STAGE_TITLES[stage][lang]


def join(items: list[str], lang: Lang) -> str:
    """Items joined the way the language lists them."""
    return ("；" if lang == "zh" else "; ").join(items)
