"""The interview's user-facing strings (`agent/interview/strings.yaml`), in the session's language."""

from __future__ import annotations

from pathlib import Path

from agent.i18n import Strings
from agent.types import STAGE_TITLES, Lang, Stage

STRINGS_FILE = Path(__file__).parent / "strings.yaml"
STRINGS = Strings(STRINGS_FILE)
t = STRINGS.t
"""The string `key` in `lang`, with its placeholders filled (`agent.i18n.Strings.t`)."""


def severity(level: str, lang: Lang) -> str:
    """'high' → '高' in Chinese."""
    labels: dict[str, str] = STRINGS.table["severity"][lang]
    return labels.get(level, level)


def stage_title(stage: Stage, lang: Lang) -> str:
    """The stage's display title."""
    return STAGE_TITLES[stage][lang]


def join(items: list[str], lang: Lang) -> str:
    """Items joined the way the language lists them."""
    return ("；" if lang == "zh" else "; ").join(items)
