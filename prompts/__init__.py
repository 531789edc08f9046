"""Prompt texts, one file per purpose, and the helpers that fill them.

Every prompt is a `str.format` template: placeholders in braces, literal braces doubled.
Retrieved passages and user text are fenced in XML-tagged sections (`fence_passages`,
`fence`) and the prompts say that fenced text is data, never instructions.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from agent.types import Passage

PROMPT_DIR = Path(__file__).parent
LANGUAGE_NAMES: dict[str, str] = {"zh": "Simplified Chinese (简体中文)", "en": "English"}
"""How a prompt names the language the model must write in."""


def prompt_names() -> list[str]:
    """Names of every prompt file (without `.txt`)."""
    return sorted(p.stem for p in PROMPT_DIR.glob("*.txt"))


@cache
def load_prompt(name: str) -> str:
    """The raw text of `prompts/<name>.txt`; KeyError for an unknown prompt (a packaging bug)."""
    path = PROMPT_DIR / f"{name}.txt"
    if not path.is_file():
        raise KeyError(f"no prompt named {name!r} in {PROMPT_DIR}")
    return path.read_text(encoding="utf-8")


def render_prompt(name: str, **values: Any) -> str:
    """`load_prompt(name)` with its placeholders filled."""
    return load_prompt(name).format(**values)


def system_prompt(lang: str) -> str:
    """The system message of every request: the coach's role, writing in `lang`."""
    return render_prompt("system", language=LANGUAGE_NAMES[lang])


def fence(tag: str, text: str) -> str:
    """User or model text inside `<tag>…</tag>`, escaped so it cannot close the section."""
    return f"<{tag}>\n{escape(text)}\n</{tag}>"


def fence_passages(passages: Sequence[Passage]) -> str:
    """Passages numbered from 1 inside `<passages>`, each with its id, source and section."""
    if not passages:
        return "<passages>\n</passages>"
    items = []
    for n, p in enumerate(passages, 1):
        attrs = (
            f"n={quoteattr(str(n))} id={quoteattr(p.id)} source={quoteattr(p.source)} "
            f"section={quoteattr(p.section)}"
        )
        title = p.title or p.title_en
        head = f"{escape(title)}\n" if title else ""
        items.append(f"<passage {attrs}>\n{head}{escape(p.text.strip())}\n</passage>")
    return "<passages>\n" + "\n".join(items) + "\n</passages>"
