"""The one command table covers every command the coach's own texts offer, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from agent.interview.commands import COMMANDS, parse_command

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    ROOT / "agent" / "interview" / "strings.yaml",
    ROOT / "tui" / "strings.yaml",
    ROOT / "tui" / "help.zh.md",
    ROOT / "tui" / "help.en.md",
]
_COMMAND = re.compile(r"(?<![\w/])/([a-z]+|[\u4e00-\u9fff]+)")


def _offered() -> set[str]:
    """Every `/word` the welcome, help and hint texts show a user."""
    found: set[str] = set()
    for path in TEXTS:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".yaml":
            text = yaml.safe_dump(yaml.safe_load(text), allow_unicode=True)
        found.update(_COMMAND.findall(text))
    return found


def test_every_command_a_text_offers_is_in_the_table() -> None:
    offered = _offered()
    assert {"skip", "ask", "export", "跳过"} <= offered
    unknown = sorted(word for word in offered if parse_command("/" + word).spec is None)  # type: ignore[union-attr]
    assert unknown == []


@pytest.mark.parametrize(
    ("text", "name", "arg"),
    [
        ("/跳过", "skip", ""),
        ("/ask 什么是RAG？", "ask", "什么是RAG？"),
        ("／问　什么是RAG？", "ask", "什么是RAG？"),  # full-width slash and ideographic space
        ("/STAGE data", "stage", "data"),
        ("/修改 业务痛点", "revise", "业务痛点"),
    ],
)
def test_a_command_is_read_in_either_language_and_either_width(text: str, name: str, arg: str) -> None:
    parsed = parse_command(text)
    assert parsed is not None and parsed.spec is not None
    assert (parsed.spec.name, parsed.arg) == (name, arg)


def test_spellings_are_unique_across_commands() -> None:
    words = [w for spec in COMMANDS for w in (spec.name, *spec.aliases)]
    assert len(words) == len(set(words))


def test_an_answer_is_not_a_command() -> None:
    assert parse_command("我们用 RAG/Agent") is None and parse_command("2") is None
