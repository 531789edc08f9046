"""The [n] markers a model writes, mapped to the passages they refer to.

A prompt numbers the passages it sends [1]…[k] (`prompts.fence_passages`) and the model cites them
by those numbers. The numbers mean nothing outside that prompt: shown as they are, a reader would
follow [2] to whatever the list beside the text numbers 2. So a reply's markers are rewritten
before anyone sees them, and a marker that refers to no passage sent (an out-of-range or made-up
number) is dropped rather than left dangling:

- `renumber(text, passages)`: for a reply shown with its own source list (an `/ask` answer): the
  markers numbered in order of first use, so [i] is the i-th passage returned;
- `bind(text, passages)`: for text placed later into a document that numbers its own sources (a
  wrap-up narrative): each marker becomes a token naming its passage, `[[cite:<passage id>]]`;
- `resolve(text, number)`: the bound tokens as the document's own `[k]`; any marker left unbound
  (a narrative drafted before markers were bound) is dropped, since nothing says what it meant.

Markers are `[1]`, `[1, 3]` (and `，`, `、`, `;` between numbers) or full-width `【1】`; a group
becomes consecutive markers (`[1][3]`). Whitespace before a dropped marker goes with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from urllib.parse import quote, unquote

from agent.types import Citation, Passage

_NUMBERS = r"(?P<nums>\d{1,3}(?:\s*[,，、;；]\s*\d{1,3})*)"
_MARKER = re.compile(r"(?P<space>[ \t\u3000]*)[\[【]\s*" + _NUMBERS + r"\s*[\]】]")
_BOUND = re.compile(r"(?P<space>[ \t\u3000]*)\[\[cite:(?P<id>[^\[\]\s]+)\]\]")
_ANY = re.compile(
    r"(?P<space>[ \t\u3000]*)(?:\[\[cite:(?P<id>[^\[\]\s]+)\]\]|[\[【]\s*" + _NUMBERS + r"\s*[\]】])"
)


def _rewrite(text: str, mark: Callable[[int], str | None]) -> str:
    """`text` with every marker group replaced by `mark(n)` for each of its numbers (None: dropped)."""

    def sub(m: re.Match[str]) -> str:
        out: list[str] = []
        for n in re.findall(r"\d+", m["nums"]):
            r = mark(int(n))
            if r is not None and r not in out:
                out.append(r)
        return m["space"] + "".join(out) if out else ""

    return _MARKER.sub(sub, text)


def renumber(text: str, passages: Sequence[Passage]) -> tuple[str, list[Passage]]:
    """`text` with its markers numbered by first use, and the passages they cite in that order.

    `passages` are those the prompt numbered [1]…[k]; markers outside that range are dropped."""
    used: list[Passage] = []

    def mark(n: int) -> str | None:
        if not 1 <= n <= len(passages):
            return None
        p = passages[n - 1]
        i = next((i for i, q in enumerate(used) if q.id == p.id), None)
        if i is None:
            used.append(p)
            i = len(used) - 1
        return f"[{i + 1}]"

    return _rewrite(_BOUND.sub("", text), mark), used


def bind(text: str, passages: Sequence[Passage]) -> str:
    """`text` with each marker replaced by a token naming the passage the prompt numbered so.

    `passages` are those the prompt numbered [1]…[k]; markers outside that range are dropped, and
    so is anything already shaped like a token (the model was never shown one: it is made up)."""

    def mark(n: int) -> str | None:
        if not 1 <= n <= len(passages):
            return None
        return f"[[cite:{quote(passages[n - 1].id, safe='')}]]"

    return _rewrite(_BOUND.sub("", text), mark)


def resolve(
    text: str, number: Callable[[str], int | None], escape: Callable[[str], str] = lambda s: s
) -> str:
    """`text` with each token as `[k]`, k = `number(passage id)` (dropped when None), unbound
    markers dropped, and the text between them passed through `escape`."""
    out: list[str] = []
    pos = 0
    last = ""
    for m in _ANY.finditer(text):
        between = text[pos : m.start()]
        out.append(escape(between))
        pos = m.end()
        k = number(unquote(m["id"])) if m["id"] else None
        if k is None:
            continue
        marker = f"[{k}]"
        if between or m["space"] or marker != last:  # `[1][1]` reads as one citation
            out.append(m["space"] + marker)
        last = marker
    out.append(escape(text[pos:]))
    return "".join(out)


def citation_for(p: Passage, quote_chars: int = 80) -> Citation:
    """A citation to any passage (built-in or the user's), with a short quote."""
    quote = " ".join(p.text.split())
    if len(quote) > quote_chars:
        quote = quote[:quote_chars] + "…"
    return Citation(passage_id=p.id, source=p.source, section=p.section, title=p.title, quote=quote)
