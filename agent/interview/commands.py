"""The one command table: every slash command a user can type, in both languages.

Front ends never parse commands: they send what the user typed, and the step (`agent.interview.step`)
looks it up here. A command either changes the interview (`engine`) or asks the front end to do
something only it can (`front`: open the help, the export dialog, the sources, switch the UI
language); the latter comes back as `TurnResult.action`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FrontAction = Literal["help", "export", "sources", "lang"]
"""What a front-end command asks the front end to do."""


@dataclass(frozen=True)
class CommandSpec:
    """One command: its name, every other spelling, and who carries it out."""

    name: str
    """The canonical (English) name, without the slash."""
    aliases: tuple[str, ...]
    """Other spellings (Chinese ones included), without the slash."""
    scope: Literal["engine", "front"]
    """`engine`: the step changes the interview; `front`: the front end acts (`TurnResult.action`)."""
    usage: str = ""
    """The argument, as the help shows it (empty: the command takes none)."""


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("help", ("h", "?", "帮助"), "front"),
    CommandSpec("skip", ("跳过",), "engine"),
    CommandSpec("back", ("返回", "上一题"), "engine"),
    CommandSpec("revise", ("修改",), "engine", "<id>"),
    CommandSpec("stage", ("阶段",), "engine", "<stage>"),
    CommandSpec("ask", ("问", "提问"), "engine", "<question>"),
    CommandSpec("depth", ("深入", "深度"), "engine", "[quick|standard|full]"),
    CommandSpec("export", ("导出",), "front"),
    CommandSpec("sources", ("来源", "出处"), "front"),
    CommandSpec("lang", ("语言", "language"), "front"),
)
"""Every command, in the order the help lists them."""

_BY_SPELLING: dict[str, CommandSpec] = {
    spelling: spec for spec in COMMANDS for spelling in (spec.name, *spec.aliases)
}


@dataclass(frozen=True)
class ParsedCommand:
    """A command as typed: which one, and its argument (may be empty)."""

    spec: CommandSpec | None
    """None: no command of that name (`word` says what was typed)."""
    word: str
    """The command word as typed, lower-cased, without the slash."""
    arg: str


def parse_command(text: str) -> ParsedCommand | None:
    """The command in `text` ("/stage data", "/跳过", "／ask 什么是RAG"), or None when `text` is not
    a command. An unknown word is a command with no spec (the step says so)."""
    text = text.strip()
    if not text or text[0] not in "/／":
        return None
    parts = text[1:].split(None, 1)  # any whitespace, the ideographic space too
    word = parts[0].lower() if parts else ""
    arg = parts[1].strip() if len(parts) > 1 else ""
    return ParsedCommand(spec=_BY_SPELLING.get(word), word=word, arg=arg)


def spellings(name: str) -> tuple[str, ...]:
    """Every spelling of the command `name`, canonical first (with the slash)."""
    spec = next(s for s in COMMANDS if s.name == name)
    return tuple("/" + w for w in (spec.name, *spec.aliases))
